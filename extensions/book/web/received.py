"""The texts as received, published with the web edition.

Every received text (``book_sources``: each chapter's ``source`` and the
folder's ``SHA256SUMS``) is copied, byte for byte, to ``received/`` in the
web edition, where the sources page links them (``{book-received}``,
`book.matter`): a reader can read what the editors started from, and check
it against its checksum. Only the files the chapters name are published,
with the checksums: nothing else in the folder gets out.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from .. import chapters
from ..checks.sources import CHECKSUMS, sources_folder

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The folder of the web edition that holds them.
FOLDER = "received"


def publish(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    folder = sources_folder(app)
    out = app.builder.outdir / FOLDER
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    names = sorted({c.source for c in chapters.in_book_order(app.env)} | {CHECKSUMS})
    for name in names:
        if (folder / name).is_file():
            shutil.copyfile(folder / name, out / name)


def setup(app: Sphinx) -> None:
    app.connect("build-finished", publish)
