"""Reading the PDF as a reader's viewer does: its outline and its text."""

from __future__ import annotations

import functools
import html
import re
import subprocess
from dataclasses import dataclass
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
    # A chapter opens on a fresh page; the next one's first page is not ours,
    # nor the blank left-hand page before it.
    texts = page_texts(pdf)
    while end > start + 1 and not texts[end - 1].strip():
        end -= 1
    return range(start, max(end, start + 1))


def pdftotext(pdf: Path, *options: str) -> str:
    """poppler's pdftotext of the whole PDF, as UTF-8."""
    return subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@functools.cache
def page_texts(pdf: Path) -> tuple[str, ...]:
    """Each page's text, by poppler's pdftotext (as copy and paste gives it)."""
    return tuple(pdftotext(pdf).split("\f"))


def body_text(page: str, heads: frozenset[str] = frozenset()) -> str:
    """A page's text without its running head (one of ``heads``, the chapter
    titles) and its page number."""
    lines = page.strip("\n").splitlines()
    if lines and lines[0].strip() in heads:
        lines = lines[1:]
    if lines and re.fullmatch(r"[0-9ivxlc]+", lines[-1].strip()):
        lines = lines[:-1]
    return "\n".join(lines)


@functools.cache
def running_heads(pdf: Path) -> frozenset[str]:
    """What a running head can say: a chapter's title (right-hand pages, and
    both sides outside the essays) or its author (left-hand pages), as the
    PDF's own outline and Author give them."""
    titles = {title for depth, title, _ in outline(pdf) if depth == 0}
    authors = set(str(PdfReader(pdf).metadata.author).split("; "))
    return frozenset(titles | authors)


def text_of(pdf: Path, pages: range) -> str:
    """The text of some pages, with words hyphenated across lines joined."""
    texts = page_texts(pdf)
    heads = running_heads(pdf)
    joined = "\n".join(body_text(texts[p], heads) for p in pages)
    # A hyphen at a line's end joins a word split by the line break (whether
    # TeX hyphenated it or it was "launch-refusal"): both fold to one word.
    return joined.replace("-\n", "")


@functools.cache
def layout_texts(pdf: Path) -> tuple[str, ...]:
    """Each page's text with its lines as set (``pdftotext -layout``): the
    hyphens at line ends that plain extraction drops, the lines a reader sees."""
    return tuple(pdftotext(pdf, "-layout").split("\f"))


@dataclass(frozen=True)
class Word:
    """A word where it is printed, in points from the page's top left."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@functools.cache
def page_words(pdf: Path) -> tuple[tuple[Word, ...], ...]:
    """Each page's words with their boxes (``pdftotext -bbox``)."""
    out = pdftotext(pdf, "-bbox")
    pages = out.split("<page ")[1:]
    return tuple(
        tuple(
            Word(html.unescape(t), float(a), float(b), float(c), float(d))
            for a, b, c, d, t in _WORD.findall(page)
        )
        for page in pages
    )


def lines_of(words: tuple[Word, ...]) -> list[list[Word]]:
    """Words grouped into printed lines (by their boxes' bottoms), top to bottom."""

    def middle(w: Word) -> float:
        return (w.y0 + w.y1) / 2

    lines: list[list[Word]] = []
    for word in sorted(words, key=middle):
        # A note's raised number shares its line's middle within a few points.
        if lines and abs(middle(lines[-1][0]) - middle(word)) < 5:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]
