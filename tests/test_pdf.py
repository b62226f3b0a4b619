"""The PDF as a printed book: fonts, glyphs, line breaks and its outline."""

from __future__ import annotations

import re
import subprocess

from conftest import CHAPTERS, chapters_in_book_order, require
from pdf_reader import outline, page_texts
from pypdf import PdfReader


def latex_log(pdf) -> str:
    return pdf.outdir.with_suffix(".log").read_text(encoding="utf-8", errors="replace")


def test_every_font_is_embedded(pdf):
    require("pdffonts")
    report = subprocess.run(
        ["pdffonts", str(pdf.outdir)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = report[2:]  # after the header and its rule
    assert rows, "pdffonts lists no fonts"
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)


def test_no_character_is_missing_from_the_fonts(pdf):
    missing = re.findall(r"Missing character: .*", latex_log(pdf))
    assert not missing, "\n".join(missing)


def test_no_line_runs_into_the_margin(pdf):
    """No overfull line wider than 5pt (a URL or a word that would not break)."""
    widths = [
        (float(points), line)
        for points, line in re.findall(
            r"Overfull \\hbox \((\d+\.\d+)pt too wide\) (.*)", latex_log(pdf)
        )
    ]
    too_wide = [f"{points}pt {where}" for points, where in widths if points > 5]
    assert not too_wide, "\n".join(too_wide)


def test_metadata(pdf):
    info = PdfReader(pdf.outdir).metadata
    assert info.title == "Six Essays from the Python Community"
    assert "Glyph Lefkowitz" in info.author and "Tim Peters" in info.author
    assert info.subject and info["/Keywords"]


def test_pdf_names_every_author(pdf):
    """Every chapter's author, from its front matter, in the PDF's Author and
    on its title page, in the order of the book."""
    require("pdftotext")
    authors = list(dict.fromkeys(c.author for c in chapters_in_book_order()))
    assert PdfReader(pdf.outdir).metadata.author.split("; ") == authors
    title_page = " ".join(page_texts(pdf.outdir)[0:3]).split()
    named = " ".join(title_page)
    positions = [named.index(author) for author in authors]
    assert positions == sorted(positions), f"the title page names {authors} out of order"


def test_outline_lists_every_chapter_with_its_sections(pdf):
    entries = outline(pdf.outdir)
    chapters = [title for depth, title, _ in entries if depth == 0]
    for chapter in CHAPTERS:
        assert chapter.title in chapters
    for title in ("Preface", "Glossary", "Sources and rights", "Index"):
        assert title in chapters
    sections = [title for depth, title, _ in entries if depth == 1]
    assert "What actually works" in sections  # Tim Peters's sections are bookmarked


def test_every_reference_and_page_number_resolves(pdf):
    """After LaTeX's last run no reference, page reference or citation is left
    undefined (they would print as "??")."""
    undefined = re.findall(r"LaTeX Warning: .*undefined.*", latex_log(pdf))
    assert not undefined, "\n".join(undefined)
