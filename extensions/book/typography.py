"""Typesetting the authors' words, without changing one.

A date written with hyphens ("7-Aug-2024") must not break at them: a reader
of a narrow page would see "7-" at a line's end. Each such token is wrapped in
an inline with the class ``nowrap``, which every edition keeps on one line
(the web edition's and the ePub's CSS; ``\\DUrolenowrap`` in the PDF's
preamble). Only the wrapping is added: the words are the same.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: What must not break: a day, a month and a year joined by hyphens.
UNBREAKABLE = re.compile(r"\b\d{1,2}-(?:[A-Z][a-z]{2,8}|\d{1,2})-\d{4}\b")
#: Never inside code or a link's own text machinery.
_SKIP = (nodes.literal, nodes.literal_block, nodes.raw, nodes.comment)


class KeepTogether(SphinxPostTransform):
    default_priority = 800

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, _SKIP) or "nowrap" in parent.get("classes", ()):
                continue
            value = str(text)
            if not UNBREAKABLE.search(value):
                continue
            pieces: list[nodes.Node] = []
            position = 0
            for match in UNBREAKABLE.finditer(value):
                if match.start() > position:
                    pieces.append(nodes.Text(value[position : match.start()]))
                pieces.append(nodes.inline(match[0], match[0], classes=["nowrap"]))
                position = match.end()
            if position < len(value):
                pieces.append(nodes.Text(value[position:]))
            parent.replace(text, pieces)


def setup(app: Sphinx) -> None:
    app.add_post_transform(KeepTogether)
