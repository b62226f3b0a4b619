"""What the editor adds inside a chapter, marked as the editor's in every edition.

* The **byline** under each chapter's title (author, date of first
  publication, where it first appeared, linked where the address is
  verified), and the **lede**: the author's own one-sentence summary, from the
  front matter's ``lede`` field (the author's words, set apart, not the
  editor's), both from the chapter's record (`book.chapters`).
* ``editor-note``: an admonition titled "Editor's note"; everything in it is
  the editor's. Only for what a reader needs where it stands (a lost tweet).
* ``see-also``: the editors' cross-references to other chapters, at the end
  of the chapter, titled "See also".
* ``lost-image``: stands where the original showed an image that was not
  recovered. Its content is the author's words (the image's alt text) and stays
  theirs; only its label is the editor's.
* ``{author}`essays/slug```: the author of a chapter, by name, read from its
  record, for the editors' own pages (the preface), which never retype one.
* ``{.lower-alpha}`` on a numbered list: a lettered list, its letters the
  list's markers in every edition.

Everything the editor wrote carries the class `EDITORIAL`: the styles of every
edition, the reading time and the fidelity checks key on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.locale import _
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from . import chapters

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: The class of everything the editor adds, in every edition.
EDITORIAL = "editorial"
#: The classes of the byline's container and its parts.
BYLINE = "byline"
LEDE = "lede"


class EditorNote(SphinxDirective):
    """An editor's note, set apart from the author's text."""

    has_content = True
    option_spec: ClassVar = {"class": directives.class_option}
    title = _("Editor’s note")
    classes: ClassVar = ["editor-note", EDITORIAL]

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        note = nodes.admonition("", classes=[*self.classes, *self.options.get("class", [])])
        self.set_source_info(note)
        title = str(self.title)  # translated when the directive runs
        note += nodes.title(title, title)
        note += self.parse_content_to_nodes()
        return [note]


class SeeAlso(EditorNote):
    """The editors' cross-references from a chapter to others, set at its end
    (after the author's last paragraph, before the notes) as a list, in the
    editor's voice: a reader meets them when the essay is done, never in the
    middle of the author's argument."""

    option_spec: ClassVar = {}
    title = _("See also")
    classes: ClassVar = ["see-also", "editor-note", EDITORIAL]


class LostImage(SphinxDirective):
    """A placeholder for an image of the original that was not recovered."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        label = _("Image not recovered. Its description in the original:")
        box = nodes.container("", classes=["lost-image"])
        self.set_source_info(box)
        box += nodes.paragraph(label, label, classes=["lost-image-label", EDITORIAL])
        box += self.parse_content_to_nodes()
        return [box]


class AuthorRole(SphinxRole):
    """``{author}`essays/slug```: the name of a chapter's author."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        target = self.text.strip().removesuffix(".md")
        chapter = chapters.get(self.env, target)
        if chapter is None:
            logger.warning(
                "{author}`%s`: no chapter of that name (give the chapter's document name, "
                "e.g. essays/no-executable-is-an-island)",
                target,
                location=self.get_location(),
                type="book",
                subtype="author",
            )
            return [nodes.Text(self.text)], []
        return [nodes.Text(chapter.author)], []


class InsertByline(SphinxTransform):
    """The byline and the lede under the title of every chapter."""

    # After MyST has turned the front matter into docinfo (DocInfo, 340) and
    # the title into a section; before the index marks the lede's words
    # (book.indexing, 840) and Sphinx's domains collect targets (850).
    default_priority = 830

    def apply(self) -> None:
        chapter = chapters.get(self.env, self.env.docname)
        if chapter is None:
            return  # not a chapter, or front matter that chapters reported
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None or not isinstance(section[0], nodes.title):
            logger.warning(
                "chapter front matter: the chapter has no title",
                location=(self.env.docname, chapter.line("title")),
                type="book",
                subtype="front-matter",
            )
            return
        path = str(self.env.doc2path(self.env.docname))
        at = 1
        if chapter.author and chapter.date_text and chapter.site:
            byline = build_byline(chapter)
            byline.source, byline.line = path, chapter.line("author")
            section.insert(at, byline)
            at += 1
        if chapter.lede:
            lede = nodes.paragraph(chapter.lede, chapter.lede, classes=[LEDE])
            lede.source, lede.line = path, chapter.line("lede")
            section.insert(at, lede)
        # The description of the page, for search engines and link previews.
        self.document.insert(0, nodes.meta(name="description", content=chapter.description))
        self.env.metadata[self.env.docname]["og:description"] = chapter.description


class LetteredLists(SphinxTransform):
    """``{.lower-alpha}`` on a numbered list makes it a lettered one: "a.",
    "b." are the list's markers in every edition (as the received text's
    letters were), never text in its items."""

    default_priority = 700

    def apply(self) -> None:
        for node in self.document.findall(nodes.enumerated_list):
            if "lower-alpha" in node["classes"]:
                node["enumtype"] = "loweralpha"
                node["prefix"], node["suffix"] = "", "."


def build_byline(chapter: chapters.Chapter) -> nodes.container:
    """``Ann Author · 30 March 2023 · First published on Ann's Blog (ann.example.org)``."""
    para = nodes.paragraph()
    para += nodes.inline(chapter.author, chapter.author, classes=["byline-author"])
    para += nodes.Text(" · ")
    para += nodes.inline(chapter.date_text, chapter.date_text, classes=["byline-date"])
    para += nodes.Text(" · First published on ")
    if chapter.linked_url:
        para += nodes.reference(
            chapter.site, chapter.site, refuri=chapter.linked_url, classes=["byline-source"]
        )
    else:
        para += nodes.inline(chapter.site, chapter.site, classes=["byline-source"])
    return nodes.container("", para, classes=[BYLINE, EDITORIAL])


def is_editorial(node: nodes.Node) -> bool:
    """Whether the editor wrote this node (it or an ancestor is marked)."""
    while node is not None:
        if isinstance(node, nodes.Element) and EDITORIAL in node.get("classes", ()):
            return True
        node = node.parent
    return False


def authors_links(tree: nodes.Node) -> list[nodes.reference]:
    """The links to other sites that are the authors' (the editors' are marked)."""
    return [
        ref
        for ref in tree.findall(nodes.reference)
        if ref.get("refuri", "").startswith(("http://", "https://")) and not is_editorial(ref)
    ]


#: What is not a chapter's text as every edition has it: comments, system
#: messages, notes' labels, index entries, raw output, ``{only}`` blocks.
NOT_TEXT = (
    nodes.comment, nodes.system_message, nodes.label, addnodes.index, nodes.raw, addnodes.only
)  # fmt: skip


def author_blocks(
    doctree: nodes.Node, leave_out: tuple[type[nodes.Node], ...] = NOT_TEXT
) -> Iterator[list[tuple[str, int]]]:
    """The author's text of a doctree, block by block: for each text-bearing
    block that is not inline (a paragraph, a title, a term, a literal block),
    in the order of the blocks' beginnings, its texts and its inline
    children's, each with its line (the nearest one given, at or above it).
    Left out whole, with all they hold: what the editors marked
    (`EDITORIAL`) and the elements of ``leave_out``. One walk of the tree."""
    return _blocks(doctree, 0, None, leave_out)


def _kept(node: nodes.Node, leave_out: tuple) -> Iterator[nodes.Node]:
    """``node``'s texts, and its elements that are not left out."""
    for child in node.children:
        if isinstance(child, nodes.Text) or not (
            isinstance(child, leave_out) or EDITORIAL in child.get("classes", ())
        ):
            yield child


def _is_block(node: nodes.Node) -> bool:
    return isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline)


def _blocks(
    node: nodes.Node, line: int, texts: list | None, leave_out: tuple
) -> Iterator[list[tuple[str, int]]]:
    """``node`` (at ``line``) as blocks: its own texts first, if it is a block
    (``texts``: the list to read them into; None: it is in no block), then
    each block inside it, in order."""
    inner: list[tuple[nodes.Element, int]] = []
    _read(node, line, texts, inner, leave_out)
    if texts is not None:
        yield texts
    for block, here in inner:
        yield from _blocks(block, here, [], leave_out)


def _read(node, line: int, texts: list | None, inner: list, leave_out: tuple) -> None:
    """Into ``texts``, those of ``node`` and its inline children (None: they
    are in no block); into ``inner``, the blocks inside it."""
    for child in _kept(node, leave_out):
        if isinstance(child, nodes.Text):
            if texts is not None:
                texts.append((str(child), getattr(child, "line", None) or line))
        elif _is_block(child):
            inner.append((child, child.line or line))
        else:
            inline = isinstance(child, nodes.Inline)
            _read(child, child.line or line, texts if inline else None, inner, leave_out)


def setup(app: Sphinx) -> None:
    app.add_directive("editor-note", EditorNote)
    app.add_directive("lost-image", LostImage)
    app.add_directive("see-also", SeeAlso)
    app.add_role("author", AuthorRole())
    app.add_transform(InsertByline)
    app.add_transform(LetteredLists)
