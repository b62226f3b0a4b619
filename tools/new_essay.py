"""Add a received essay to the book: its text, and a chapter whose front matter
holds its facts.

    python tools/new_essay.py RECEIVED.txt --title "…" --author "…" \\
        --date YYYY[-MM[-DD]] --site "…" [--url https://…] [--summary "…"] \\
        [--slug …] [--file NAME.txt]

(or ``make new-essay TEXT=… TITLE=… AUTHOR=… DATE=… SITE=… [URL=…] [SUMMARY=…]``).

Everything is checked before anything is written; then every file is written
beside its place and moved into it at the end, and if anything fails on the
way the files that were already moved are put back as they were: the command
changes all of these or none of them:

1. ``sources/NAME.txt``: the text, byte for byte, and its checksum in
   ``sources/SHA256SUMS`` (the other checksums are kept as they are);
2. ``docs/essays/SLUG.md``: the chapter. Its front matter is the one record
   of the essay's facts (every edition reads them from there: the byline, the
   contents, the sources page, the ePub's creators, the PDF's title page, the
   cover, the social cards); then the received text as plain paragraphs (the
   title line, if the text has one, is the chapter's title; the first
   paragraph is the author's own summary, the lede, unless ``--summary``
   gives the editors'), with what Markdown would take for markup escaped, so
   every word is there from the start;
3. ``docs/index.md``: the chapter in the contents, in order of publication;
4. ``tests/footnote_markers.toml``: an empty list of the text's note markers.

``--url`` is only for an address verified in a copy of the original: the
byline links it. Nothing else is ever guessed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "extensions"))

from book.chapters import URL, edition_date, latest_day, parse_date  # noqa: E402
from book.checks.text import bad_characters, first_bad_byte  # noqa: E402

_ESSAYS_TOCTREE = re.compile(r"^essays/\S+$")


class Refused(Exception):
    """A reason not to add the essay; nothing has been written."""


@dataclass
class Essay:
    text: Path
    title: str
    author: str
    date: str
    site: str
    url: str
    summary: str
    slug: str
    file: str


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # and a TOML basic string


# -- The chapter's body ------------------------------------------------------------------


def escape_markup(line: str) -> str:
    """Escape what MyST would turn from text into markup that loses words or
    characters: backslashes, comments, targets, directives, raw HTML, entities,
    footnotes, links and link definitions. Every word stays; the editor
    restructures."""
    line = line.replace("\\", "\\\\")  # a backslash is text, even at the end of a line
    line = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", line)  # raw HTML, autolinks
    line = re.sub(r"&(?=#?\w+;)", r"\\&", line)  # entities: "&copy;" -> "©"
    line = line.replace("[^", "\\[^").replace("](", "\\](")
    line = re.sub(r"([`*_{}])", r"\\\1", line)  # code, emphasis, roles
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if re.match(r"%|:::|```|~~~|\+\+\+|\[|#|>|\(.*\)=\s*$|(=+|-+)\s*$", stripped):
        # At the start of a line only: a comment, a directive or code fence, a
        # block break, a link definition, a heading, a quotation, a target, the
        # underline of a heading. (Numbered lines stay lists: their numbers
        # are the list's, not words.)
        stripped = "\\" + stripped
    return indent + stripped


#: A bulleted line of the received text: its bullet is the list's, not a word.
_BULLET = re.compile(r"^\s*•\s+")


def scaffold_line(line: str) -> str:
    """A line of the chapter: a bulleted line becomes a list item (the
    fidelity check reads the bullet as the list's markup, as here), every
    other line its escaped text."""
    if _BULLET.match(line):
        return "- " + escape_markup(_BULLET.sub("", line))
    return escape_markup(line)


def paragraphs(text: str) -> list[str]:
    """The received text's paragraphs (blank-line separated), lines kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    return [
        "\n".join(line.rstrip() for line in block.splitlines()) for block in blocks if block.strip()
    ]


def chapter(essay: Essay, text: str) -> str:
    paras = paragraphs(text)
    if paras and " ".join(paras[0].split()) == " ".join(essay.title.split()):
        paras = paras[1:]  # the title line: it is the chapter's title
    if essay.summary:
        description = f"summary: {yaml_string(essay.summary)}"
    else:
        if not paras:
            raise Refused("the text is empty after its title: give --summary")
        lede, paras = paras[0], paras[1:]
        description = f"lede: {yaml_string(' '.join(lede.split()))}"
    front = [
        "---",
        f"title: {yaml_string(essay.title)}",
        f"author: {yaml_string(essay.author)}",
        f"date: {yaml_string(essay.date)}",
        f"site: {yaml_string(essay.site)}",
        *([f"url: {essay.url}"] if essay.url else []),
        f"source: {essay.file}",
        description,
        "---",
        "",
    ]
    body = ["\n".join(scaffold_line(line) for line in para.splitlines()) for para in paras]
    return "\n".join(front) + ("\n" + "\n\n".join(body) + "\n" if body else "")


# -- The files the essay joins ------------------------------------------------------------


def chapter_dates(root: Path, docnames: list[str]) -> dict[str, str]:
    from book.chapters import load_front_matter

    dates = {}
    for docname in docnames:
        data, _lines = load_front_matter(
            (root / "docs" / f"{docname}.md").read_text(encoding="utf-8")
        )
        dates[docname] = str(data.get("date", ""))
    return dates


def add_to_contents(index: str, root: Path, essay: Essay) -> str:
    """The chapter in the index's toctree of essays, in order of publication
    (a date known to the month only counts as its last day, as the book's
    order does)."""
    lines = index.splitlines()
    listed = [
        (i, line.strip()) for i, line in enumerate(lines) if _ESSAYS_TOCTREE.match(line.strip())
    ]
    if not listed:
        raise Refused("docs/index.md lists no essays/… chapter: no toctree to add it to")
    dates = chapter_dates(root, [name for _i, name in listed])
    mine = latest_day(essay.date)
    following = next((i for i, n in listed if latest_day(dates[n]) > mine), None)
    at = following if following is not None else listed[-1][0] + 1
    indent = lines[listed[0][0]][: len(lines[listed[0][0]]) - len(listed[0][1])]
    lines.insert(at, f"{indent}essays/{essay.slug}")
    return "\n".join(lines) + "\n"


def add_checksum(sums: str, name: str, data: bytes) -> str:
    """The text's checksum joins the others, which are kept as they are."""
    lines = [line for line in sums.splitlines() if line.strip()]
    lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    return "\n".join(sorted(lines, key=lambda line: line.split(maxsplit=1)[-1])) + "\n"


def add_markers(markers: str, name: str) -> str:
    line = f"{toml_string(name)} = []  # fill in the markers of its notes, if any (EDITING.md)"
    return markers.rstrip("\n") + "\n" + line + "\n"


# -- Checking, then writing all or nothing ------------------------------------------------------


def check_line(field: str, value: str) -> None:
    if not value.strip():
        raise Refused(f"the {field} is empty")
    if re.search(r"[\n\r\u2028\u2029]", value):
        raise Refused(f"the {field} is more than one line: {value!r}")
    if bad := bad_characters(value):
        _line, column, name = bad[0]
        raise Refused(f"the {field} holds {name} at column {column}")


def check(essay: Essay, root: Path) -> bytes:
    """Everything that could go wrong, before anything is written."""
    if str(essay.text) in ("", "."):
        raise Refused("no received text given (make new-essay TEXT=path/to/text.txt …)")
    if not essay.text.is_file():
        raise Refused(f"no received text at {str(essay.text)!r}")
    try:
        data = essay.text.read_bytes()
    except OSError as error:
        raise Refused(f"{essay.text}: {error.strerror}") from None
    if bad := first_bad_byte(data):
        raise Refused(f"{essay.text}:{bad[0]}: {bad[1]}: the received text must be UTF-8")
    text = data.decode("utf-8")
    if not text.strip():
        raise Refused(f"{essay.text}: the text is empty")
    for line, column, name in bad_characters(text)[:1]:
        raise Refused(
            f"{essay.text}:{line}: {name} at column {column}: a received text holds only text"
        )
    for field in ("title", "author", "site", "summary"):
        if field != "summary" or essay.summary:
            check_line(field, getattr(essay, field))
    try:
        date, _precision = parse_date(essay.date)
    except ValueError as error:
        raise Refused(str(error)) from None
    if date > edition_date():
        raise Refused(f"date {essay.date!r} is after today ({edition_date()}): not yet published")
    if essay.url and not URL.fullmatch(essay.url):
        raise Refused(
            f"url {essay.url!r} is not an http(s) address (no spaces, quotes or brackets)"
        )
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", essay.slug):
        raise Refused(f"slug {essay.slug!r}: use lower-case letters, digits and hyphens")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*\.txt", essay.file):
        raise Refused(f"file name {essay.file!r}: use lower-case letters, digits, hyphens, .txt")
    if (root / "sources" / essay.file).exists():
        raise Refused(f"sources/{essay.file} exists already")
    if (root / "docs" / "essays" / f"{essay.slug}.md").exists():
        raise Refused(f"docs/essays/{essay.slug}.md exists already")
    from book.chapters import load_front_matter

    for path in sorted((root / "docs" / "essays").glob("*.md")):
        other, _lines = load_front_matter(path.read_text(encoding="utf-8"))
        if other.get("title") == essay.title:
            raise Refused(f"{path.relative_to(root)} has this title already")
    for folder in ("sources", "docs", "docs/essays", "tests"):
        if not os.access(root / folder, os.W_OK):
            raise Refused(f"{folder}/ is not writable")
    return data


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: each is written whole beside its place, then
    all are moved into place; a failure on the way puts back what was there."""
    partials: dict[Path, Path] = {}
    backups: dict[Path, bytes | None] = {}
    try:
        for path, content in files.items():
            partial = path.with_name(f".{path.name}.new-essay")
            partial.write_bytes(content)
            partials[path] = partial
        for path, partial in partials.items():
            backups[path] = path.read_bytes() if path.exists() else None
            os.replace(partial, path)
    except BaseException:
        for path, before in backups.items():
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        for partial in partials.values():
            partial.unlink(missing_ok=True)
        raise


def add_essay(essay: Essay, root: Path = ROOT) -> list[Path]:
    data = check(essay, root)
    sums = root / "sources" / "SHA256SUMS"
    index = root / "docs" / "index.md"
    markers = root / "tests" / "footnote_markers.toml"
    files = {
        root / "sources" / essay.file: data,  # exactly as received
        sums: add_checksum(sums.read_text(encoding="utf-8"), essay.file, data).encode(),
        root / "docs" / "essays" / f"{essay.slug}.md": chapter(
            essay, data.decode("utf-8")
        ).encode(),
        index: add_to_contents(index.read_text(encoding="utf-8"), root, essay).encode(),
        markers: add_markers(markers.read_text(encoding="utf-8"), essay.file).encode(),
    }
    try:
        write_all(files)
    except OSError as error:
        raise Refused(f"cannot write {error.filename}: {error.strerror}") from None
    return list(files)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="new_essay", description="Add a received essay to the book: its text and its chapter."
    )
    parser.add_argument("text", type=Path, help="the received text (UTF-8 plain text)")
    parser.add_argument("--title", required=True, help="the original's title, exactly")
    parser.add_argument("--author", required=True)
    parser.add_argument("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--site", required=True, help='where it first appeared: "Blog (host)"')
    parser.add_argument("--url", default="", help="the original's address, only if verified")
    parser.add_argument(
        "--summary",
        default="",
        help="the editors' summary; without it the first paragraph is the author's "
        "own summary and becomes the lede",
    )
    parser.add_argument("--slug", help="the chapter's file name (default: from the title)")
    parser.add_argument("--file", help="the name in sources/ (default: AUTHOR-SLUG.txt)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    slug = args.slug or slugify(args.title)
    surname = slugify(args.author.split()[-1]) if args.author.split() else "author"
    essay = Essay(
        text=args.text,
        title=args.title.strip(),
        author=args.author.strip(),
        date=args.date.strip(),
        site=args.site.strip(),
        url=args.url.strip(),
        summary=" ".join(args.summary.split()),
        slug=slug,
        file=args.file or f"{surname}-{slug}.txt",
    )
    try:
        written = add_essay(essay)
    except Refused as error:
        print(f"new-essay: {error}. Nothing was written.", file=sys.stderr)
        return 1
    print("Added, as received and with its checksum, and scaffolded:")
    for path in written:
        print(f"  {path.relative_to(ROOT)}")
    print(
        f"""
Next (EDITING.md, "Adding an essay"):
  make html && make test    # the fidelity tests cover the chapter already
  then edit docs/essays/{slug}.md: headings, each with a label that starts with
  the chapter's own prefix (as "island-" does for "No Executable Is An Island"),
  lists, quotes, notes (and their markers in tests/footnote_markers.toml)."""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
