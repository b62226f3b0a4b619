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
  after them (`MarkBookMatter`).

Other builders are untouched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.template import LaTeXRenderer

from .. import chapters, fonts, identity

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).resolve().parent


class BookLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, with the book's faces and front matter."""

    def init(self) -> None:
        super().init()
        for role in ("main", "sans", "mono"):
            fonts.require(self._app, role)

    def update_doc_context(self, title: str, author: str, theme) -> None:
        super().update_doc_context(title, author, theme)
        self.context["maketitle"] = render_front_matter(self, identity.book(self.env))


def render_front_matter(builder: LaTeXBuilder, book: identity.Book) -> str:
    renderer = LaTeXRenderer([HERE], latex_engine=builder.config.latex_engine)
    context: dict[str, Any] = {
        "book": book,
        "language": builder.config.language,
        "chapters": chapters.in_book_order(builder.env),
    }
    return renderer.render("titlepage.tex_t", context)


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
        f"\\setmonofont{{{faces['mono'][0]}}}[Scale=MatchLowercase]\n"
    )
    elements["preamble"] = (HERE / "preamble.tex").read_text(encoding="utf-8")
    config.latex_elements = elements
    # Relative to conf.py's folder, as the settings' own paths (book.web).
    xdy = os.path.relpath(HERE / "book-index.xdy", app.confdir)
    config.latex_additional_files = [*config.latex_additional_files, xdy]


def setup(app: Sphinx) -> None:
    app.add_builder(BookLaTeXBuilder, override=True)
    app.add_transform(NoIndexPageInTheContents)
    app.add_post_transform(MarkBookMatter)
    app.connect("config-inited", configure)
