"""Every chapter stands for a text received from its author, kept as received.

Sphinx checks each document; nothing in Sphinx knows that a chapter is the
edition of a received text. On every build:

* every chapter's ``source`` names a received text in the sources folder
  (``book_sources``, relative to the configuration directory), and no other
  chapter names the same one;
* every received text (``*.txt``) has a chapter, is UTF-8 and only text, and has a checksum
  in ``SHA256SUMS`` that matches: the texts are never edited; every checksum
  names a text that exists;
* every chapter is in the table of contents (Sphinx's own warning names the
  file but no line, and ``orphan:`` would silence it), in the book's order:
  of first publication.

Each problem is a warning naming the file and the line.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from .. import chapters
from .text import bad_characters, first_bad_byte

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

CHECKSUMS = "SHA256SUMS"


def warn(message: str, location, subtype: str) -> None:
    logger.warning(message, location=location, type="book", subtype=subtype)


def sources_folder(app: Sphinx) -> Path:
    return (Path(app.confdir) / app.config.book_sources).resolve()


def received_path(app: Sphinx, chapter: chapters.Chapter) -> Path:
    """Where a chapter's received text is."""
    return sources_folder(app) / chapter.source


def recheck_on_new_sources(app: Sphinx, env: BuildEnvironment, *_docs) -> list[str]:
    """Run the book-wide checks again when a received text or the checksums
    changed: Sphinx runs env-check-consistency only after reading something,
    and none of these files is a document."""
    files = sorted(sources_folder(app).glob("*"))
    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.is_file()]
    if getattr(env, "book_sources_stamp", None) == stamp:
        return []
    env.book_sources_stamp = stamp
    return [env.config.root_doc] if env.config.root_doc in env.found_docs else []


def check_sources(app: Sphinx, env: BuildEnvironment) -> None:
    sources = sources_folder(app)
    records = chapters.records(env)
    received = sorted(p.name for p in sources.glob("*.txt"))

    named_by: dict[str, str] = {}
    for docname, chapter in sorted(records.items()):
        if docname not in env.found_docs:
            continue
        location = (docname, chapter.line("source"))
        if chapter.source not in received:
            warn(
                f"chapter without a received text: 'source: {chapter.source}' names no file in "
                f"{sources} (every chapter is the edition of a text kept there as received)",
                location,
                "sources",
            )
        elif chapter.source in named_by:
            warn(
                f"the received text {chapter.source} is already the source of "
                f"{named_by[chapter.source]!r}: one chapter per text",
                location,
                "sources",
            )
        else:
            named_by[chapter.source] = docname

    checksums, listed = read_checksums(sources / CHECKSUMS)
    for name in received:
        path = sources / name
        data = path.read_bytes()
        if bad := first_bad_byte(data):
            warn(f"received text is not UTF-8: {bad[1]}", f"{path}:{bad[0]}", "encoding")
        else:
            for line, column, what in bad_characters(data.decode("utf-8")):
                warn(
                    f"received text holds {what} at column {column}", f"{path}:{line}", "character"
                )
        if name not in named_by and not chapters.has_broken(env):
            warn(
                "received text without a chapter: no chapter names it in its 'source' field",
                f"{path}:1",
                "sources",
            )
        if name not in checksums:
            warn(f"received text without a checksum in {CHECKSUMS}", f"{path}:1", "checksum")
    for name, (digest, line) in checksums.items():
        path = sources / name
        if not path.is_file():
            warn(f"{name} is listed but does not exist", f"{listed}:{line}", "checksum")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            warn(
                f"{name} differs from the text as received (its checksum does not match): "
                "received texts are never edited",
                f"{listed}:{line}",
                "checksum",
            )

    order = [d for d in chapters.book_order(env) if d in records]
    expected = [c.docname for c in chapters.in_book_order(env) if c.docname in order]
    if order != expected:
        first = next(a for a, b in zip(order, expected, strict=True) if a != b)
        warn(
            f"the contents list {first!r} out of the order of first publication "
            f"({', '.join(expected)}): list the chapters by date in "
            f"{contents_hint(env, [first])}",
            (first, 1),
            "toc",
        )
    included = set().union(*env.toctree_includes.values())
    for docname in sorted(records):
        if docname in env.found_docs and docname not in included:
            warn(
                "chapter missing from the table of contents: list "
                f"{docname!r} in {contents_hint(env, sorted(records))}",
                (docname, 1),
                "toc",
            )


def read_checksums(path: Path) -> tuple[dict[str, tuple[str, int]], Path]:
    """``{file name: (sha256, line)}`` from a ``sha256sum`` manifest."""
    out: dict[str, tuple[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        warn(f"cannot read the checksums of the received texts: {error}", f"{path}:1", "checksum")
        return out, path
    for number, line in enumerate(lines, start=1):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if not match:
            warn("not a 'sha256  file name' line", f"{path}:{number}", "checksum")
            continue
        out[match[2]] = (match[1], number)
    return out, path


def contents_hint(env: BuildEnvironment, docnames: list[str]) -> str:
    """Where the chapters are listed: the root document's toctree, at the line
    of the first chapter listed there."""
    path = env.doc2path(env.config.root_doc)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"the toctree of {path}"
    listed = set(docnames)
    for number, line in enumerate(lines, start=1):
        if line.strip() in listed:
            return f"the toctree at {path}:{number}"
    for number, line in enumerate(lines, start=1):
        if "{toctree}" in line:
            return f"the toctree at {path}:{number}"
    return f"a toctree of {path}"


def setup(app: Sphinx) -> None:
    app.add_config_value("book_sources", "sources", "env", types=[str])
    app.connect("env-get-outdated", recheck_on_new_sources)
    app.connect("env-check-consistency", check_sources)
