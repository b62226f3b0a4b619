"""Give the ePub's XHTML the semantics reading systems and assistive technology use.

Sphinx writes the ePub's pages with its HTML writer, which has three gaps that
EPUBCheck does not see but reading systems and Ace by DAISY do:

* No ``lang`` on ``<html>``: a screen reader cannot pick a voice, and a reading
  system cannot hyphenate. Every page gets ``lang`` and ``xml:lang`` from
  ``epub_language``.
* Footnotes carry ARIA roles only (``doc-noteref``, ``doc-footnote``). E-readers
  show a note in a pop-up, where the reader is, only for ``epub:type="noteref"``
  on the reference and ``epub:type="footnote"`` on the note; each keeps its
  matching role, as Ace requires.
* A toctree caption is ``<p role="heading">`` with no level, which ARIA
  forbids: it gets ``aria-level``.

Only the ``epub`` builder is touched; the web edition keeps Sphinx's markup.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.writers.html5 import HTML5Translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The level of a toctree caption ("The essays"): under the page's <h1>.
CAPTION_LEVEL = 2


def _add_attribute(tag: str, name: str, value: str) -> str:
    """Add ``name="value"`` to the start tag that opens ``tag``, the text
    ``starttag()`` returned (it may go on with spans for the node's extra ids).
    Attribute values are escaped, so the first ``>`` ends the start tag."""
    end = tag.index(">")
    if tag[end - 1] == "/":  # an empty element: <br />
        end -= 1
    return f'{tag[:end].rstrip()} {name}="{html.escape(value)}"{tag[end:]}'


class EpubTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, with EPUB structural semantics."""

    def _mark_last_tag(self, name: str, value: str, expected: str) -> None:
        # starttag() is the writer's one way to open an element, and it has
        # just appended this node's start tag; check that before changing it.
        index = max(i for i, part in enumerate(self.body) if part.startswith(expected))
        self.body[index] = _add_attribute(self.body[index], name, value)

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        super().visit_footnote_reference(node)
        self._mark_last_tag("epub:type", "noteref", "<a ")

    def visit_footnote(self, node: nodes.footnote) -> None:
        super().visit_footnote(node)
        self._mark_last_tag("epub:type", "footnote", "<aside ")

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self._mark_last_tag("aria-level", str(CAPTION_LEVEL), "<p ")


def set_page_language(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """``lang`` and ``xml:lang`` on every page's ``<html>`` (XHTML needs both)."""
    if app.builder.name != "epub":
        return
    lang = html.escape(app.config.epub_language)
    context["html_tag"] = (
        '<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}">'
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.set_translator("epub", EpubTranslator)
    app.connect("html-page-context", set_page_language)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
