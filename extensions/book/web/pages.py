"""What each page of the web edition gets beyond furo's own.

* the index: each entry's links named for their chapters (templates/genindex.html);
* ``book_rights``: the rights, one line per author and the editors', for the
  foot of every page (templates/page.html), in place of Sphinx's one
  "Copyright" line;
* the search page: search-summary.js, so that a result's summary quotes the
  author's words, not a byline;
* sphinx-design's stylesheet and script only on the pages that use its
  components (the front page's and the sources' cards): every other page, and
  the ePub, load 55 kB less.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from .. import chapters, identity

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: sphinx-design's files, as it registers them.
DESIGN_FILES = ("sphinx-design.min.css", "design-tabs.js")


def uses_design(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    return any(
        any(c.startswith("sd-") for c in node.get("classes", ()))
        for node in doctree.findall(nodes.Element)
    )


def index_links(app: Sphinx, context: dict[str, Any]):
    """For the index: an entry's links, one a document (its first), named for
    the document, in the order of the book: ``(title, uri, main)``."""
    order = {docname: n for n, docname in enumerate(chapters.book_order(app.env))}
    suffix = app.builder.out_suffix

    def links_of(links: list[tuple[bool, str]]) -> list[tuple[str, str, bool]]:
        found: dict[str, tuple[str, str, bool]] = {}
        for main, uri in links:
            path = uri.split("#", 1)[0]
            docname = path[: -len(suffix)] if path.endswith(suffix) else path
            title = app.env.titles[docname].astext() if docname in app.env.titles else docname
            if docname not in found or (main and not found[docname][2]):
                found[docname] = (title, uri if docname not in found else found[docname][1], main)
        return [found[d] for d in sorted(found, key=lambda d: order.get(d, len(order)))]

    return links_of


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    book = identity.book(app.env)
    if pagename == "genindex":
        context["book_index_links"] = index_links(app, context)
    # A web page may be read alone, and says whose it is in its foot (a
    # chapter: its author's, and the editors' notes); the ePub is read whole,
    # and says it once, on its front page.
    if app.builder.name != "epub" or pagename == app.config.root_doc:
        chapter = chapters.get(app.env, pagename)
        whose = identity.of(app.config, [chapter]) if chapter is not None else book
        context["book_rights"] = [*whose.author_rights, f"{book.editors_rights}."]
    if pagename == "search" and app.builder.name == "html":
        # Deferred: furo's search page loads searchtools.js after every other
        # script, and runs the search when the page has loaded.
        app.add_js_file("search-summary.js", priority=600, defer="defer")
    if not uses_design(doctree):
        for key in ("css_files", "script_files"):
            context[key] = [f for f in context.get(key, []) if _name(f) not in DESIGN_FILES]


def _name(asset) -> str:
    """A stylesheet's or a script's file name (Sphinx gives objects or strings)."""
    return str(getattr(asset, "filename", asset)).rsplit("/", 1)[-1].split("?")[0]


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", page_context)
