"""Check that the book holds together: chapters, received texts, facts, contents.

Sphinx checks each document; nothing in Sphinx knows that a chapter stands for
a text received from its author. This extension checks, on every build:

* every chapter (a document under ``chapter_byline_prefix``) names in its
  ``source`` field a received text that exists, and no other chapter names the
  same one;
* the chapter's title, author, date and url are those of its entry in
  ``essays.toml`` (a url only where one was verified there);
* every received text (``*.txt`` in the sources folder) has a chapter, an entry
  in ``essays.toml``, a checksum in ``SHA256SUMS`` that matches (the texts are
  never edited) and is UTF-8; every entry of ``essays.toml`` names a text that
  exists;
* every chapter is in the table of contents (Sphinx's own warning names the
  file but no line, and ``orphan:`` would silence it).

Each problem is a warning naming the file and the line, which the build's
``-W`` turns into a failure. The folder of received texts and ``essays.toml``
come from the config values ``book_sources`` and ``book_facts`` (paths relative
to the configuration directory), so the tests can point them at fixtures.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from chapter_byline import field_line, is_chapter
from input_checks import first_bad_byte
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

CHECKSUMS = "SHA256SUMS"
#: The facts a chapter's front matter repeats from essays.toml.
FACTS = ("title", "author", "date")


def warn(message: str, location, subtype: str) -> None:
    logger.warning(message, location=location, type="book", subtype=subtype)


def where(path: Path, line: int = 1) -> str:
    """A location outside the documents, in the form Sphinx prints its own."""
    return f"{path}:{line}"


class Facts:
    """``essays.toml``: one entry per received text, with the line of each key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict] = {}  # by file name
        self.lines: dict[str, dict[str, int]] = {}  # file name -> key -> line
        self.error: tuple[int, str] | None = None
        try:
            data = path.read_bytes()
        except OSError as error:
            self.error = (1, f"cannot read the facts about the essays: {error.strerror}")
            return
        if bad := first_bad_byte(data):
            self.error = bad
            return
        text = data.decode("utf-8")
        try:
            essays = tomllib.loads(text).get("essay", [])
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"line (\d+)", str(error))
            self.error = (int(match[1]) if match else 1, f"not valid TOML: {error}")
            return
        # The line of every key of every [[essay]] table, in order.
        key_lines: list[dict[str, int]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip() == "[[essay]]":
                key_lines.append({"[[essay]]": number})
            elif key_lines and (match := re.match(r"\s*([A-Za-z_]+)\s*=", line)):
                key_lines[-1].setdefault(match[1], number)
        for index, essay in enumerate(essays):
            name = str(essay.get("file", ""))
            lines = key_lines[index] if index < len(key_lines) else {}
            if not name:
                self.error = (lines.get("[[essay]]", 1), "an [[essay]] entry has no 'file'")
                continue
            self.entries[name] = essay
            self.lines[name] = lines

    def line(self, name: str, key: str = "file") -> int:
        lines = self.lines.get(name, {})
        return lines.get(key, lines.get("file", 1))


def paths(app: Sphinx) -> tuple[Path, Path]:
    """The folder of received texts and essays.toml, from the config."""
    confdir = Path(app.confdir)
    sources = (confdir / app.config.book_sources).resolve()
    facts = (confdir / app.config.book_facts).resolve()
    return sources, facts


def recheck_on_new_sources(app: Sphinx, env: BuildEnvironment, *_docs) -> list[str]:
    """Read the chapters again when a received text, essays.toml or the
    checksums changed: Sphinx runs the consistency checks (check_book) only
    after reading something, and none of these files is a document."""
    sources, facts = paths(app)
    files = sorted({*sources.glob("*"), facts})
    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.is_file()]
    if getattr(env, "book_checks_stamp", None) == stamp:
        return []
    env.book_checks_stamp = stamp
    return sorted(d for d in env.found_docs if is_chapter(d, app.config))


def check_book(app: Sphinx, env: BuildEnvironment) -> None:
    config = app.config
    sources, facts_path = paths(app)
    facts = Facts(facts_path)
    if facts.error:
        warn(facts.error[1], where(facts.path, facts.error[0]), "facts")

    chapters = sorted(d for d in env.found_docs if is_chapter(d, config) and d in env.metadata)
    received = sorted(p.name for p in sources.glob("*.txt"))

    # -- Each chapter: its received text and its facts --------------------------------
    named_by: dict[str, str] = {}
    for docname in chapters:
        meta = env.metadata[docname]
        path = str(env.doc2path(docname))
        source = str(meta.get("source", "")).strip()
        if not source:
            continue  # chapter_byline reports the missing field
        line = field_line(path, "source") or 1
        if source not in received:
            warn(
                f"chapter without a received text: 'source: {source}' names no file in "
                f"{sources} (every chapter is the edition of a text kept there as received)",
                (docname, line),
                "sources",
            )
            continue
        if source in named_by:
            warn(
                f"the received text {source} is already the source of {named_by[source]!r}: "
                "one chapter per text",
                (docname, line),
                "sources",
            )
            continue
        named_by[source] = docname
        entry = facts.entries.get(source)
        if entry is None:
            continue  # reported once, for the text, below
        for key in (*FACTS, "url"):
            ours = str(meta.get(key, "")).strip()
            theirs = str(entry.get(key, "")).strip()
            if key == "url" and not ours:
                continue  # a url is shown only where one was verified
            if ours and ours != theirs:
                facts_at = where(facts.path, facts.line(source, key))
                warn(
                    f"the chapter's {key} differs from essays.toml ({facts_at}): "
                    f"{ours!r} here, {theirs!r} there",
                    (docname, field_line(path, key) or 1),
                    "facts",
                )

    # -- Each received text: a chapter, facts, a checksum ---------------------------------
    checksums, listed = read_checksums(sources / CHECKSUMS)
    for name in received:
        path = sources / name
        data = path.read_bytes()
        if bad := first_bad_byte(data):
            warn(f"received text is not UTF-8: {bad[1]}", where(path, bad[0]), "encoding")
        if name not in named_by:
            warn(
                "received text without a chapter: no chapter names it in its 'source' field",
                where(path),
                "sources",
            )
        if not facts.error and name not in facts.entries:
            warn(f"received text without an entry in {facts.path}", where(path), "facts")
        if name not in checksums:
            warn(f"received text without a checksum in {CHECKSUMS}", where(path), "checksum")
    for name in facts.entries:
        if name not in received:
            warn(
                f"essays.toml describes {name}, which is not in {sources}",
                where(facts.path, facts.line(name)),
                "facts",
            )
    for name, (digest, line) in checksums.items():
        path = sources / name
        if not path.is_file():
            warn(f"{name} is listed but does not exist", where(listed, line), "checksum")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            warn(
                f"{name} differs from the text as received (its checksum does not match): "
                "received texts are never edited",
                where(listed, line),
                "checksum",
            )

    # -- Each chapter in the table of contents -------------------------------------------
    included = set().union(*env.toctree_includes.values())
    for docname in chapters:
        if docname not in included:
            warn(
                "chapter missing from the table of contents: list "
                f"{docname!r} in {contents_hint(env, chapters)}",
                (docname, 1),
                "toc",
            )


def read_checksums(path: Path) -> tuple[dict[str, tuple[str, int]], Path]:
    """``{file name: (sha256, line)}`` from a ``sha256sum`` manifest."""
    out: dict[str, tuple[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        warn(f"cannot read the checksums of the received texts: {error}", where(path), "checksum")
        return out, path
    for number, line in enumerate(lines, start=1):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if not match:
            warn("not a 'sha256  file name' line", where(path, number), "checksum")
            continue
        out[match[2]] = (match[1], number)
    return out, path


def contents_hint(env: BuildEnvironment, chapters: list[str]) -> str:
    """Where the chapters are listed: the root document's toctree, with the
    line of the first chapter listed there."""
    root = env.config.root_doc
    path = env.doc2path(root)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return f"the toctree of {path}"
    listed = set(chapters)
    for number, line in enumerate(lines, start=1):
        if line.strip() in listed:
            return f"the toctree at {path}:{number}"
    for number, line in enumerate(lines, start=1):
        if "{toctree}" in line:
            return f"the toctree at {path}:{number}"
    return f"a toctree of {path}"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("chapter_byline")  # chapter_byline_prefix, field_line
    # Relative to the configuration directory (the repository's root).
    app.add_config_value("book_sources", "sources", "", types=[str])
    app.add_config_value("book_facts", "sources/essays.toml", "", types=[str])
    app.connect("env-get-outdated", recheck_on_new_sources)
    app.connect("env-check-consistency", check_book)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
