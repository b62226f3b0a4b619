"""The one rule of EDITING.md, as the tests read it: every word of a received
text appears in its chapter, in the same order (HTML, ePub) or in full (PDF),
and (HTML, ePub) no word that is not in it appears as the author's.

A *word* is a whitespace-separated token of the received text, folded to its
letters and digits (so punctuation, quotes and list bullets do not count, and
the curly quotes of the original survive any comparison). Footnote markers
(the digits glued to a word, listed in footnote_markers.toml), the numbers and
letters of numbered and lettered lists and the line-number gutters of code
listings (lines that are only a number, which EDITING.md drops) are normalised
away; nothing else is.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
MARKERS = tomllib.loads(
    (Path(__file__).parent / "footnote_markers.toml").read_text(encoding="utf-8")
)["markers"]

#: A numbered or lettered item's marker ("1.", "a."): the list's, not words.
_LIST_NUMBER = re.compile(r"^\s*(?:\d+|[a-z])\.\s")
_GUTTER_LINE = re.compile(r"^\s*\d+\s*$")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(token: str) -> str:
    """A token's letters and digits, compatibility-normalised and case-folded."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", token)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, empty ones (pure punctuation) dropped."""
    return [w for w in (fold(t) for t in text.split()) if w]


def received_words(source: str) -> list[str]:
    """The words of a received text, with footnote markers and list numbers
    normalised away."""
    markers = Counter(MARKERS.get(source, []))
    out: list[str] = []
    for line in (SOURCES / source).read_text(encoding="utf-8").splitlines():
        if _GUTTER_LINE.match(line):
            continue
        line = _LIST_NUMBER.sub(" ", line, count=1)
        for token in line.split():
            if markers[token]:
                markers[token] -= 1
                token = re.sub(r"\d([.,]?)$", r"\1", token)  # one digit: "Rosetta2" + 8
            word = fold(token)
            if word:
                out.append(word)
    unused = +markers
    if unused:
        raise AssertionError(f"{source}: footnote markers not found: {sorted(unused)}")
    return out


def author_text(container: Tag) -> str:
    """The text of a chapter's HTML or XHTML as the author wrote it: without
    what the editor added (class ``editorial``), the footnote markers and
    labels, the heading anchors and the "Back to top" chrome."""
    soup = BeautifulSoup(str(container), "lxml")
    selectors = [
        ".editorial",
        "a.footnote-reference",
        "aside.footnote > span.label",
        "a.headerlink",
        "a.fn-backref",
    ]
    for selector in selectors:
        for node in soup.select(selector):
            node.decompose()
    # Block elements end words: text in adjacent blocks must not run together.
    for block in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "pre", "div", "dt", "dd"]):
        block.insert_after(" ")
        block.insert_before(" ")
    return soup.get_text()


def first_loss_in_order(expected: Sequence[str], actual: Sequence[str]) -> int | None:
    """Index of the first expected word that cannot be matched, in order, in
    ``actual`` (a greedy subsequence match), or None when all are there."""
    position = 0
    for index, word in enumerate(expected):
        try:
            position = actual.index(word, position) + 1
        except ValueError:
            return index
    return None


def context(words_: Sequence[str], index: int, width: int = 6) -> str:
    before = " ".join(words_[max(0, index - width) : index])
    after = " ".join(words_[index + 1 : index + 1 + width])
    return f"… {before} [{words_[index]}] {after} …"


def check_in_order(essay: str, fmt: str, expected: Sequence[str], actual: Sequence[str]) -> None:
    """Fail, naming essay, format and the words around the loss, unless every
    expected word appears in ``actual`` in order."""
    actual = list(actual)
    lost = first_loss_in_order(expected, actual)
    if lost is not None:
        # The greedy match proves the loss; an alignment places it better (a
        # lost "the" is otherwise matched far ahead and blamed on a later word).
        matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
        lost = next(
            (
                i1
                for tag, i1, _i2, _j1, _j2 in matcher.get_opcodes()
                if tag in ("delete", "replace")
            ),
            lost,
        )
        raise AssertionError(
            f"{essay} ({fmt}): word {lost + 1} of {len(expected)} is missing or out "
            f"of order: {context(expected, lost)}"
        )


def check_exactly(essay: str, fmt: str, expected: Sequence[str], actual: Sequence[str]) -> None:
    """Fail, naming the first word added or lost, unless the author's words
    of the edition are the received text's, all of them and no other."""
    expected, actual = list(expected), list(actual)
    if expected == actual:
        return
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert" or (tag == "replace" and j2 > j1):
            raise AssertionError(
                f"{essay} ({fmt}): {' '.join(actual[j1:j2])!r} is not in the received text, "
                f"after … {' '.join(actual[max(0, j1 - 6) : j1])} …"
            )
        if tag == "delete":
            raise AssertionError(f"{essay} ({fmt}): lost {context(expected, i1)}")
    raise AssertionError(f"{essay} ({fmt}): the words differ")  # unreachable


def strip_trailing_digits(tokens: Iterable[str]) -> list[str]:
    """Fold away digits glued to the end of a word (``python3`` -> ``python``).

    In a PDF, footnote marks are digits glued to the word before them and
    their numbers differ from the original's (URL footnotes are numbered with
    the authors'), so the in-full comparison applies this to both sides."""
    return [re.sub(r"(?<=[^\W\d_])\d+$", "", t) for t in tokens]


def check_in_full(essay: str, fmt: str, expected: Sequence[str], actual: Sequence[str]) -> None:
    """Fail unless every expected word occurs in ``actual`` at least as often.

    A word that TeX broke without a hyphen (an identifier in inline code is
    broken after a dot) counts when it is in the text with the line breaks
    closed up."""
    have = Counter(strip_trailing_digits(actual))
    need = Counter(strip_trailing_digits(expected))
    closed_up = "".join(actual)
    short = {w: n - have[w] for w, n in need.items() if have[w] < n and closed_up.count(w) < n}
    if short:
        keyed = strip_trailing_digits(expected)
        first = min(i for i, w in enumerate(keyed) if w in short)
        raise AssertionError(
            f"{essay} ({fmt}): {sum(short.values())} word(s) missing, first "
            f"{context(expected, first)}; missing counts: {dict(list(short.items())[:10])}"
        )


def html_chapter_words(path: Path) -> list[str]:
    """The author's words of a chapter page of the web edition or the ePub."""
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    main = soup.select_one("article[role=main]") or soup.select_one("div.body")
    if main is None:
        raise AssertionError(f"{path}: no chapter text found")
    return words(author_text(main))


if __name__ == "__main__":  # python tests/fidelity.py CHAPTER.html SOURCE.txt
    import sys

    page, source = Path(sys.argv[1]), Path(sys.argv[2]).name
    check_in_order(source, page.suffix, received_words(source), html_chapter_words(page))
    print(f"{source}: every word in order in {page}")
