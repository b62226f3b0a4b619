"""Bad input stops the build with a message naming the file and the line.

Each case is the fixture book (tests/fixtures/book/) with exactly one mistake:
the files of tests/fixtures/bad_input/<case>/ replace or join the book's. It is
read with the book's conf.py and strictness by Sphinx's `dummy` builder (every
document read, checked and resolved, nothing written: the mistakes are all
seen before any page is), and must fail with the expected message at the
expected place. The cases are built one after the other in a process of their
own (build_books.py), beside the other tests.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from background import early
from build_books import in_a_process
from conftest import FIXTURES, Built, build_book, copy_book

CASES_DIR = FIXTURES / "bad_input"


@dataclass(frozen=True)
class Expect:
    """A message: the file (relative to the fixture book), its line, and text
    the message must contain."""

    path: str
    line: int
    text: str


def latin1(book: Path, name: str) -> None:
    """Re-encode one file of the book as Latin-1 (a file that is not UTF-8 is
    made at test time: one in the repository would trip every tool)."""
    path = book / name
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def refresh_checksums(book: Path) -> None:
    sources = book / "sources"
    names = sorted(p.name for p in sources.iterdir() if p.name != "SHA256SUMS")
    lines = [f"{hashlib.sha256((sources / n).read_bytes()).hexdigest()}  {n}" for n in names]
    (sources / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def received_text_in_latin1(book: Path) -> None:
    latin1(book, "sources/second.txt")
    refresh_checksums(book)  # as received, with its checksum: only the encoding is wrong


FM = "chapter front matter: "
SECOND = "docs/essays/second.md"
IX = "index data: "
INDEX = "docs/book-index.toml"

#: case -> the messages it must produce (and what to do beyond the overlay).
CASES: dict[str, list[Expect]] = {
    # Missing or malformed front matter
    "no_front_matter": [Expect(SECOND, 1, FM + "the chapter has no front matter")],
    "no_author": [Expect(SECOND, 1, FM + "the 'author' field is missing or empty")],
    "bad_date": [
        Expect(SECOND, 4, FM + "date 'September 2024' is not YYYY, YYYY-MM or YYYY-MM-DD")
    ],
    "impossible_date": [Expect(SECOND, 4, FM + "date '2024-09-31' is not a date of the calendar")],
    "not_http_url": [
        Expect(SECOND, 6, FM + "url 'ftp://another.example.org/second.txt' is not an http(s)")
    ],
    "malformed_yaml": [Expect(SECOND, 6, FM + "the front matter is not valid YAML")],
    "unknown_field": [Expect(SECOND, 6, FM + "unknown field 'URL'")],
    # The chapters, their received texts and the contents
    "not_in_contents": [
        Expect(SECOND, 1, "chapter missing from the table of contents: list 'essays/second'")
    ],
    "text_without_chapter": [Expect("sources/fourth.txt", 1, "received text without a chapter")],
    "chapter_without_text": [
        Expect(SECOND, 6, "chapter without a received text: 'source: secnod.txt'")
    ],
    "checksum_mismatch": [
        Expect("sources/SHA256SUMS", 2, "second.txt differs from the text as received")
    ],
    # Terms, notes, labels, references
    "unknown_term": [Expect(SECOND, 15, "term not in glossary: 'naïve'")],
    "footnote_not_referenced": [Expect(SECOND, 18, "Footnote [1] is not referenced.")],
    "footnote_not_defined": [
        Expect(SECOND, 15, "footnote [^1] is referenced here but never defined")
    ],
    "duplicate_label": [Expect(SECOND, 13, "duplicate label first-opening, other instance in")],
    "duplicate_label_in_chapter": [
        Expect(SECOND, 17, 'Duplicate explicit target name: "second-part"')
    ],
    "broken_reference": [
        Expect(SECOND, 15, "undefined label: 'second-prat'"),
        Expect(SECOND, 15, "cross-reference target not found: 'first-openin'"),
        Expect(SECOND, 15, "unknown document: 'fourth'"),
    ],
    # What the editions would lose or choke on
    "raw_html": [
        Expect(SECOND, 17, """raw HTML '<span class="x"></span>': the PDF drops it"""),
        Expect(SECOND, 20, "it is not well-formed XHTML (mismatched tag), so it would break"),
    ],
    "not_utf8": [
        Expect(SECOND, 16, "file is not UTF-8: byte 0xe9 at column 18 is not UTF-8"),
    ],
    "not_utf8_text": [
        Expect("sources/second.txt", 3, "received text is not UTF-8: byte 0xe9 at column 81"),
    ],
    # Text that passes as the author's: the chapter's author text is its
    # received text, both ways (book.checks.fidelity)
    "note_nested_badly": [
        Expect(SECOND, 23, "fidelity: \"The editors' third sentence, which a reader would take"),
    ],
    "index_data_mistakes": [
        Expect(INDEX, 11, IX + "'things': unknown key 'word' (known: chapters, ignore_case,"),
        Expect(INDEX, 14, IX + "'notes': a word is not a valid regular expression:"),
        Expect(INDEX, 17, IX + "'keeping': no chapter 'fourth' (chapters: first, second, third)"),
        Expect(INDEX, 24, IX + "'kinds': no paragraph of essays/first begins 'A paragraph the"),
        Expect(INDEX, 27, IX + "'nothing' has neither words, passages nor see"),
    ],
    "index_not_toml": [Expect(INDEX, 6, IX + "not valid TOML: ")],
    "word_added": [Expect(SECOND, 15, "fidelity: 'fine' is not in the received text")],
    "word_lost": [Expect(SECOND, 15, "fidelity: the chapter loses 'bold' (")],
    "word_changed": [Expect(SECOND, 15, "fidelity: the chapter changes 'naïve.' into 'naive.'")],
    "hidden_in_comment": [Expect(SECOND, 13, "fidelity: the chapter loses 'The second essay")],
    "hidden_in_html_comment": [Expect(SECOND, 13, "fidelity: the chapter loses 'The second")],
    "hidden_in_only": [
        Expect(SECOND, 15, "an {only} block in a chapter: what it holds is in some editions"),
        Expect(SECOND, 13, "fidelity: the chapter loses 'The second essay"),
    ],
    "hidden_in_raw": [
        Expect(SECOND, 15, "raw latex in a chapter: what it holds is in some editions"),
        Expect(SECOND, 13, "fidelity: the chapter loses 'The second essay"),
    ],
    "invented_link": [
        Expect(SECOND, 15, "the link [a site](https://example.org/a-guess) is not one of the"),
        Expect(SECOND, 8, "the front matter lists the original's link [a site]("),
    ],
    # Files from outside the book
    "include_outside": [Expect(SECOND, 18, "no file is inserted into the book")],
    "literalinclude_outside": [Expect(SECOND, 18, "no file is inserted into the book")],
    "csv_table_outside": [Expect(SECOND, 18, "no file is inserted into the book")],
    "remote_image": [
        Expect(SECOND, 18, "the image 'https://example.org/picture.png' is not in the book")
    ],
    "image_outside": [Expect(SECOND, 18, "is outside the book's sources")],
    "download_outside": [
        Expect(SECOND, 15, "the download '../../sources/second.txt' is outside the book's")
    ],
    # Characters that break an edition, named with their line and column
    "control_character": [Expect(SECOND, 16, "the control character U+0008 at column 19")],
    "nul_byte": [Expect(SECOND, 16, "the control character U+0000 at column 19")],
    "bidi_override": [
        Expect(SECOND, 16, "the invisible character U+202E RIGHT-TO-LEFT OVERRIDE at column 19")
    ],
    "byte_order_mark": [
        Expect(SECOND, 1, "the file starts with a byte-order mark (U+FEFF): save it as UTF-8"),
    ],
    # Front matter that would silently lose a value
    "duplicate_key": [Expect(SECOND, 5, "'date' is given twice, on lines 4 and 5")],
}


def insert(char: str, at_start: bool = False):
    """Put a character that is not text into the chapter (made at test time,
    as a file that is not UTF-8 is)."""

    def prepare(book: Path) -> None:
        path = book / SECOND
        text = path.read_text(encoding="utf-8")
        path.write_text(char + text if at_start else text.replace("café and", f"café{char} and"))

    return prepare


PREPARE = {
    "not_utf8": lambda book: latin1(book, SECOND),
    "not_utf8_text": received_text_in_latin1,
    "control_character": insert("\x08"),
    "nul_byte": insert("\x00"),
    "bidi_override": insert("\u202e"),
    "byte_order_mark": insert("\ufeff", at_start=True),
}


def make_book(case: str, where: Path) -> Path:
    (where / case).mkdir()
    book = copy_book(where / case)
    if (CASES_DIR / case).is_dir():
        shutil.copytree(CASES_DIR / case, book, dirs_exist_ok=True)
    if case in PREPARE:
        PREPARE[case](book)
    return book


def find(result: Built, book: Path, expect: Expect) -> str | None:
    """The message of ``expect``, at its file and line, if the build printed it."""
    place = f"{book / expect.path}:{expect.line}: "
    for line in result.messages:
        if line.startswith(place) and expect.text in line:
            return line
    return None


@early
def builds(where: Path) -> dict[str, tuple[Path, Built]]:
    """Every case read once ("clean" is the fixture book as it is)."""
    names = ["clean", *CASES]
    books = [make_book(case, where) for case in names]
    built = in_a_process([{"book": book, "builder": "dummy"} for book in books])
    return {name: (book, b) for name, book, b in zip(names, books, built, strict=True)}


def test_every_case_has_its_fixture():
    on_disk = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    # not_utf8_text is the book's own received text, re-encoded at test time.
    assert on_disk == set(CASES) - {"not_utf8_text"}


def test_the_fixture_book_builds_without_a_warning(builds):
    _book, result = builds["clean"]
    assert result.status == 0, result
    assert not result.messages


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_the_build_naming_file_and_line(case, builds):
    book, result = builds[case]
    log = "\n".join(result.messages) or str(result)
    assert result.status != 0, f"{case}: the build succeeded\n{log}"
    assert "Traceback" not in result.log, f"{case}: the build crashed\n{result}"
    for expect in CASES[case]:
        assert find(result, book, expect), (
            f"{case}: no message at {expect.path}:{expect.line} saying {expect.text!r}; got:\n{log}"
        )


@pytest.mark.parametrize("case", ["control_character", "nul_byte", "bidi_override"])
def test_a_character_that_breaks_the_epub_stops_its_build(case, tmp_path):
    """Named in the source; and a page that is not well-formed XML (a control
    character) is never packed into an ePub."""
    book = make_book(case, tmp_path)
    result = build_book(book, "epub")
    assert result.status != 0
    assert find(result, book, CASES[case][0]), "\n".join(result.messages)
    if case == "control_character":
        assert not list(result.outdir.glob("*.epub")), "an ePub that no reading system can open"
        assert any("is not well-formed XML" in m for m in result.messages), result.messages


def test_raw_html_comments_are_allowed(builds):
    book, result = builds["raw_html"]
    comment_line = f"{book / SECOND}:15:"
    assert not [m for m in result.messages if m.startswith(comment_line)]


# -- The same mistake is reported again on the next build -----------------------------------


def test_a_rebuild_reports_the_same_mistake_again(tmp_path):
    """Sphinx reads only what changed: without book.checks.sticky a second
    build after a failed one would read nothing and succeed."""
    book = make_book("unknown_term", tmp_path)
    expect = CASES["unknown_term"][0]
    for attempt in ("first", "second"):
        result = build_book(book, "html")
        assert result.status != 0, f"the {attempt} build succeeded"
        assert find(result, book, expect), f"the {attempt} build did not repeat the message"
    # Fixed, the next build succeeds and forgets.
    chapter = book / SECOND
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("{term}`naïve`", "naïve"), encoding="utf-8"
    )
    fixed = build_book(book, "html")
    assert fixed.status == 0, "\n".join(fixed.messages)


def test_a_received_text_added_later_is_checked_on_the_next_build(tmp_path):
    """No document changed, yet the new text in sources/ has no chapter."""
    book = make_book("clean", tmp_path)
    assert build_book(book, "html").status == 0
    shutil.copytree(CASES_DIR / "text_without_chapter", book, dirs_exist_ok=True)
    result = build_book(book, "html")
    assert result.status != 0
    assert find(result, book, CASES["text_without_chapter"][0]), "\n".join(result.messages)
