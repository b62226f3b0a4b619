"""furo's sidebar, rendered once per folder of pages instead of once per page.

furo puts the whole contents into every page's sidebar: for each page Sphinx
resolves the book's toctree and renders it with docutils, and furo parses the
result again (BeautifulSoup) to add its toggles. That costs each page time in
proportion to the number of chapters, so a book's build grows with the square
of its chapters (46 % of a 240-chapter build went there).

The sidebar differs from page to page in two things only: the folder its links
are relative to, and the entry marked as the current page (with the list that
holds it). So the contents are rendered once per folder, as furo renders them
for a page that is not in them (nothing is marked), and each page gets that
with its own entry marked exactly as Sphinx and furo mark it. This holds for a
flat contents (chapters without sub-entries in the sidebar, as the book has):
for any other shape, or a page whose entry is not found once, the page gets
furo's own rendering. `book_sidebar_once = False` turns this off; the tests
build the book both ways and compare every page.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from typing import TYPE_CHECKING, Any

from sphinx.util.osutil import relative_uri

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

#: How furo asks for the sidebar's contents (furo._compute_navigation_tree).
FURO_ASKS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
#: furo's html-page-context handler runs at the default priority: the
#: contents are handed to it just before, the page's entry marked just after.
FURO = 500
#: A contents that is not flat: left to furo.
_NESTED = re.compile(r'toctree-l[2-9]|class="[^"]*\b(?:has-children|current)\b')


#: builder -> folder -> its contents, unmarked (None: not flat).
_rendered: weakref.WeakKeyDictionary[Builder, dict[str, str | None]] = weakref.WeakKeyDictionary()


def _neutral(app: Sphinx, pagename: str, toctree) -> str | None:
    """The contents as seen from the page's folder, nothing marked (None: not flat)."""
    folder = posixpath.dirname(pagename)
    cache = _rendered.setdefault(app.builder, {})
    if folder not in cache:
        html = toctree(**FURO_ASKS)
        unmarked = _unmark(app, pagename, html)
        cache[folder] = unmarked if unmarked is not None and not _NESTED.search(unmarked) else None
    return cache[folder]


def _entry(app: Sphinx, pagename: str) -> str:
    """A page's entry in the contents as a page of the same folder links it."""
    builder = app.builder
    here = posixpath.join(posixpath.dirname(pagename), "\0")  # a page of the same folder
    uri = relative_uri(builder.get_target_uri(here), builder.get_target_uri(pagename))
    return f'<li class="toctree-l1"><a class="reference internal" href="{uri}">'


_MARKED_LI = '<li class="toctree-l1 current">'
_MARKED_A = '<a class="current reference internal" href="#">'


def _unmark(app: Sphinx, pagename: str, html: str) -> str | None:
    """Sphinx's contents for a page, with the page's own marks taken off."""
    marked = _MARKED_LI + _MARKED_A
    count = html.count(marked)
    if count == 0:
        return html
    if count > 1 or html.count('<ul class="current">') != 1:
        return None
    return html.replace(marked, _entry(app, pagename)).replace('<ul class="current">', "<ul>")


def hand_over(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Before furo: its call for the contents gets the folder's, unmarked
    (furo's own cache then serves every page of the folder)."""
    if app.builder.name != "html" or not app.config.book_sidebar_once:
        return
    if "toctree" not in context:
        return
    if pagename not in app.env.all_docs:  # the index, search, 404 pages: furo's own
        return
    toctree = context["toctree"]
    neutral = _neutral(app, pagename, toctree)
    if neutral is None:
        return

    def contents(**options: Any) -> str:
        return neutral if options == FURO_ASKS else toctree(**options)

    context["toctree"] = contents
    context["_book_sidebar_from"] = toctree


def mark(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After furo: the page's own entry, and the list that holds it, marked
    as furo marks them."""
    toctree = context.pop("_book_sidebar_from", None)
    if toctree is None or "furo_navigation_tree" not in context:
        return
    context["toctree"] = toctree
    tree = context["furo_navigation_tree"]
    entry = _entry(app, pagename)
    if tree.count(entry) > 1:  # cannot tell which: furo's own rendering
        from furo.navigation import get_navigation_tree

        context["furo_navigation_tree"] = get_navigation_tree(toctree(**FURO_ASKS))
        return
    at = tree.find(entry)
    if at < 0:  # not in the contents: nothing to mark
        return
    opens = tree.rfind("<ul>", 0, at)
    context["furo_navigation_tree"] = (
        tree[:opens]
        + '<ul class="current">'
        + tree[opens + len("<ul>") : at]
        + '<li class="toctree-l1 current current-page">'
        + _MARKED_A
        + tree[at + len(entry) :]
    )


def setup(app: Sphinx) -> None:
    app.add_config_value("book_sidebar_once", True, "html", types=frozenset({bool}))
    app.connect("html-page-context", hand_over, priority=FURO - 1)
    app.connect("html-page-context", mark, priority=FURO + 1)
