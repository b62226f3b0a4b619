"""The glossary as a concordance: under each definition, the chapters
that use the term, as links.

A reader who follows a ``{term}`` link to the glossary can go back, from the
definition, to every chapter that uses the term::

    wheel
        Python's standard format for built packages …

        Used in: No Executable Is An Island

Nothing is kept by hand:

* **At read time** (a transform, before Sphinx's domains collect a document's
  targets and index entries) every document's ``term`` cross-references are
  collected. The first use of each term in a document gets an anchor
  (``glossary-use-<term>``), so that "Used in" lands on the passage itself, not
  on the top of the chapter; a use inside a section title is anchored on that
  section instead (a target inside a title would be copied, with its id, into
  the tables of contents). The first use is also an entry of the index, under
  the term as the glossary writes it, whatever case the text gives it.
* **At resolve time** (a post-transform, before Sphinx resolves references) a
  line "Used in: …" is appended to each glossary definition, linking the
  documents that use the term in the book's order (the order of the toctree),
  the glossary's own page excepted. It carries the class ``editorial``: it is
  the editor's, in every format. In the PDF, Sphinx's ``latex_show_pagerefs``
  prints each link's page number.
* A glossary term that no document uses is reported (a warning, which the
  build's ``-W`` makes an error): a glossary lists only what the book uses.

The collected uses live on the build environment: per-document, purged with the
document (``env-purge-doc``) and merged from parallel readers
(``env-merge-info``), so the extension is parallel-safe. When any document is
added, changed or removed, the pages holding glossaries are read again
(``env-get-outdated``), so an incremental build rewrites the glossary too.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.domains import std
from sphinx.locale import _
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from . import chapters
from .editorial import EDITORIAL

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: On the build environment: docname -> {term key: anchor id of its first use}.
USES = "glossary_concordance_uses"
#: On the build environment: the docnames whose pages hold a glossary.
PAGES = "glossary_concordance_pages"

#: The classes of the "Used in" line: ``editorial`` marks the editor's words.
USED_IN_CLASSES = ["glossary-used-in", EDITORIAL]


def term_key(text: str) -> str:
    """How a term is matched, as Sphinx's standard domain matches it: case-insensitively."""
    return " ".join(text.split()).lower()


def anchor_id(key: str) -> str:
    return nodes.make_id(f"glossary-use-{key}")


def _uses(env: BuildEnvironment) -> dict[str, dict[str, str]]:
    if not hasattr(env, USES):
        setattr(env, USES, {})
    return getattr(env, USES)


def _pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, PAGES):
        setattr(env, PAGES, set())
    return getattr(env, PAGES)


def _term_xrefs(doctree: nodes.Node) -> Iterator[addnodes.pending_xref]:
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") == "std" and node.get("reftype") == "term":
            yield node


class AnchorFirstUses(SphinxTransform):
    """Record the terms a document uses; anchor the first use of each, and
    index it there under the term (the index then gives, for each term, the
    page of its first use in each chapter, and the glossary's, in bold)."""

    # Before Sphinx's domains collect the index entries (SphinxDomains, 850).
    default_priority = 845

    def apply(self) -> None:
        env = self.env
        uses: dict[str, str] = {}
        for xref in _term_xrefs(self.document):
            key = term_key(xref["reftarget"])
            if key in uses:
                continue
            entry = [("single", xref["reftarget"], "", "", None)]
            section_title = next((a for a in _ancestors(xref) if isinstance(a, nodes.title)), None)
            if section_title is not None and isinstance(section_title.parent, nodes.section):
                # No target inside a title: anchor on the section it names.
                section = section_title.parent
                uses[key] = section["ids"][0]
                entry = [(*entry[0][:2], uses[key], *entry[0][3:])]
                # In the section's first paragraph: on the heading's page.
                first = section.next_node(nodes.paragraph)
                if first is not None:
                    first.insert(0, _index(entry, xref))
                else:
                    section.insert(section.index(section_title) + 1, _index(entry, xref))
                continue
            target_id = anchor_id(key)
            entry = [(*entry[0][:2], target_id, *entry[0][3:])]
            at = xref.parent.index(xref)
            target = nodes.target("", "", ids=[target_id])
            target.referenced = True  # by the index and the glossary's "Used in"
            xref.parent.insert(at, target)
            xref.parent.insert(at, _index(entry, xref))
            uses[key] = target_id
        if uses:
            _uses(env)[env.docname] = uses
        if any(True for _ in self.document.findall(addnodes.glossary)):
            _pages(env).add(env.docname)


def _index(entries: list, at: nodes.Node) -> addnodes.index:
    node = addnodes.index(entries=entries, inline=True)
    node.source, node.line = at.source, at.line
    return node


def glossary_names(env: BuildEnvironment) -> dict[str, str]:
    """Term key -> the term as the glossary writes it."""
    std = env.domains.standard_domain
    return {term_key(name): name for kind, name in std.objects if kind == "term"}


def _as_defined(entries: list, anchors: set[str], names: dict[str, str]) -> list:
    return [
        (kind, names.get(term_key(name), name) if target in anchors else name, target, *rest)
        for kind, name, target, *rest in entries
    ]


#: env -> the glossary's spelling of each term and the anchor of every first
#: use, once every document is read: the same for every page written.
_defined: weakref.WeakKeyDictionary[BuildEnvironment, tuple[dict[str, str], set[str]]] = (
    weakref.WeakKeyDictionary()
)


def _as_the_glossary_has_them(env: BuildEnvironment) -> tuple[dict[str, str], set[str]]:
    if env not in _defined:
        anchors = {a for uses in _uses(env).values() for a in uses.values()}
        _defined[env] = (glossary_names(env), anchors)
    return _defined[env]


def index_as_defined(app: Sphinx, env: BuildEnvironment) -> None:
    """A first use is indexed under the term as the glossary has it, however
    the text writes it ("Alpha" at the start of a sentence, "alpha" in the
    glossary): one entry, not two. (The glossary's spelling is known only
    once every document is read; the web edition's index and the ePub's read
    these entries, the PDF's the index nodes, `IndexAsDefined`.)"""
    _defined.pop(env, None)  # every document is read now: known anew
    names, _anchors = _as_the_glossary_has_them(env)
    entries = env.domains.index_domain.entries
    for docname in list(entries):
        anchors = set(_uses(env).get(docname, {}).values())
        if anchors:
            entries[docname] = _as_defined(entries[docname], anchors, names)


class IndexAsDefined(SphinxPostTransform):
    """The index nodes of first uses, under the glossary's spelling (the
    LaTeX builder writes its index from the nodes)."""

    default_priority = 10

    def run(self, **kwargs: Any) -> None:
        names, anchors = _as_the_glossary_has_them(self.env)
        for node in self.document.findall(addnodes.index):
            node["entries"] = _as_defined(node["entries"], anchors, names)


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _uses(env).pop(docname, None)
    _pages(env).discard(docname)


def merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
) -> None:
    other_uses = _uses(other)
    other_pages = _pages(other)
    for docname in docnames:
        if docname in other_uses:
            _uses(env)[docname] = other_uses[docname]
        if docname in other_pages:
            _pages(env).add(docname)


def outdated_glossaries(
    app: Sphinx,
    env: BuildEnvironment,
    added: Set[str],
    changed: Set[str],
    removed: Set[str],
) -> list[str]:
    """Read the glossary pages again whenever another document changes: their
    "Used in" lines depend on every document."""
    pages = _pages(env)
    if (set(added) | set(changed) | set(removed)) - pages:
        return sorted(pages - set(removed))
    return []


#: The class of a link from a glossary term in the text to its definition: the
#: editor's link on the author's word, styled as no author's link is.
TERM_LINK = "term-link"


class MarkTermLinks(SphinxPostTransform):
    """Every resolved term reference gets `TERM_LINK`, so that each edition
    can set it apart from the authors' links and emphasis."""

    # After Sphinx has resolved the references (ReferencesResolver, 10).
    default_priority = 20

    def run(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.reference):
            if any("std-term" in n.get("classes", ()) for n in ref.findall(nodes.inline)):
                ref["classes"].append(TERM_LINK)


class Glossary(std.Glossary):
    """Sphinx's glossary, with the lines of its terms and definitions right in MyST.

    MyST numbers a directive's content from the directive's first line, not
    from the file's, and its nested parsing adds the directive's line but not
    the content's offset; Sphinx's glossary takes the content's numbers for
    the file's. Every message about the glossary named a line some lines
    early. The content is numbered from the directive (as MyST's nested parsing
    counts it) and each term's line then made the file's (MyST 5.2, Sphinx
    9.0; drop this once MyST numbers directive content by the file)."""

    def run(self) -> list[nodes.Node]:
        relative = all(item[1] == n for n, item in enumerate(self.content.items))
        if relative:  # MyST's content (reStructuredText's is the file's already)
            source = self.state.document["source"]
            start = self.content_offset  # from the directive's line, as MyST counts
            items = [(source, start + n) for n in range(len(self.content))]
            self.content = StringList(list(self.content), items=items)
        result = super().run()
        if relative:
            for node in result:
                for term in node.findall(nodes.term):
                    term.line += self.lineno + 1  # the file's, 1-based
        return result


class AddUsedIn(SphinxPostTransform):
    """Append "Used in: …" to every glossary definition."""

    # The links are built resolved (a relative URI from the builder), so the
    # order among post-transforms does not matter; run with the resolvers.
    default_priority = 10

    def run(self, **kwargs: Any) -> None:
        env = self.env
        uses = _uses(env)
        order = chapters.book_order(env)
        for glossary in list(self.document.findall(addnodes.glossary)):
            for item in glossary.findall(nodes.definition_list_item):
                terms = [child for child in item if isinstance(child, nodes.term)]
                definitions = [child for child in item if isinstance(child, nodes.definition)]
                if not terms or not definitions:
                    continue
                host = self._host_docname(terms[0])
                keys = {term_key(term.astext()) for term in terms}
                users = [
                    (docname, next(uses[docname][k] for k in keys if k in uses[docname]))
                    for docname in order
                    if docname != host and keys & uses.get(docname, {}).keys()
                ]
                if not users:
                    logger.warning(
                        "glossary term %r is not used in any document",
                        terms[0].astext(),
                        location=terms[0],
                        type="glossary",
                        subtype="unused",
                    )
                    continue
                definitions[-1] += self._used_in(users)

    def _host_docname(self, term: nodes.term) -> str:
        """The document a glossary term was written in (in the LaTeX build
        every document is merged into one tree; the term's source tells)."""
        docname = self.env.path2doc(term.source) if term.source else None
        return docname or self.env.docname

    def _used_in(self, users: list[tuple[str, str]]) -> nodes.container:
        label = _("Used in:")
        para = nodes.paragraph()
        para += nodes.inline(label, label, classes=["glossary-used-in-label"])
        para += nodes.Text(" ")
        fromdoc = self.env.docname
        # The builder has no public accessor in a transform (Sphinx 9 deprecates
        # SphinxTransform.app, and reads self.env._app itself).
        builder = self.env._app.builder
        for index, (docname, anchor) in enumerate(users):
            if index:
                para += nodes.Text(", ")
            title = self.env.titles[docname].astext()
            uri = builder.get_relative_uri(fromdoc, docname)
            para += nodes.reference(
                "",
                title,
                internal=True,
                refuri=f"{uri}#{anchor}",
                reftitle=title,
            )
        return nodes.container("", para, classes=list(USED_IN_CLASSES))


def setup(app: Sphinx) -> dict:
    """Also an extension of its own (``book.glossary``), for a fixture book."""
    app.add_transform(AnchorFirstUses)
    app.connect("env-updated", index_as_defined)
    app.add_post_transform(IndexAsDefined)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("env-get-outdated", outdated_glossaries)
    app.add_post_transform(AddUsedIn)
    app.add_post_transform(MarkTermLinks)
    app.add_directive_to_domain("std", "glossary", Glossary, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
