"""The PDF as a printed book: fonts, glyphs, line breaks and its outline."""

from __future__ import annotations

import itertools
import re
import subprocess

import pytest
from conftest import CHAPTERS, ESSAYS_DIR, SOURCES, chapters_in_book_order, require
from docutils import nodes
from fidelity import MARKERS
from pdf_reader import (
    Word,
    body_text,
    chapter_pages,
    layout_texts,
    lines_of,
    outline,
    page_texts,
    page_words,
    running_heads,
)
from pypdf import PdfReader
from pypdf.generic import ContentStream


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


# == The proof: what a production editor checks, page by page ==========================


def tex_source(pdf) -> str:
    return pdf.outdir.with_suffix(".tex").read_text(encoding="utf-8")


def chapter_tex(pdf, chapter) -> str:
    """The LaTeX of one chapter, from its \\chapter to the next one's."""
    parts = re.split(r"(?=\\chapter\{)", tex_source(pdf))
    (part,) = [p for p in parts if f"{chapter.docname}::doc" in p.split("\n", 3)[1]]
    return part


def received_note_numbers(chapter) -> list[int]:
    """The received text's note numbers, in the order its text has them."""
    text = (SOURCES / chapter.source).read_text(encoding="utf-8")
    markers = MARKERS.get(chapter.source, [])
    found = sorted((text.index(marker), marker) for marker in markers)

    def number(marker: str) -> int:
        # "Rosetta28,": the word "Rosetta2" and note 8; the number is the
        # longest run of final digits that is a note of this text.
        digits = re.search(r"(\d+)\W*$", marker).group(1)
        return next(int(digits[i:]) for i in range(len(digits)) if int(digits[i:]) <= len(markers))

    return [number(marker) for _, marker in found]


def note_marks(pdf, chapter) -> list[tuple[Word, Word | None]]:
    """Each note number raised in the chapter's text, with the word after it
    on its line (None at the line's end), in reading order."""
    out = []
    for page in chapter_pages(pdf.outdir, chapter.title):
        for line in lines_of(page_words(pdf.outdir)[page]):
            base = max(w.y1 for w in line)
            for i, word in enumerate(line):
                if word.text.isdigit() and i and base - word.y1 > 2:
                    out.append((word, line[i + 1] if i + 1 < len(line) else None))
    return out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_the_authors_notes_are_the_only_numbered_notes(chapter, pdf):
    """Each chapter's notes are its author's, numbered as the received text
    numbers them, from 1; no address or note of the editors' joins them."""
    numbers = [
        int(n) for n in re.findall(r"\\begin\{footnote\}\[(\d+)\]", chapter_tex(pdf, chapter))
    ]
    assert numbers == received_note_numbers(chapter)
    printed = [int(mark.text) for mark, _ in note_marks(pdf, chapter)]
    assert printed == received_note_numbers(chapter), "the page shows other note numbers"


def test_a_word_space_follows_every_note_number(pdf):
    """ "exactly² clear", never "exactly²clear": the space after a note's
    number is printed (text extraction invents one where it is missing)."""
    normal = []
    tight = []
    for chapter in CHAPTERS:
        for mark, after in note_marks(pdf, chapter):
            if after is None or not after.text[:1].isalnum():
                continue  # the line's end, or punctuation after the number
            gap = after.x0 - mark.x1
            (tight if gap < 1.5 else normal).append(f"{mark.text} {after.text} ({gap:.1f}pt)")
    assert normal, "no note number followed by a word: the check reads nothing"
    assert not tight, f"no space after a note number: {tight}"


def test_every_chapter_opens_on_a_right_hand_page(pdf):
    """Preface, chapters and back matter open on odd (right-hand) pages."""
    left = [
        (title, page + 1) for depth, title, page in outline(pdf.outdir) if depth == 0 and page % 2
    ]
    assert not left, f"opening on a left-hand page: {left}"


def test_no_page_has_only_its_running_head_and_folio(pdf):
    """A page is either blank (a left-hand page before a chapter: nothing on
    it at all) or has text; never a head and a page number alone."""
    heads = running_heads(pdf.outdir)
    furniture_only = []
    for number, page in enumerate(page_texts(pdf.outdir), start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if not lines:
            continue
        rest = [
            line for line in lines if line not in heads and not re.fullmatch(r"[0-9ivxlc]+", line)
        ]
        if not rest:
            furniture_only.append(number)
    assert not furniture_only, f"pages with only a running head or a folio: {furniture_only}"


def test_facing_pages_end_on_the_same_line(pdf):
    """The text block is full to its foot on every page but a chapter's last
    (flush bottom): the lowest line of text is at the same height."""
    words = page_words(pdf.outdir)
    feet = {}
    for chapter in CHAPTERS:
        pages = chapter_pages(pdf.outdir, chapter.title)
        ends = {pages[-1]}
        if re.match(
            r"\s*(See also|Links in this chapter)",
            body_text(page_texts(pdf.outdir)[pages[-1]], running_heads(pdf.outdir)),
        ):
            ends.add(pages[-2])  # the author's last page, before the editors' matter
        for page in pages[1:]:
            if page in ends:
                continue
            lines = lines_of(words[page])
            body = [ln for ln in lines if not re.fullmatch(r"\d+", " ".join(w.text for w in ln))]
            feet[page + 1] = round(max(w.y1 for w in body[-1]))
    assert feet
    usual = max(set(feet.values()), key=list(feet.values()).count)
    # (A listing's frame, at the foot, ends a few points below its last line.)
    short = {page: foot for page, foot in feet.items() if abs(foot - usual) > 9}
    assert not short, f"pages whose text ends above the foot ({usual}pt): {short}"


@pytest.mark.parametrize("title", ["Preface", *(c.title for c in CHAPTERS)])
def test_no_chapter_ends_with_a_line_or_two_alone(title, pdf):
    """A chapter's last page has more than a widowed line or two."""
    last = chapter_pages(pdf.outdir, title)[-1]
    heads = running_heads(pdf.outdir)
    lines = [
        ln
        for ln in layout_texts(pdf.outdir)[last].splitlines()
        if ln.strip() and ln.strip() not in heads and not re.fullmatch(r"\s*\d+\s*", ln)
    ]
    assert len(lines) > 2, f"{title} ends with {len(lines)} line(s) on page {last + 1}: {lines}"


def test_no_word_is_hyphenated_across_a_page_turn(pdf):
    turned = []
    heads = running_heads(pdf.outdir)
    for number, page in enumerate(layout_texts(pdf.outdir), start=1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        lines = [ln for ln in lines if ln not in heads and not re.fullmatch(r"[0-9ivxlc]+", ln)]
        if lines and re.search(r"[a-z]-$", lines[-1]):
            turned.append((number, lines[-1][-30:]))
    assert not turned, f"hyphenated at the foot of a page: {turned}"


def body_lines(pdf, page: int) -> list[str]:
    """A page's lines of text at the text's size: not its running head,
    folio or notes (smaller type)."""
    out = []
    for line in lines_of(page_words(pdf.outdir)[page]):
        heights = sorted(w.y1 - w.y0 for w in line)
        text = " ".join(w.text for w in line)
        if heights[len(heights) // 2] > 9.5 and not re.fullmatch(r"\d+", text):
            out.append(text)
    return out


def test_bold_lines_stay_with_the_paragraph_they_introduce(pdf):
    """Tim Peters's "Number of times …: N" lines introduce what follows:
    none is left at the foot of a page without the two lines after it."""
    chapter = next(c for c in CHAPTERS if c.slug == "dispelling-information-asymmetry")
    found = 0
    for page in chapter_pages(pdf.outdir, chapter.title):
        lines = body_lines(pdf, page)
        for i, line in enumerate(lines):
            if line.startswith("Number of times"):
                found += 1
                assert i <= len(lines) - 3, f"page {page + 1}: {line!r} is left at the foot"
    assert found >= 8


def test_listings_fit_the_measure_without_wrap_marks(pdf):
    """Code is set to fit: no line of a listing wraps (no ↪ or ␣ marks), no
    listing runs into the margin, and the code is black and white."""
    text = "".join(layout_texts(pdf.outdir))
    assert "↪" not in text and "␣" not in text
    highlight = (pdf.outdir.parent / "sphinxhighlight.sty").read_text(encoding="utf-8")
    colours = set(re.findall(r"\\textcolor\[rgb\]\{([^}]*)\}", highlight))
    assert colours <= {"0.00,0.00,0.00"}, f"code in colour: {colours}"


def test_inline_code_is_never_hyphenated_or_broken_at_a_dot(pdf):
    """`MethodicalMachine` is never "Methodical-Machine", `.pkg` never "."
    and "pkg": inline code breaks only after a slash."""
    broken = []
    for chapter in CHAPTERS:
        markdown = (ESSAYS_DIR / f"{chapter.slug}.md").read_text(encoding="utf-8")
        # Inline code: `…`, not a role's target ({term}`PSF`).
        tokens = {t for t in re.findall(r"(?<![`}])`([^`\n]+)`(?!`)", markdown) if len(t) > 3}
        lines = [
            ln.strip()
            for page in chapter_pages(pdf.outdir, chapter.title)
            for ln in layout_texts(pdf.outdir)[page].splitlines()
            if ln.strip()
        ]
        for first, second in itertools.pairwise(lines):
            for token in tokens:
                for i in range(1, len(token)):
                    head, tail = token[:i], token[i:]
                    if head.endswith("/"):
                        continue
                    if (first.endswith(head + "-") or first.endswith(head)) and second.startswith(
                        tail
                    ):
                        if first.endswith(token) or " " in head or " " in tail:
                            continue
                        broken.append(f"{chapter.slug}: {head}|{tail}")
    assert not broken, broken


def test_front_matter_is_a_books(pdf):
    """Half-title, title page with subtitle, authors, editors, imprint and
    year; a copyright page with a © line for each author, the edition and the
    typefaces; the contents naming each chapter's author."""
    pages = [" ".join(p.split()) for p in page_texts(pdf.outdir)[:8]]
    authors = list(dict.fromkeys(c.author for c in chapters_in_book_order()))
    assert pages[0].startswith("Six Essays from the Python Community") and len(pages[0]) < 60
    assert pages[1] == "", "the half-title's back is not blank"
    title = pages[2]
    for part in ("On open source work", *authors, "Edited by", "Python Community Essays", "2026"):
        assert part in title, f"the title page lacks {part!r}"
    rights = pages[3]
    for chapter in chapters_in_book_order():
        year = str(chapter.front_matter["date"])[:4]
        assert f"© {year} {chapter.author}" in rights or re.search(
            rf"© \d{{4}}–\d{{4}} {chapter.author}", rights
        ), f"no © line for {chapter.author}"
    for part in ("First edition", "TeX Gyre Pagella", "received as plain text"):
        assert part in rights, f"the copyright page lacks {part!r}"
    contents = next(p for p in layout_texts(pdf.outdir)[:8] if p.lstrip().startswith("Contents"))
    lines = [ln.strip() for ln in contents.splitlines() if ln.strip()]
    for chapter in chapters_in_book_order():
        at = next(i for i, ln in enumerate(lines) if squash(chapter.title)[:25] in squash(ln))
        assert lines[at + 1] == chapter.author or lines[at + 2] == chapter.author, (
            f"the contents do not name the author under {chapter.title!r}"
        )


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_links_are_listed_by_page_at_the_chapters_end(pdf):
    """A chapter with links lists them at its end: "Links in this chapter",
    each link's page, words and address (breaking only after a slash)."""
    for chapter in CHAPTERS:
        links = chapter.front_matter.get("links", [])
        pages = chapter_pages(pdf.outdir, chapter.title)
        text = "\n".join(layout_texts(pdf.outdir)[p] for p in pages)
        if not links:
            assert "Links in this chapter" not in text
            continue
        listing = text[text.index("Links in this chapter") :]
        closed = re.sub(r"\s*\n\s*", "", listing)
        for words, url in links:
            assert url in closed, f"{chapter.slug}: {url} is not listed whole"
            entry = re.search(rf"p\. (\d+) {re.escape(' '.join(words.split())[:20])}", listing)
            assert entry, f"{chapter.slug}: no entry for {words!r}"
            page = int(entry.group(1))
            labels = PdfReader(pdf.outdir).page_labels
            where = " ".join(page_texts(pdf.outdir)[labels.index(str(page))].split())
            assert " ".join(words.split()) in where, f"{words!r} is not on page {page}"


def test_the_authors_text_is_black_and_the_editors_grey(pdf):
    """Print colour: every word in the text face (the authors' and the
    editors' running text) is black; the editors' notes, bylines and lists,
    in the sans face, are grey; nothing is coloured."""
    reader = PdfReader(pdf.outdir)
    colours: dict[str, set] = {}
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        names = {str(k): str(v.get_object().get("/BaseFont", "")) for k, v in fonts.items()}
        fill: tuple = (0.0,)
        stack = []
        font = ""
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(fill)
            elif op == b"Q" and stack:
                fill = stack.pop()
            elif op in (b"g", b"rg", b"k"):
                fill = tuple(round(float(x), 2) for x in operands)
            elif op == b"Tf":
                font = names.get(str(operands[0]), "")
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                colours.setdefault(font.split("+")[-1], set()).add(fill)
    text_face = {f: c for f, c in colours.items() if "Pagella" in f}
    assert text_face, f"no text in Pagella: {sorted(colours)}"
    for face, fills in text_face.items():
        assert fills <= {(0.0,), (0.0, 0.0, 0.0)}, f"{face} is printed in {fills}"
    for face, fills in colours.items():
        greys = {c for c in fills if len(c) == 1 or len(set(c)) == 1}
        assert fills == greys, f"{face} in colour: {fills - greys}"


def test_the_index_gives_each_terms_first_uses_and_its_definition_in_bold(pdf):
    """A glossary term's entry: the page where each chapter first uses it,
    and the glossary's page in bold; the index says so at its head."""
    entries = re.findall(
        r"\\item \\spxentry\{((?:[^{}]|\{\})*)\}(.*)",
        pdf.outdir.with_suffix(".ind").read_text("utf-8"),
    )
    terms = {
        re.sub(r"\\sphinxhyphen\s*\{\}", "-", name): pages
        for name, pages in entries
        if "spxpagem" in pages
    }
    assert len(terms) >= 40, f"only {len(terms)} entries have a page in bold"
    # The page of each chapter's first use, as LaTeX placed its anchor.
    aux = pdf.outdir.with_suffix(".aux").read_text("utf-8")
    first_uses: dict[str, set[str]] = {}
    for anchor, page in re.findall(
        r"\\newlabel\{essays/[^:}]*:(glossary-use-[^}]*)\}\{\{[^}]*\}\{(\w+)\}", aux
    ):
        first_uses.setdefault(anchor, set()).add(page)
    labels = PdfReader(pdf.outdir).page_labels
    glossary = chapter_pages(pdf.outdir, "Glossary")
    for name, pages in terms.items():
        main = re.findall(r"\\spxpagem\{\\hyperpage\{(\w+)\}\}", pages)
        assert len(main) == 1 and labels.index(main[0]) in glossary, f"{name}: bold {main}"
        listed = set(re.findall(r"\\hyperpage\{(\w+)\}", pages)) - set(main)
        uses = first_uses.get(nodes.make_id(f"glossary-use-{name.lower()}"), set())
        assert uses, f"{name}: no first use is anchored"
        assert uses <= listed, f"{name}: first used on {sorted(uses)}, the index gives {listed}"
    first = next(p for p in page_texts(pdf.outdir) if p.lstrip().startswith("Index"))
    assert "in bold the page of its definition" in " ".join(first.split())
