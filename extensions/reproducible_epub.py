"""Make the ePub file byte-identical across builds of the same commit.

Sphinx zips the ePub with each member's modification time and permissions as
found on disk, so two builds of the same sources differ in the zip's headers
although every member is the same. Once the ePub is written, this rewrites
the archive with the same members in the same order (``mimetype`` first and
stored, as EPUB requires; the rest deflated) and fixed headers: the time of
``SOURCE_DATE_EPOCH`` (the last commit, set by the Makefile; the zip format's
earliest date, 1980-01-01, without it), mode 0644, and a Unix origin.
"""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The earliest time a zip header can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return ZIP_EPOCH
    return max(ZIP_EPOCH, tuple(time.gmtime(int(epoch))[:6]))


def normalise(path: Path, date_time: tuple[int, ...]) -> None:
    """Rewrite the zip at ``path`` with fixed member headers."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    if not members or members[0][0].filename != "mimetype":
        raise ValueError(f"{path}: 'mimetype' is not the first member of the ePub")
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w") as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=date_time)
            fixed.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            fixed.create_system = 3  # Unix, on every platform
            fixed.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            target.writestr(fixed, data)
    partial.replace(path)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "epub":
        return
    path = Path(app.outdir) / f"{app.config.epub_basename}.epub"
    if path.is_file():
        normalise(path, zip_time())


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", on_build_finished)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
