"""Directives for what the editor adds inside a chapter.

``editor-note``
    An admonition titled "Editor's note". Everything inside is the editor's.

``lost-image``
    Stands where the original showed an image that was not recovered. Its
    content is the author's words (the image's alt text) and stays theirs;
    only the label around it ("Image not recovered") is the editor's.

Both carry the ``editorial`` class (on the whole note, or on the label only),
which the styles of every format and the fidelity tests key on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


class EditorNote(SphinxDirective):
    """An editor's note, set apart from the author's text."""

    has_content = True
    option_spec: ClassVar = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        title = _("Editor’s note")
        note = nodes.admonition(
            "",
            classes=["editor-note", "editorial", *self.options.get("class", [])],
        )
        self.set_source_info(note)
        note += nodes.title(title, title)
        note += self.parse_content_to_nodes()
        return [note]


class LostImage(SphinxDirective):
    """A placeholder for an image of the original that was not recovered."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        label = _("Image not recovered. Its description in the original:")
        box = nodes.container("", classes=["lost-image"])
        self.set_source_info(box)
        box += nodes.paragraph(label, label, classes=["lost-image-label", "editorial"])
        box += self.parse_content_to_nodes()
        return [box]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("editor-note", EditorNote)
    app.add_directive("lost-image", LostImage)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
