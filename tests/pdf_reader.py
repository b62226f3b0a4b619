"""Reading the PDF as a reader's viewer does: its outline and its text."""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader


@functools.cache
def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, 0-based page), in document order."""
    reader = PdfReader(pdf)
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def chapter_pages(pdf: Path, title: str) -> range:
    """The 0-based pages of the chapter whose bookmark is ``title``."""
    chapters = [(t, p) for depth, t, p in outline(pdf) if depth == 0]
    titles = [t for t, _ in chapters]
    if title not in titles:
        raise AssertionError(f"{pdf.name}: no bookmark {title!r}; bookmarks: {titles}")
    index = titles.index(title)
    start = chapters[index][1]
    end = chapters[index + 1][1] if index + 1 < len(chapters) else len(PdfReader(pdf).pages)
    # A chapter opens on a fresh page; the next one's first page is not ours.
    return range(start, max(end, start + 1))


@functools.cache
def page_texts(pdf: Path) -> tuple[str, ...]:
    """Each page's text, by poppler's pdftotext (as copy and paste gives it)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return tuple(text.split("\f"))


def body_text(page: str, heads: frozenset[str] = frozenset()) -> str:
    """A page's text without its running head (one of ``heads``, the chapter
    titles) and its page number."""
    lines = page.strip("\n").splitlines()
    if lines and lines[0].strip() in heads:
        lines = lines[1:]
    if lines and re.fullmatch(r"[0-9ivxlc]+", lines[-1].strip()):
        lines = lines[:-1]
    return "\n".join(lines)


def text_of(pdf: Path, pages: range) -> str:
    """The text of some pages, with words hyphenated across lines joined."""
    texts = page_texts(pdf)
    heads = frozenset(title for depth, title, _ in outline(pdf) if depth == 0)
    joined = "\n".join(body_text(texts[p], heads) for p in pages)
    # A hyphen at a line's end joins a word split by the line break (whether
    # TeX hyphenated it or it was "launch-refusal"): both fold to one word.
    return joined.replace("-\n", "")
