"""The PDF: one builder, Sphinx's LaTeX builder with the book's typography and matter.

`BookLaTeXBuilder` (the ``latex`` builder) shapes what XeLaTeX sets:

* the typefaces, from ``book_fonts`` (main, sans, mono), each checked before
  LaTeX runs (`book.fonts`): a missing face stops the build with its name and
  the package that installs it;
* the preamble (``preamble.tex`` beside this file): the book's page, chapter
  heads, running heads and the editor's voice;
* the front matter (``titlepage.tex_t``, rendered with the book's identity and
  authors, `book.identity`): the title page, the copyright page, and the PDF's
  metadata;
* the divisions of a book: ``\\frontmatter`` (roman page numbers, no chapter
  numbers) before the essays, ``\\mainmatter`` for them, ``\\backmatter``
  after them (`MarkBookMatter`);
* a chapter's head: its author set with its title, written into the running
  heads and the contents (`ChapterHead`);
* the blocks print needs told apart: classed paragraphs and lists reach
  LaTeX as environments (`ClassedBlocks`), a bold line that introduces the
  next paragraph stays with it (`KeepWithNext`), a code listing is fitted to
  the measure (`FitListings`);
* the addresses of the authors' links, which a page cannot follow: listed by
  page at the chapter's end, in the editors' voice, never as numbered notes
  among the authors' (`LinksInChapter`);
* code in black and white (`PRINT_CODE_STYLE`).

Every transform here is the LaTeX builder's only; the other editions are
untouched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.highlighting import PygmentsBridge
from sphinx.locale import _
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.template import LaTeXRenderer
from sphinx.util.texescape import escape

from .. import chapters, fonts, identity, matter
from ..editorial import BYLINE, EDITORIAL, authors_links

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).resolve().parent
#: Code on paper: black and white, keywords bold, comments italic (Pygments).
PRINT_CODE_STYLE = "bw"


class BookLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, with the book's faces and front matter."""

    def init(self) -> None:
        super().init()
        for role in ("main", "sans", "mono"):
            fonts.require(self._app, role)

    def update_doc_context(self, title: str, author: str, theme) -> None:
        super().update_doc_context(title, author, theme)
        self.context["maketitle"] = render_front_matter(self, identity.book(self.env))

    def write_stylesheet(self) -> None:
        """Sphinx's sphinxhighlight.sty, in `PRINT_CODE_STYLE` whatever the
        web edition's Pygments style."""
        stylesheet = PygmentsBridge("latex", PRINT_CODE_STYLE).get_stylesheet()
        (self.outdir / "sphinxhighlight.sty").write_text(
            "\\NeedsTeXFormat{LaTeX2e}[1995/12/01]\n"
            "\\ProvidesPackage{sphinxhighlight}[2022/06/30 stylesheet for highlighting]\n"
            f"% Pygments' {PRINT_CODE_STYLE!r} style (book.pdf).\n\n{stylesheet}",
            encoding="utf-8",
        )


def render_front_matter(builder: LaTeXBuilder, book: identity.Book) -> str:
    renderer = LaTeXRenderer([HERE], latex_engine=builder.config.latex_engine)
    env = builder.env
    in_order = chapters.in_book_order(env)
    sources = [d for d in sorted(env.all_docs) if env.metadata[d].get(matter.SOURCES_PAGE)]
    context: dict[str, Any] = {
        "book": book,
        "language": builder.config.language,
        "chapters": in_order,
        "sites": list(dict.fromkeys(c.site for c in in_order)),
        "faces": {role: family for role, (family, _package) in builder.config.book_fonts.items()},
        "sources_doc": sources[0] if sources else "",
        "sources_title": env.titles[sources[0]].astext() if sources else "",
    }
    return renderer.render("titlepage.tex_t", context)


def latex(text: str) -> str:
    """Text as LaTeX source, for the raw LaTeX written here."""
    return escape(text, "xelatex")


def raw(code: str) -> nodes.raw:
    return nodes.raw("", code, format="latex")


def chapter_files(document: nodes.document, env) -> list[addnodes.start_of_file]:
    """The chapters' parts of the LaTeX builder's one assembled document."""
    return [
        f
        for f in document.findall(addnodes.start_of_file)
        if chapters.is_chapter(env, f["docname"]) and chapters.get(env, f["docname"])
    ]


class ChapterHead(SphinxPostTransform):
    """Under a chapter's title, its author, set in the head's own face; then
    the editors' line: the date and where it first appeared. The author goes
    into the left-hand running head (the title into the right-hand one) and
    under the chapter's line in the contents."""

    builders = ("latex",)
    default_priority = 400

    def run(self, **kwargs: Any) -> None:
        for part in chapter_files(self.document, self.env):
            chapter = chapters.get(self.env, part["docname"])
            byline = next(
                (c for c in part.findall(nodes.container) if BYLINE in c["classes"]), None
            )
            if byline is None or not chapter.author:
                continue
            where = _("First published on")
            line = f"{chapter.date_text} · {where} "
            para = nodes.paragraph("", line)
            source = [n for n in byline.findall(nodes.Element) if "byline-source" in n["classes"]]
            para += source[0].deepcopy() if source else nodes.Text(chapter.site)
            author = nodes.container(
                "", nodes.paragraph("", chapter.author), classes=["book-chapter-author"]
            )
            marks = raw(
                f"\\bookrunninghead{{{latex(chapter.author)}}}{{{latex(chapter.title)}}}"
                f"\\addtocontents{{toc}}{{\\protect\\bookcontentsauthor{{{latex(chapter.author)}}}}}\n"
            )
            editors = nodes.container("", para, classes=[BYLINE, EDITORIAL])
            byline.replace_self([marks, author, editors])


class ClassedBlocks(SphinxPostTransform):
    """A paragraph's or a list's classes reach LaTeX as environments
    (``sphinxclass<name>``, where the preamble defines one), as a
    container's do: Sphinx's LaTeX writer drops them otherwise."""

    builders = ("latex",)
    default_priority = 410
    BLOCKS = (nodes.paragraph, nodes.bullet_list, nodes.enumerated_list)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(lambda n: isinstance(n, self.BLOCKS))):
            # "simple": Sphinx's mark of a compact list, not a class of ours.
            classes = [c for c in node["classes"] if c != "simple"]
            parent = node.parent
            if classes and not (
                isinstance(parent, nodes.container) and set(classes) <= set(parent["classes"])
            ):
                wrap(node, classes)


class EditorNotes(SphinxPostTransform):
    """An editor's note (and "See also") is set as the editors' matter is:
    a grey rule down its side, the sans face, the editors' colour; not as
    one of Sphinx's boxed admonitions, which the authors' text never has
    either (``sphinxclasseditor-note`` in the preamble)."""

    builders = ("latex",)
    default_priority = 405

    def run(self, **kwargs: Any) -> None:
        for note in list(self.document.findall(nodes.admonition)):
            if "editor-note" not in note["classes"]:
                continue
            box = nodes.container("", classes=list(note["classes"]))
            for child in note.children:
                if isinstance(child, nodes.title):
                    head = nodes.paragraph("", "", nodes.strong("", "", *child.children))
                    box += nodes.container("", head, classes=["editor-note-title"])
                else:
                    box += child
            note.replace_self(box)


class GlossaryIndexInText(SphinxPostTransform):
    """A glossary term's own index entry, out of the term into its
    definition's first paragraph. Sphinx writes the term as the argument of
    ``\\sphinxlineitem``, where TeX has already read the entry's
    ``\\sphinxhyphen{}`` as ``\\sphinxhyphen {}``: "finite-state machine"
    was two entries of the index, its definition's and its uses'."""

    builders = ("latex",)
    default_priority = 415

    def run(self, **kwargs: Any) -> None:
        for term in list(self.document.findall(nodes.term)):
            entries = list(term.findall(addnodes.index))
            item = term.parent
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            first = definition.next_node(nodes.paragraph) if definition is not None else None
            if not entries or first is None:
                continue
            for entry in reversed(entries):
                entry.parent.remove(entry)
                first.insert(0, entry)


def wrap(node: nodes.Element, classes: list[str]) -> nodes.container:
    box = nodes.container("", classes=list(classes))
    node.replace_self(box)
    box += node
    return box


class KeepWithNext(SphinxPostTransform):
    """A paragraph that is bold throughout (Tim Peters's "Number of times
    the CoC WG contacted me: 0") introduces the next one: it is kept on its
    page and never split."""

    builders = ("latex",)
    default_priority = 420

    def run(self, **kwargs: Any) -> None:
        for part in chapter_files(self.document, self.env):
            for para in list(part.findall(nodes.paragraph)):
                if len(para) == 1 and isinstance(para[0], nodes.strong):
                    wrap(para, ["keep-with-next"])


class FitListings(SphinxPostTransform):
    """Each code listing is set at the size that fits its longest line into
    the measure, and kept whole on a page where it fits on one
    (``\\booklisting`` in the preamble)."""

    builders = ("latex",)
    default_priority = 430

    def run(self, **kwargs: Any) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            lines = block.astext().splitlines() or [""]
            widest = max(len(line.expandtabs(8)) for line in lines) or 1
            box = wrap(block, ["book-listing"])
            box.insert(0, raw(f"\\booklisting{{{widest}}}{{{len(lines)}}}\n"))
            # The text after a listing goes on with the sentence that led to
            # it ("Instead of something like this: … this branch lets you"):
            # no indent.
            box.parent.insert(box.parent.index(box) + 1, raw("\\bookafterblock\n"))


class LinksInChapter(SphinxPostTransform):
    """The authors' links in a chapter, which a printed page cannot follow,
    listed at the chapter's end ("Links in this chapter"): the page, the
    linked words and the address. The editors' list, in their voice, and no
    numbered note: the authors' notes are the only numbered series."""

    builders = ("latex",)
    default_priority = 440

    def run(self, **kwargs: Any) -> None:
        for part in chapter_files(self.document, self.env):
            links = authors_links(part)
            if not links:
                continue
            slug = chapters.get(self.env, part["docname"]).slug
            head = _("Links in this chapter")
            box = nodes.container("", classes=["book-links", EDITORIAL])
            box += raw(f"\\booklinkshead{{{latex(head)}}}\n")
            for number, ref in enumerate(links, start=1):
                label = f"booklink:{slug}:{number}"
                ref.parent.insert(ref.parent.index(ref) + 1, raw(f"\\label{{{label}}}"))
                url = ref["refuri"]
                item = nodes.paragraph()
                item += raw(f"\\booklinkpage{{{label}}}")
                item += nodes.Text(f"{' '.join(ref.astext().split())}: ")
                item += nodes.reference(url, url, refuri=url)
                box += item
            section = next(iter(part.findall(nodes.section)))
            section += box


class NoIndexPageInTheContents(SphinxTransform):
    """The contents list the index, which is a page of the web edition and the
    ePub; the PDF prints its own at the end (\\printindex): there is no
    document to put in its place."""

    default_priority = 500

    def apply(self) -> None:
        if self.env._builder_cls.name != "latex":  # Sphinx's own transforms read it so
            return
        for toctree in self.document.findall(addnodes.toctree):
            toctree["includefiles"] = [f for f in toctree["includefiles"] if f != "genindex"]
            toctree["entries"] = [(t, ref) for t, ref in toctree["entries"] if ref != "genindex"]


class MarkBookMatter(SphinxPostTransform):
    """``\\frontmatter`` / ``\\mainmatter`` / ``\\backmatter`` around the essays,
    in the LaTeX builder's one assembled document."""

    builders = ("latex",)
    default_priority = 400

    def run(self, **kwargs: Any) -> None:
        files = list(self.document.findall(addnodes.start_of_file))
        if not files:
            return  # a single document, not the assembled book
        main = [i for i, f in enumerate(files) if chapters.is_chapter(self.env, f["docname"])]
        if not main:
            return
        if main[-1] + 1 < len(files):
            insert_before(files[main[-1] + 1], r"\backmatter")
        insert_before(files[main[0]], r"\mainmatter")


def insert_before(node: nodes.Element, command: str) -> None:
    parent = node.parent
    parent.insert(parent.index(node), nodes.raw("", command + "\n", format="latex"))


def configure(app: Sphinx, config: Config) -> None:
    """The LaTeX settings that come from the book's own records."""
    faces = config.book_fonts
    elements = dict(config.latex_elements)
    elements["fontpkg"] = (
        f"\\setmainfont{{{faces['main'][0]}}}\n"
        f"\\setsansfont{{{faces['sans'][0]}}}[Scale=MatchLowercase]\n"
        f"\\setmonofont{{{faces['mono'][0]}}}[Scale=MatchLowercase, HyphenChar=None]\n"
    )
    elements["preamble"] = (HERE / "preamble.tex").read_text(encoding="utf-8")
    config.latex_elements = elements
    # Relative to conf.py's folder, as the settings' own paths (book.web).
    xdy = os.path.relpath(HERE / "book-index.xdy", app.confdir)
    config.latex_additional_files = [*config.latex_additional_files, xdy]


def visit_attribution(self, node: nodes.attribution) -> None:
    """A quotation's source, after an em dash. Sphinx writes the dash as
    ``---``, which prints as three hyphens: the fonts are set without TeX's
    ligatures, so that an author's "--" prints as written."""
    self.body.append("\n\\begin{flushright}\n\\textemdash{}")


def depart_attribution(self, node: nodes.attribution) -> None:
    self.body.append("\n\\end{flushright}\n")


def setup(app: Sphinx) -> None:
    app.add_builder(BookLaTeXBuilder, override=True)
    app.add_node(nodes.attribution, override=True, latex=(visit_attribution, depart_attribution))
    app.add_transform(NoIndexPageInTheContents)
    for transform in (
        MarkBookMatter,
        ChapterHead,
        EditorNotes,
        ClassedBlocks,
        GlossaryIndexInText,
        KeepWithNext,
        FitListings,
        LinksInChapter,
    ):
        app.add_post_transform(transform)
    app.connect("config-inited", configure)
