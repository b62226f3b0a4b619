"""Divide the PDF into front matter, main matter and back matter.

A book numbers its chapters, and pages in arabic figures, only in the main
matter: here the essays. The preface comes before them (front matter: roman
page numbers, no chapter number) and the glossary and the sources after them
(back matter: no chapter number). LaTeX's book class does this with
``\\frontmatter``, ``\\mainmatter`` and ``\\backmatter``; this post-transform
puts those commands into the LaTeX builder's single assembled document, around
the chapters whose document names start with ``book_matter_main_prefix``
(the essays). Other builders are untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


class MarkBookMatter(SphinxPostTransform):
    builders = ("latex",)
    default_priority = 400

    def run(self, **kwargs) -> None:
        files = list(self.document.findall(addnodes.start_of_file))
        if not files:
            return  # a single document, not the assembled book
        prefix = self.config.book_matter_main_prefix
        main = [i for i, f in enumerate(files) if f["docname"].startswith(prefix)]
        if not main:
            return
        if main[-1] + 1 < len(files):
            insert_before(files[main[-1] + 1], r"\backmatter")
        insert_before(files[main[0]], r"\mainmatter")


def insert_before(node: nodes.Element, command: str) -> None:
    parent = node.parent
    parent.insert(parent.index(node), nodes.raw("", command + "\n", format="latex"))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("book_matter_main_prefix", "essays/", "env", types=[str])
    app.add_post_transform(MarkBookMatter)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
