"""EDITING.md's one rule, proven for every chapter in every format: every word
of the received text is in the chapter, in order (HTML, ePub) or in full (PDF)."""

from __future__ import annotations

import hashlib

import pytest
from book.checks.fidelity import Words, compare
from conftest import CHAPTERS, ROOT, Chapter, require, soup_of
from fidelity import (
    MARKERS,
    check_exactly,
    check_in_full,
    check_in_order,
    html_chapter_words,
    received_words,
    words,
)
from pdf_reader import chapter_pages, text_of

SOURCES = ROOT / "sources"
by_slug = pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)


def test_received_texts_match_their_checksums():
    manifest = (SOURCES / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert manifest, "sources/SHA256SUMS is empty"
    listed = set()
    for line in manifest:
        digest, name = line.split(maxsplit=1)
        listed.add(name)
        actual = hashlib.sha256((SOURCES / name).read_bytes()).hexdigest()
        assert actual == digest, f"sources/{name} differs from the text as received"
    assert {p.name for p in SOURCES.glob("*.txt")} <= listed, "a received text has no checksum"


@by_slug
def test_every_word_in_order_in_html(chapter: Chapter, html):
    page = html.outdir / f"{chapter.docname}.html"
    check_in_order(chapter.source, "HTML", received_words(chapter.source), html_chapter_words(page))


@by_slug
def test_every_word_in_order_in_epub(chapter: Chapter, epub):
    page = epub.outdir / f"{chapter.docname}.xhtml"
    check_in_order(chapter.source, "ePub", received_words(chapter.source), html_chapter_words(page))


@by_slug
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_no_word_added_as_the_authors(chapter: Chapter, fmt, request):
    """Both ways: the author's words of the page (all but what the editors
    marked as theirs) are the received text's, and nothing else."""
    build = request.getfixturevalue(fmt)
    page = build.outdir / f"{chapter.docname}.{'html' if fmt == 'html' else 'xhtml'}"
    written = html_chapter_words(page)
    received = received_words(chapter.source)
    title = words(chapter.title)
    if written[: len(title)] == title and received[: len(title)] != title:
        written = written[len(title) :]  # a title the original's page gave, not its text
    check_exactly(chapter.source, fmt, received, written)


@by_slug
def test_every_word_in_full_in_pdf(chapter: Chapter, pdf):
    require("pdftotext")
    text = text_of(pdf.outdir, chapter_pages(pdf.outdir, chapter.title))
    check_in_full(chapter.source, "PDF", received_words(chapter.source), words(text))


def _footnotes(page) -> list:
    return soup_of(page).select("aside.footnote")


@by_slug
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_footnote_count_is_exact(chapter: Chapter, fmt, request):
    build = request.getfixturevalue(fmt)
    suffix, folder = (".html", build.outdir) if fmt == "html" else (".xhtml", build.outdir)
    notes = _footnotes(folder / f"{chapter.docname}{suffix}")
    expected = len(MARKERS[chapter.source])
    assert len(notes) == expected, (
        f"{chapter.slug} ({fmt}): {len(notes)} footnotes, EDITING.md lists {expected}"
    )


@by_slug
def test_no_code_block_keeps_a_line_number_gutter(chapter: Chapter, html):
    soup = soup_of(html.outdir / f"{chapter.docname}.html")
    for pre in soup.select("pre"):
        lines = [line.strip() for line in pre.get_text().splitlines() if line.strip()]
        gutter = [line for line in lines if line.isdigit()]
        assert len(gutter) < 2, f"{chapter.slug}: a code block keeps a gutter: {lines[:5]}"


def test_the_builds_check_reads_an_accent_however_it_was_typed():
    """The build's own check (book.checks.fidelity) compares words composed
    (NFC): "é" typed as one character or as "e" and a combining accent is the
    same word, on either side; a word changed is still a change."""
    composed = Words(["café", "naïve"], [1, 1])
    decomposed = Words(["cafe\u0301", "nai\u0308ve"], [3, 3])
    assert compare(composed, decomposed, "") == []
    assert compare(decomposed, composed, "") == []
    changed = Words(["cafe", "naïve"], [3, 3])
    assert compare(composed, changed, "") == [("changed", 1, 3, "'café' into 'cafe'")]
