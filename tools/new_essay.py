"""Add a received essay to the book: its text, its facts, its chapter.

    python tools/new_essay.py RECEIVED.txt --title "…" --author "…" \\
        --date YYYY[-MM[-DD]] --site "…" [--url https://…] [--summary "…"] \\
        [--slug …] [--file NAME.txt]

(or ``make new-essay TEXT=… TITLE=… AUTHOR=… DATE=… SITE=… [URL=…] [SUMMARY=…]``).

It does, in this order, after checking everything first:

1. copies the text, byte for byte, to ``sources/NAME.txt`` and adds its
   checksum to ``sources/SHA256SUMS`` (and updates the checksum of
   ``essays.toml``, after checking that the old one still matched: a change
   nobody recorded is not laundered);
2. adds the facts to ``sources/essays.toml``, in order of publication;
3. writes the chapter ``docs/essays/SLUG.md``: the front matter, then the
   received text as plain paragraphs (the title line, if the text has one,
   becomes the chapter's title; the first paragraph becomes the lede and the
   summary unless ``--summary`` gives one), with the few characters that
   Markdown would swallow escaped, so every word is there from the start;
4. lists the chapter in the contents (``docs/index.md``) and on the sources
   and rights page (``docs/sources.md``), in order of publication;
5. gives the text an empty list of footnote markers in
   ``tests/footnote_markers.toml``.

The fidelity tests find the chapter through its front matter, so ``make test``
covers it at once. What is left is the editing: headings, lists, quotes, notes
(CONTRIBUTING.md, "Adding an essay").

``--url`` is only for an address verified in a copy of the original: the
byline links it. Nothing else is ever guessed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "extensions"))

from chapter_byline import format_date, parse_date  # noqa: E402
from input_checks import first_bad_byte  # noqa: E402

_URL = re.compile(r"^https?://[^\s/]+\S*$")
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


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # and a YAML double-quoted one


# -- The chapter's body ------------------------------------------------------------------


def escape_markup(line: str) -> str:
    """Escape what MyST would turn from text into markup that loses words or
    characters: comments, targets, directives, raw HTML, entities, footnotes,
    links and link definitions. Every word stays; the editor restructures."""
    line = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", line)  # raw HTML, autolinks
    line = re.sub(r"&(?=#?\w+;)", r"\\&", line)  # entities: "&copy;" -> "©"
    line = line.replace("[^", "\\[^").replace("](", "\\](")
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if re.match(r"%|:::|```|~~~|\+\+\+|\{|\[|#|\(.*\)=\s*$|(=+|-+)\s*$", stripped):
        # At the start of a line only: a comment, a directive or code fence, a
        # block break, attributes, a link definition, a heading, a target, the
        # underline of a heading.
        stripped = "\\" + stripped
    return indent + stripped


def paragraphs(text: str) -> list[str]:
    """The received text's paragraphs (blank-line separated), lines kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks = re.split(r"\n\s*\n", text.strip("\n"))
    return [
        "\n".join(line.rstrip() for line in block.splitlines()) for block in blocks if block.strip()
    ]


def chapter(essay: Essay, text: str) -> str:
    paras = paragraphs(text)
    if paras and " ".join(paras[0].split()) == " ".join(essay.title.split()):
        paras = paras[1:]  # the title line: it is the chapter's title
    lede = None
    summary = essay.summary
    if not summary:
        if not paras:
            raise Refused("the text is empty after its title: give --summary")
        lede, paras = paras[0], paras[1:]
        summary = " ".join(lede.split())
    front = [
        "---",
        f"title: {yaml_string(essay.title)}",
        f"author: {yaml_string(essay.author)}",
        f"date: {yaml_string(essay.date)}",
        f"site: {yaml_string(essay.site)}",
        *([f"url: {yaml_string(essay.url)}"] if essay.url else []),
        f"source: {essay.file}",
        f"summary: {yaml_string(summary)}",
        "---",
        "",
    ]
    body = []
    if lede is not None:
        body.append("{.lede}\n" + "\n".join(escape_markup(line) for line in lede.splitlines()))
    body += ["\n".join(escape_markup(line) for line in para.splitlines()) for para in paras]
    return "\n".join(front) + "\n" + "\n\n".join(body) + "\n"


# -- The files the essay joins ------------------------------------------------------------


def essays_toml_entry(essay: Essay, summary_is_first_paragraph: bool) -> str:
    url_note = "# verified" if essay.url else "# not found"
    return "\n".join(
        [
            "[[essay]]",
            f"file = {toml_string(essay.file)}",
            f"title = {toml_string(essay.title)}",
            f"author = {toml_string(essay.author)}",
            f"site = {toml_string(essay.site)}",
            f"date = {toml_string(essay.date)}",
            f"url = {toml_string(essay.url)}   {url_note}",
            f"summary_is_first_paragraph = {str(summary_is_first_paragraph).lower()}",
        ]
    )


def add_to_essays_toml(text: str, essay: Essay, summary_is_first_paragraph: bool) -> str:
    """The entry goes before the first essay published later, or after the
    last entry (before the file's closing comments)."""
    lines = text.splitlines()
    entry = essays_toml_entry(essay, summary_is_first_paragraph).splitlines()
    essays = tomllib.loads(text).get("essay", [])
    starts = [i for i, line in enumerate(lines) if line.strip() == "[[essay]]"]
    later = [n for n, e in enumerate(essays) if str(e.get("date", "")) > essay.date]
    if later:
        at = starts[later[0]]
        new = [*lines[:at], *entry, "", *lines[at:]]
    else:
        last = max(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
        new = [*lines[: last + 1], "", *entry, *lines[last + 1 :]]
    out = "\n".join(new) + "\n"
    names = [e["file"] for e in tomllib.loads(out)["essay"]]
    assert essay.file in names, "essays.toml: the new entry did not parse"
    return out


def chapter_dates(root: Path, docnames: list[str]) -> dict[str, str]:
    import yaml  # MyST's own dependency: the build has it

    dates = {}
    for docname in docnames:
        text = (root / "docs" / f"{docname}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}
        dates[docname] = str(front.get("date", ""))
    return dates


def add_to_contents(index: str, root: Path, essay: Essay) -> tuple[str, str | None]:
    """Insert the chapter in the index's toctree of essays, in order of
    publication. Returns the new index and the chapter it now precedes."""
    lines = index.splitlines()
    listed = [
        (i, line.strip()) for i, line in enumerate(lines) if _ESSAYS_TOCTREE.match(line.strip())
    ]
    if not listed:
        raise Refused("docs/index.md lists no essays/… chapter: no toctree to add it to")
    dates = chapter_dates(root, [name for _i, name in listed])
    docname = f"essays/{essay.slug}"
    following = next(((i, n) for i, n in listed if dates[n] > essay.date), None)
    if following:
        at, before = following
    else:
        at, before = listed[-1][0] + 1, None
    indent = lines[listed[0][0]][: len(lines[listed[0][0]]) - len(listed[0][1])]
    lines.insert(at, indent + docname)
    return "\n".join(lines) + "\n", before


def add_to_sources_page(page: str, essay: Essay, before: str | None) -> str:
    """A row of the list-table on the sources and rights page."""
    original = f"<{essay.url}>" if essay.url else "Not recovered"
    row = [
        f"* - {{doc}}`essays/{essay.slug}`",
        f"  - {essay.author}",
        f"  - {format_date(essay.date)}",
        f"  - {original}",
    ]
    lines = page.splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("* - {doc}`essays/")]
    if not rows:
        raise Refused("docs/sources.md has no table of essays to add a row to")
    if before is not None:
        at = next(i for i in rows if lines[i] == f"* - {{doc}}`{before}`")
    else:
        at = rows[-1] + 1
        while at < len(lines) and lines[at].startswith("  - "):
            at += 1
    lines[at:at] = row
    return "\n".join(lines) + "\n"


def add_checksum(sums: str, sources: Path, name: str, toml_after: str) -> str:
    """Add the text's checksum and renew essays.toml's, keeping every other
    line as it was (the checksums of the received texts are never recomputed)."""
    lines = [line for line in sums.splitlines() if line.strip()]
    entries = [line.split(maxsplit=1) for line in lines]
    facts = hashlib.sha256((sources / "essays.toml").read_bytes()).hexdigest()
    for digest, listed in entries:
        if listed == "essays.toml" and digest != facts:
            raise Refused(
                "sources/essays.toml differs from its checksum in SHA256SUMS: a change "
                "nobody recorded. Resolve that first (make lint shows it)."
            )
    texts = [(n, d) for d, n in entries if n != "essays.toml"]
    texts.append((name, hashlib.sha256((sources / name).read_bytes()).hexdigest()))
    new_facts = hashlib.sha256(toml_after.encode("utf-8")).hexdigest()
    out = [f"{d}  {n}" for n, d in sorted(texts)] + [f"{new_facts}  essays.toml"]
    return "\n".join(out) + "\n"


def add_markers(markers: str, name: str) -> str:
    line = f"{toml_string(name)} = []  # fill in the markers of its notes, if any (EDITING.md)"
    return markers.rstrip("\n") + "\n" + line + "\n"


# -- The command ------------------------------------------------------------------------------


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
    if not data.strip():
        raise Refused(f"{essay.text}: the text is empty")
    try:
        parse_date(essay.date)
    except ValueError as error:
        raise Refused(str(error)) from None
    if essay.url and not _URL.match(essay.url):
        raise Refused(f"url {essay.url!r} is not an http(s) address")
    for field in ("title", "author", "site"):
        if not getattr(essay, field).strip():
            raise Refused(f"the {field} is empty")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", essay.slug):
        raise Refused(f"slug {essay.slug!r}: use lower-case letters, digits and hyphens")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*\.txt", essay.file):
        raise Refused(f"file name {essay.file!r}: use lower-case letters, digits, hyphens, .txt")
    if (root / "sources" / essay.file).exists():
        raise Refused(f"sources/{essay.file} exists already")
    if (root / "docs" / "essays" / f"{essay.slug}.md").exists():
        raise Refused(f"docs/essays/{essay.slug}.md exists already")
    facts = tomllib.loads((root / "sources" / "essays.toml").read_text(encoding="utf-8"))
    for other in facts.get("essay", []):
        if other.get("title") == essay.title:
            raise Refused(f"essays.toml has an essay with this title already: {other['file']}")
    return data


def add_essay(essay: Essay, root: Path = ROOT) -> list[Path]:
    data = check(essay, root)
    sources = root / "sources"
    text = data.decode("utf-8")
    summary_is_first_paragraph = not essay.summary
    # Every new content, computed before anything is written.
    new_chapter = chapter(essay, text)
    toml_before = (sources / "essays.toml").read_text(encoding="utf-8")
    toml_after = add_to_essays_toml(toml_before, essay, summary_is_first_paragraph)
    index, before = add_to_contents(
        (root / "docs" / "index.md").read_text(encoding="utf-8"), root, essay
    )
    sources_page = add_to_sources_page(
        (root / "docs" / "sources.md").read_text(encoding="utf-8"), essay, before
    )
    markers_path = root / "tests" / "footnote_markers.toml"
    markers = add_markers(markers_path.read_text(encoding="utf-8"), essay.file)
    sums_path = sources / "SHA256SUMS"
    sums_before = sums_path.read_text(encoding="utf-8")

    (sources / essay.file).write_bytes(data)  # exactly as received
    sums = add_checksum(sums_before, sources, essay.file, toml_after)
    written = {
        sources / "essays.toml": toml_after,
        sums_path: sums,
        root / "docs" / "essays" / f"{essay.slug}.md": new_chapter,
        root / "docs" / "index.md": index,
        root / "docs" / "sources.md": sources_page,
        markers_path: markers,
    }
    for path, content in written.items():
        path.write_text(content, encoding="utf-8")
    return [sources / essay.file, *written]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="new_essay",
        description="Add a received essay to the book: its text, facts and chapter.",
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
Next (CONTRIBUTING.md, "Adding an essay"):
  make html && make test    # the fidelity tests cover the chapter already
  then edit docs/essays/{slug}.md: headings, each with a label that starts with
  the chapter's own prefix (as "island-" does for "No Executable Is An Island"),
  lists, quotes, notes (and their markers in tests/footnote_markers.toml);
  check the wording on docs/sources.md and in the README's table."""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
