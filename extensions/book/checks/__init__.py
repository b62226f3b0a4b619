"""The checks: bad input stops the build, naming the file and the line.

* `sources`: every chapter is the edition of a received text, kept as received;
* `fidelity`: a chapter's author text is its received text, word for word,
  both ways, and its links are the original's;
* `text`: what a document may not hold (bytes that are not UTF-8, raw HTML,
  a footnote referenced but never defined);
* `sticky`: a document that warned is read again on the next build, so that
  its warning comes back until it is fixed.

A chapter's front matter is checked where it is read (`book.chapters`).
Every problem is a warning, which the build's ``-W`` makes an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import fidelity, sources, sticky, text

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    sources.setup(app)
    text.setup(app)
    fidelity.setup(app)
    sticky.setup(app)
