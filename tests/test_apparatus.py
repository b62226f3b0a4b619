"""The reference apparatus as a reader uses it (issue #4): from a term to its
definition and back to every chapter that uses it; from one essay to the
related passage of another; from a name to every page that mentions it; in the
web edition, the ePub and the PDF.

The first part tests extensions/glossary_concordance.py on its own, on the
small book in tests/fixtures/concordance/; the rest tests the real book.
"""

from __future__ import annotations

import copy
import re
import shutil
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from book import indexing
from bs4 import BeautifulSoup, NavigableString, Tag
from conftest import CHAPTERS, ROOT, build_book, require, soup_of
from fidelity import author_text
from pdf_reader import body_text, chapter_pages, outline, page_texts, running_heads
from pypdf import PdfReader

FIXTURE = Path(__file__).parent / "fixtures" / "concordance"


# == The extension, on the fixture book ===========================================


def sphinx(src: Path, out: Path, builder: str = "html", *, parallel: int = 0, strict: bool = True):
    """Build ``src`` (a book with a conf.py of its own) as the book is built
    (its strictness, or -n alone), into ``out``."""
    return build_book(
        src, builder, out / builder, conf=src, doctrees=out / ".doctrees",
        options=None if strict else ["-n"], parallel=parallel,
    )  # fmt: skip


@pytest.fixture
def concordance_book(tmp_path) -> Path:
    """A fresh copy of the fixture book (tests may edit it)."""
    src = tmp_path / "src"
    shutil.copytree(FIXTURE, src)
    return src


def used_in(glossary_page: Path) -> dict[str, list[tuple[str, str]]]:
    """Each glossary term's "Used in" links: (link text, href), in order."""
    soup = soup_of(glossary_page)
    out = {}
    for dt in soup.select("dl.glossary > dt"):
        dd = dt.find_next_sibling("dd")
        line = dd.select_one(".glossary-used-in")
        term = dt.get_text(strip=True).rstrip("¶")
        out[term] = [(a.get_text(strip=True), a["href"]) for a in line.select("a")] if line else []
    return out


def test_fixture_used_in_lists_the_chapters_in_book_order(concordance_book, tmp_path):
    result = sphinx(concordance_book, tmp_path / "out")
    assert result.status == 0, result
    html = tmp_path / "out" / "html"
    assert used_in(html / "glossary.html") == {
        # The toctree puts Second before First; the glossary's own use of
        # "alpha" (in the definition of beta) is not a chapter's.
        "alpha": [
            ("Second chapter", "second.html#glossary-use-alpha"),
            ("First chapter", "first.html#glossary-use-alpha"),
        ],
        "beta": [("First chapter", "first.html#glossary-use-beta")],
        # A use in a section title is anchored on the section.
        "gamma": [("Second chapter", "second.html#second-gamma")],
    }
    # The line is the editor's.
    for line in soup_of(html / "glossary.html").select(".glossary-used-in"):
        assert "editorial" in line["class"]
        assert line.get_text(" ", strip=True).startswith("Used in:")


def test_fixture_anchor_sits_on_the_first_use(concordance_book, tmp_path):
    assert sphinx(concordance_book, tmp_path / "out").status == 0
    page = soup_of(tmp_path / "out" / "html" / "first.html")
    anchor = page.find(id="glossary-use-alpha")
    assert anchor is not None
    first_use = page.select('a[href="glossary.html#term-alpha"]')[0]
    assert anchor.find_next("a", href="glossary.html#term-alpha") is first_use
    # One anchor per term and page, however often the term is used.
    assert len(page.select('[id^="glossary-use-"]')) == 2


def test_fixture_unused_term_is_reported(concordance_book, tmp_path):
    glossary = concordance_book / "glossary.md"
    glossary.write_text(
        glossary.read_text().replace("gamma\n", "delta\n  Nobody uses it.\n\ngamma\n"),
        encoding="utf-8",
    )
    result = sphinx(concordance_book, tmp_path / "out", strict=False)
    assert "glossary term 'delta' is not used in any document" in result.log
    assert sphinx(concordance_book, tmp_path / "strict").status != 0, "-W lets it pass"


def test_fixture_incremental_build_rewrites_the_glossary(concordance_book, tmp_path):
    out = tmp_path / "out"
    assert sphinx(concordance_book, out).status == 0
    third = concordance_book / "third.md"
    third.write_text(third.read_text() + "\nNow it uses {term}`beta`.\n", encoding="utf-8")
    second = concordance_book / "second.md"
    second.write_text(second.read_text().replace("{term}`Alpha`", "Alpha"), encoding="utf-8")
    result = sphinx(concordance_book, out)  # same output and doctrees: incremental
    assert result.status == 0, result
    # Read again, though its source did not change.
    assert re.search(r"^reading sources\.\.\. \[[ \d]+%\] glossary$", result.log, re.MULTILINE)
    links = used_in(out / "html" / "glossary.html")
    assert links["beta"] == [
        ("First chapter", "first.html#glossary-use-beta"),
        ("Third chapter", "third.html#glossary-use-beta"),
    ]
    assert links["alpha"] == [("First chapter", "first.html#glossary-use-alpha")]


def test_fixture_parallel_build_gives_the_same_concordance(concordance_book, tmp_path):
    serial = sphinx(concordance_book, tmp_path / "serial")
    parallel = sphinx(concordance_book, tmp_path / "parallel", "html", parallel=2)
    assert serial.status == 0 and parallel.status == 0, parallel
    assert used_in(tmp_path / "parallel" / "html" / "glossary.html") == used_in(
        tmp_path / "serial" / "html" / "glossary.html"
    )


def test_fixture_latex_links_the_uses_with_page_numbers(concordance_book, tmp_path):
    result = sphinx(concordance_book, tmp_path / "out", "latex")
    assert result.status == 0, result
    (tex,) = (tmp_path / "out" / "latex").glob("*.tex")
    source = tex.read_text(encoding="utf-8")
    for label in ("first:glossary-use-alpha", "second:second-gamma"):
        assert rf"\label{{\detokenize{{{label}}}}}" in source  # the anchor
        assert rf"\hyperref[\detokenize{{{label}}}]" in source  # the link
        assert rf"\autopageref*{{\detokenize{{{label}}}}}" in source  # its page


# == The book: the glossary ========================================================

TIM_PETERS_TERMS = ["PSF", "CoC", "CoC WG", "SC", "CPython", "CPython core dev", "Discourse",
                    "mod", "DM"]  # fmt: skip
GLYPH_TERMS = ["PyPI", "wheel", "virtual environment", "Homebrew", "code signing",
               "notarization", "Gatekeeper", "zipimport", "FFI", "Flatpak", "telemetry",
               "FLOSS", "open space", "sprint", "retrospective", "leveling", "burnout", "PEP",
               "Liskov substitution", "finite-state machine", "Deferred", "pinentry",
               "CTA"]  # fmt: skip

#: How each term appears in the authors' text (checked in the text a reader
#: sees, outside code): the first such occurrence in a chapter must link the
#: term. "discourse" in lower case is the ordinary word, not the forum.
TERM_FORMS = {
    "1x1": r"\b1x1\b",
    "ADHD": r"\bADHD\b",
    "asyncio": r"\basyncio\b",
    "burnout": r"\bburn(?:out|ing out|ed out| out)\b",
    "CI": r"\bCI\b",
    "code signing": r"\bcode-?sign(?:ing|ed)\b|\bcodesigning\b",
    "CoC": r"\bCoC\b",
    "CoC WG": r"\bCoC WG\b",
    "CPython": r"\bCPython\b",
    "CPython core dev": r"\bCPython core dev\b",
    "CTA": r"\bCTA\b|\bcall to action\b",
    "Deferred": r"\bDeferred\b",
    "Discourse": r"\bDiscourse\b",
    "DM": r"\bDM\b",
    "DX": r"\bDX\b",
    "FFI": r"\bFFI\b",
    "finite-state machine": r"\bfinite-state automat|\bstate machines?\b",
    "Flatpak": r"\bFlatpak\b",
    "FLOSS": r"\bFLOSS\b",
    "Gatekeeper": r"(?i)\bgatekeeper\b",
    "Homebrew": r"\bHomebrew\b",
    "keyring": r"(?i)\bkeyring\b",
    "leveling": r"(?i)\b(?:over-|under-|down-)?level(?:ed|ing)\b|\blevel up\b",
    "Liskov substitution": r"\bLiskov",
    "mod": r"\bmods?\b",
    "neurodivergence": r"\bneurodivergen",
    "notarization": r"\bnotari[sz]",
    "open space": r"(?i)\bopen[- ]spaces?\b",
    "Patreon": r"\bPatreon\b",
    "PEP": r"\bPEPs?\b",
    "pinentry": r"\bpinentry\b",
    "PR": r"\bPRs?\b",
    "PSF": r"\bPSF\b",
    "py2app": r"\bpy2app\b",
    "PyCon": r"\bPyCon\b",
    "PyPI": r"\bPyPI\b",
    "retrospective": r"(?i)\bretrospective",
    "Rosetta 2": r"\bRosetta ?2",
    "SC": r"\bSC\b",
    "sprint": r"(?i)\bsprints?\b",
    "telemetry": r"(?i)\btelemetry\b",
    "universal2": r"\buniversal2\b",
    "virtual environment": r"\bvirtualenvs?\b|\bvirtual environments?\b",
    "wheel": r"\bwheels?\b",
    "zipimport": r"\bzipimport\b",
}


@cache
def glossary_entries(html_root: Path) -> dict[str, tuple[str, str]]:
    """term -> (its id in glossary.html, its definition's text without "Used in")."""
    soup = soup_of(html_root / "glossary.html")
    out = {}
    for dt in soup.select("dl.glossary > dt"):
        dd = dt.find_next_sibling("dd")
        definition = " ".join(
            p.get_text(" ", strip=True) for p in dd.find_all("p")
            if not p.find_parent(class_="glossary-used-in")
        )  # fmt: skip
        out[dt.get_text(strip=True).rstrip("¶")] = (dt["id"], " ".join(definition.split()))
    return out


def sort_key(term: str) -> str:
    return unicodedata.normalize("NFD", term.lower())  # as Sphinx's :sorted:


def test_glossary_has_the_terms_the_issue_asks_for(html):
    entries = glossary_entries(html.outdir)
    assert len(entries) >= 30
    missing = set(TIM_PETERS_TERMS + GLYPH_TERMS) - set(entries)
    assert not missing, f"glossary lacks {sorted(missing)}"
    terms = list(entries)
    assert terms == sorted(terms, key=sort_key), "the glossary is not sorted"
    assert set(TERM_FORMS) == set(entries), "TERM_FORMS and the glossary disagree"


@pytest.mark.parametrize("term", sorted(TERM_FORMS, key=sort_key))
def test_glossary_definition_is_one_to_three_sentences(term, html):
    _, definition = glossary_entries(html.outdir)[term]
    sentences = re.findall(r"[.!?](?=[”’)]?(?:\s|$))", definition)
    assert 1 <= len(sentences) <= 3, f"{term}: {len(sentences)} sentences: {definition}"


def chapter_page(root: Path, chapter, suffix: str) -> Path:
    return root / f"{chapter.docname}{suffix}"


def term_links(page: BeautifulSoup, prefix: str) -> list[Tag]:
    return [a for a in page.select("a[href]") if a["href"].startswith(prefix)]


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_every_term_resolves_to_its_definition(fmt, request):
    build = request.getfixturevalue(fmt)
    suffix = ".html" if fmt == "html" else ".xhtml"
    ids = {tag["id"] for tag in soup_of(build.outdir / f"glossary{suffix}").select("dt[id]")}
    for chapter in CHAPTERS:
        page = soup_of(chapter_page(build.outdir, chapter, suffix))
        # The text, not the page's contents sidebar (which copies headings).
        main = page.select_one("article[role=main]") or page.select_one("div.body")
        roles = main.select(".std-term")
        assert roles, f"{chapter.slug}: no glossary term at all"
        for role in roles:
            link = role.find_parent("a")
            assert link is not None, f"{chapter.slug} ({fmt}): unresolved term {role.get_text()!r}"
            path, _, fragment = link["href"].partition("#")
            assert path == f"../glossary{suffix}" and fragment in ids, link["href"]


def running_text(page: BeautifulSoup) -> Tag:
    """The chapter's main text without code, what the editor added, heading
    links and note numbers (a copy: the page is left as it is)."""
    main = copy.copy(page.select_one("article[role=main]"))
    for node in main.select(".editorial, pre, code, a.headerlink, aside.footnote > span.label"):
        node.decompose()
    return main


def first_occurrence(main: Tag, pattern: str) -> NavigableString | None:
    """The first text of the chapter's running text (`running_text`; never a
    heading: an author's heading is never linked) matching ``pattern``,
    outside other links: (the text node, or None)."""
    regex = re.compile(pattern)
    candidates = [
        text for text in main.find_all(string=regex)
        if text.find_parent("h1") is None  # the chapter's title
        # a link cannot hold a term link: the next occurrence must
        and all(a.select_one(".std-term") for a in text.find_parents("a"))
    ]  # fmt: skip
    in_prose = [t for t in candidates if not t.find_parent(re.compile(r"^h[2-6]$"))]
    return (in_prose or [None])[0]


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_no_term_is_linked_in_an_authors_heading(fmt, request):
    build = request.getfixturevalue(fmt)
    suffix = ".html" if fmt == "html" else ".xhtml"
    for chapter in CHAPTERS:
        page = soup_of(chapter_page(build.outdir, chapter, suffix))
        main = page.select_one("article[role=main]") or page.select_one("div.body")
        linked = [
            h.get_text(" ", strip=True)
            for h in main.select("h1, h2, h3, h4")
            if h.select(".std-term")
        ]
        assert not linked, f"{chapter.slug}: a term is linked in the heading {linked}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_first_use_of_each_term_in_a_chapter_links_it(chapter, html):
    entries = glossary_entries(html.outdir)
    main = running_text(soup_of(chapter_page(html.outdir, chapter, ".html")))
    unlinked = []
    for term, pattern in TERM_FORMS.items():
        node = first_occurrence(main, pattern)
        if node is None:
            continue
        link = node.find_parent("a")
        if link is None or not link["href"].endswith(f"glossary.html#{entries[term][0]}"):
            unlinked.append(f"{term!r} first used in …{node.strip()[:80]}… without a link")
    assert not unlinked, "\n".join(unlinked)


def test_used_in_is_the_concordance_of_the_chapters(html):
    """Each definition's "Used in" lists exactly the chapters that link the
    term, in the book's order, and each link lands on the first use."""
    entries = glossary_entries(html.outdir)
    pages = {c.docname: soup_of(chapter_page(html.outdir, c, ".html")) for c in CHAPTERS}
    order = [c.docname for c in book_order(html.outdir)]
    concordance = used_in(html.outdir / "glossary.html")
    for term, (term_id, _) in entries.items():
        target = f"../glossary.html#{term_id}"
        users = [d for d in order if term_links(pages[d], target)]
        assert users, f"glossary term {term!r} is used in no chapter"
        links = concordance[term]
        assert [unquote(h).partition("#")[0] for _, h in links] == [f"{d}.html" for d in users]
        for (_, href), docname in zip(links, users, strict=True):
            anchor = pages[docname].find(id=unquote(href).partition("#")[2])
            assert anchor is not None, href
            first_use = term_links(pages[docname], target)[0]
            assert anchor.find_next("a", href=target) is first_use, (
                f"{term}: 'Used in' {href} does not land on the first use"
            )


@cache
def book_order(html_root: Path) -> list:
    """The chapters in the order of the book's navigation."""
    hrefs = [a["href"] for a in soup_of(html_root / "index.html").select(".sidebar-tree a")]
    by_href = {f"{c.docname}.html": c for c in CHAPTERS}
    return [by_href[h] for h in hrefs if h in by_href]


def test_epub_glossary_has_the_concordance(epub, html):
    assert used_in(epub.outdir / "glossary.xhtml").keys() == glossary_entries(html.outdir).keys()
    for term, links in used_in(epub.outdir / "glossary.xhtml").items():
        assert links, f"ePub: {term} has no 'Used in'"
        assert all(h.startswith("essays/") and ".xhtml#" in h for _, h in links)


# == The book: "see also" between the essays ==========================================

LABEL_PREFIX = {
    "what-would-you-say-you-do-here": "do-here-",
    "incompetent-but-nice": "incompetent-",
    "no-executable-is-an-island": "island-",
    "telemetry-is-not-your-enemy": "telemetry-",
    "post-pycon-us-2023-notes": "pycon-2023-",
    "dispelling-information-asymmetry": "asymmetry-",
}


def see_also(root: Path, suffix: str) -> list[tuple[str, str, str, str]]:
    """Every link of an editor's note to another chapter:
    (from chapter, link text, to chapter, label)."""
    out = []
    for chapter in CHAPTERS:
        page = soup_of(chapter_page(root, chapter, suffix))
        for a in page.select(".editor-note a[href]"):
            href = unquote(a["href"])
            if urlsplit(href).scheme:
                continue
            path, _, label = href.partition("#")
            target = (chapter_page(root, chapter, suffix).parent / path).resolve()
            if target.parent.name == "essays" and target.stem != chapter.slug:
                out.append((chapter.slug, a.get_text(" ", strip=True), target.stem, label))
    return out


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_every_chapter_links_another_at_a_section_label(fmt, request):
    build = request.getfixturevalue(fmt)
    suffix = ".html" if fmt == "html" else ".xhtml"
    links = see_also(build.outdir, suffix)
    assert len(links) >= 8
    assert {source for source, *_ in links} == {c.slug for c in CHAPTERS}, (
        "a chapter links no other"
    )
    for source, _text, target, label in links:
        assert label.startswith(LABEL_PREFIX[target]), f"{source} -> {target}#{label}: not a label"
        page = soup_of(build.outdir / "essays" / f"{target}{suffix}")
        assert page.find(id=label) is not None, f"{source} -> {target}#{label} ({fmt})"


def target_words(html_root: Path, target: str, label: str) -> str:
    """What a reader finds at a label: a section's title, or a paragraph's
    first words."""
    element = soup_of(html_root / "essays" / f"{target}.html").find(id=label)
    heading = element.find(re.compile(r"^h[1-6]$")) if element.name == "section" else None
    text = (heading or element).get_text(" ", strip=True).rstrip("¶")
    return " ".join(text.split()[: 3 if heading else 6])


def squeeze(text: str) -> str:
    """Text without spaces, line breaks and hyphens (which TeX adds and
    pdftotext keeps or drops), for comparing the PDF with the web edition."""
    return re.sub(r"[\s\-‐]+", "", text)


def page_body(pdf: Path, page: int) -> str:
    """A page's text as the reader reads it, without its running head (the
    title of its chapter or part) and page number, words hyphenated at a line
    break joined."""
    text = body_text(page_texts(pdf)[page])
    first, _, rest = text.partition("\n")
    if first.strip() in running_heads(pdf):
        text = rest
    # The editors' list of a chapter's links repeats the linked words: the
    # index leads to the text, not to the list.
    text = text.partition("Links in this chapter")[0]
    return text.replace("-\n", "")


@cache
def printed_pages(pdf: Path) -> dict[str, int]:
    """Printed page number (as the page shows it) -> 0-based page."""
    return {label: index for index, label in enumerate(PdfReader(pdf).page_labels)}


def test_see_also_in_pdf_prints_the_page_of_the_passage(pdf, html):
    require("pdftotext")
    pages = printed_pages(pdf.outdir)
    titles = {c.slug: c.title for c in CHAPTERS}
    checked = 0
    links = see_also(html.outdir, ".html")
    for source, text, target, label in links:
        own = squeeze(
            "\n".join(page_body(pdf.outdir, p) for p in chapter_pages(pdf.outdir, titles[source]))
        )
        # A link's text may end another's ("… No Executable Is An Island"):
        # blank out the longer ones first.
        for other in {t for s, t, *_ in links if s == source and len(t) > len(text)}:
            own = own.replace(squeeze(other), "#" * len(squeeze(other)))
        numbers = re.findall(re.escape(squeeze(text)) + r"\(page(\w+)\)", own)
        assert numbers, f"{source}: no page number printed after {text!r}"
        words = squeeze(target_words(html.outdir, target, label))
        for number in numbers:
            assert number in pages, f"{text!r}: page {number} does not exist"
            landed = pages[number]
            assert landed in chapter_pages(pdf.outdir, titles[target])
            assert words in squeeze(page_body(pdf.outdir, landed)), (
                f"{text!r} (page {number}) misses {words!r}"
            )
            checked += 1
    assert checked >= 8


# == The book: the index of names, projects and topics ===================================

#: A name as the index prints it, and how the text names it.
#: (In the PDF a linked name is followed by its URL's footnote mark, hence no
#: closing \b.)
PEOPLE = {
    "Peters, Tim": r"\bPeters(?![a-z])",
    "Cannon, Brett": r"\bBrett(?![a-z])",
    "Morehouse, Emily": r"\bMorehouse(?![a-z])",
    "Mertz, David": r"\bMertz(?![a-z])",
    "Lemburg, Marc-Andre": r"\bLemburg(?![a-z])",
    "Schlawack, Hynek": r"\bHynek(?![a-z])",  # the text gives only "Hynek"
    "Lord, David": r"\bDavid Lord(?![a-z])",
    "Zadka, Moshe": r"\bZadka(?![a-z])",
    "Ganssle, Paul": r"\bGanssle(?![a-z])",
    "Kehrer, Paul": r"\bKehrer(?![a-z])",
    "Kaplan-Moss, Jacob": r"\bKaplan-?Moss(?![a-z])|\bJacob(?![a-z])",
    "Pradyun": r"\bPradyun(?![a-z])",
}
PROJECTS = {
    name: rf"(?i)\b{re.escape(name)}\b" if name in {"DateType", "Fritter", "PyOxidizer", "keyring"}
    else rf"\b{re.escape(name)}\b"
    for name in ["Twisted", "Klein", "Treq", "Flask", "Django", "Sanic", "Briefcase", "PINPal",
                 "TokenRing", "Encrust", "Pomodouroboros", "DateType", "Automat", "Secretly",
                 "Fritter", "QuickMacApp", "QuickMacHotkey", "VEnvDotApp", "MOPUp", "doc2dash",
                 "PyOxidizer", "Homebrew", "keyring", "Prio", "1Password"]
}  # fmt: skip
#: Main topics: the index entry and the chapters it must lead to.
TOPICS = {
    "packaging": {"no-executable-is-an-island", "what-would-you-say-you-do-here"},
    "telemetry": {"telemetry-is-not-your-enemy"},
    "codes of conduct": {"dispelling-information-asymmetry"},
    "management": {"incompetent-but-nice"},
    "code signing": {"no-executable-is-an-island", "what-would-you-say-you-do-here"},
    "neurodivergence": {"dispelling-information-asymmetry"},
}
NAMES = {**PEOPLE, **PROJECTS}


@cache
def html_index(html_root: Path) -> dict[str, set[str]]:
    """Each entry of genindex.html (sub-entries as "entry; sub") -> the pages
    it links."""
    soup = soup_of(html_root / "genindex.html")

    def name(li: Tag) -> str:
        return li.select_one(":scope > .book-index-name").get_text(strip=True)

    out: dict[str, set[str]] = {}
    for li in soup.select("ul.book-index li"):
        parent = li.find_parent("li")
        key = name(li) if parent is None else f"{name(parent)}; {name(li)}"
        links = li.find_all("a", recursive=False)
        out.setdefault(key, set()).update(unquote(a["href"]).partition("#")[0] for a in links)
    return out


@cache
def authors_texts(html_root: Path) -> dict[str, str]:
    """Each chapter's author text (slug -> text), as the web edition has it."""
    return {
        chapter.slug: author_text(
            soup_of(chapter_page(html_root, chapter, ".html")).select_one("article[role=main]")
        )
        for chapter in CHAPTERS
    }


def chapters_naming(html_root: Path, pattern: str) -> set[str]:
    return {slug for slug, text in authors_texts(html_root).items() if re.search(pattern, text)}


#: Entries whose words the index's one pass must match as the words one after
#: the other would: "Python" and "Python Software Foundation" (the longer
#: first), case ignored beside case kept (so "P" and "p" share a group), a
#: first character beyond ASCII, one that Python takes for another ("ſ", "s").
TRICKY_INDEX = """
["Python"]
words = ['Python']
["Python Software Foundation"]
words = ['Python Software Foundation', 'PSF']
["PEP"]
words = ['PEPs?']
ignore_case = true
["PEP 8"]
words = ['PEP 8']
["Langa, Łukasz"]
words = ['Łukasz']
["stuff"]
words = ['stuff']
ignore_case = true
"""
TRICKY_TEXT = (
    "Python, the Python Software Foundation (PSF), python; pep 8, PEP 8 and PEPs. "
    "ŁUKASZ, Łukasz; STUFF and ſtuff; Pythonic, unPython."
)


def one_after_the_other(entries: list[indexing.Entry]) -> re.Pattern:
    """Every entry's words tried one after the other, the longest first, where
    a word begins."""
    flags = re.IGNORECASE if any(e.words.flags & re.IGNORECASE for e in entries) else 0
    words = indexing.longest_first([w for e in entries for w in e.alternatives])
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", flags)


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@pytest.mark.parametrize(
    "also", ["", "[\"PyPI\"]\nwords = ['(?:Py)?PI']\n"], ids=["grouped", "not"]
)
def test_the_index_one_pass_matches_as_the_words_one_after_the_other(also, tmp_path):
    """book.indexing groups the words by their first character (or, where one
    does not begin with a plain character, leaves them one after the other):
    either way the same matches, where the same words would match."""
    data = tmp_path / "index.toml"
    data.write_text(TRICKY_INDEX + also, encoding="utf-8")
    entries = list(indexing._parse(data, set()).entries)
    found = spans(indexing._one_pass(entries), TRICKY_TEXT)
    assert found == spans(one_after_the_other(entries), TRICKY_TEXT)
    matched = [TRICKY_TEXT[a:b] for a, b in found]
    assert "Python Software Foundation" in matched, matched
    assert {"python", "PEPs", "ŁUKASZ", "Łukasz", "STUFF", "ſtuff"} <= set(matched)
    assert "Pythonic" not in matched and "unPython" not in matched


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_the_index_one_pass_matches_the_books_words_as_one_after_the_other(chapter):
    index = indexing._parse(ROOT / "docs" / "book-index.toml", {c.slug for c in CHAPTERS})
    entries = [
        e for e in index.entries
        if e.words is not None and (e.chapters is None or chapter.slug in e.chapters)
    ]  # fmt: skip
    text = (ROOT / "sources" / chapter.source).read_text(encoding="utf-8")
    found = spans(indexing._one_pass(entries), text)
    assert found == spans(one_after_the_other(entries), text)
    assert found, "no index word in the whole text"


@pytest.mark.parametrize("name", NAMES)
def test_html_index_leads_to_every_chapter_naming(name, html):
    index = html_index(html.outdir)
    assert name in index, f"genindex.html has no entry {name!r}"
    linked = {Path(p).stem for p in index[name] if p.startswith("essays/")}
    expected = chapters_naming(html.outdir, NAMES[name])
    assert expected, f"no chapter names {name!r}: the pattern is wrong"
    assert expected <= linked, f"{name}: the index misses {sorted(expected - linked)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_html_index_has_the_main_topics(topic, html):
    index = html_index(html.outdir)
    linked = {
        Path(p).stem
        for key, pages in index.items()
        if key == topic or key.startswith(f"{topic}; ")
        for p in pages
        if p.startswith("essays/")
    }
    assert TOPICS[topic] <= linked, f"{topic}: the index misses {sorted(TOPICS[topic] - linked)}"


@cache
def pdf_index(pdf: Path) -> str:
    """The text of the printed index, its lines joined."""
    start = [p for depth, title, p in outline(pdf) if depth == 0 and title == "Index"]
    assert start, "the PDF has no Index"
    pages = range(start[0], len(page_texts(pdf)))
    return " ".join(" ".join(body_text(page_texts(pdf)[p]) for p in pages).split())


def index_pages(pdf: Path, entry: str) -> list[str]:
    """The page numbers the printed index gives for an entry (ranges expanded)."""
    # TeX may break an entry across lines, with or without a hyphen.
    name = r"(?:-?\s)?".join(re.escape(ch) if not ch.isspace() else r"\s*" for ch in entry)
    number = r"\d+(?:\s*[–-]\s*\d+)?"
    match = re.search(rf"(?<![\w-]){name},\s*({number}(?:,\s*{number})*)", pdf_index(pdf))
    assert match, f"the printed index has no entry {entry!r} with page numbers"
    pages = []
    for part in match.group(1).split(","):
        if not part.strip():
            continue
        first, _, last = part.strip().replace("–", "-").partition("-")
        start = int(first)
        end = int(last) if last.strip() else start
        assert start <= end, f"{entry}: range {part!r}"
        pages += [str(n) for n in range(start, end + 1)]
    return pages


def test_pdf_index_and_glossary_exist(pdf):
    require("pdftotext")
    titles = [title for depth, title, _ in outline(pdf.outdir) if depth == 0]
    assert "Glossary" in titles and "Index" in titles
    assert titles.index("Index") == len(titles) - 1, "the index is not the book's last part"


@cache
def inline_code(html_root: Path, slug: str) -> tuple[str, ...]:
    """The chapter's inline code that names one of NAMES (a command such as
    `./doc2dash` is not a mention the index can mark: a role cannot stand in
    code)."""
    main = soup_of(html_root / "essays" / f"{slug}.html").select_one("article[role=main]")
    codes = {c.get_text() for c in main.select("code") if c.find_parent("pre") is None}
    return tuple(c for c in codes if any(re.search(p, c) for p in NAMES.values()))


def without_code(text: str, codes: tuple[str, ...]) -> str:
    for code in codes:
        # TeX may break code across lines, with or without a hyphen.
        flexible = r"[\s-]*".join(re.escape(ch) for ch in code if not ch.isspace())
        text = re.sub(flexible, " ", text)
    return text


@pytest.mark.parametrize("name", NAMES)
def test_pdf_index_lists_every_page_naming(name, pdf, html):
    """From a name to every page of the essays that mentions it (in the
    running text and the notes; not inside inline code)."""
    require("pdftotext")
    pages = printed_pages(pdf.outdir)
    listed = index_pages(pdf.outdir, name)
    assert all(p in pages for p in listed), f"{name}: the index prints {listed}: no such pages"
    labels = PdfReader(pdf.outdir).page_labels
    naming = []
    for chapter in CHAPTERS:
        codes = inline_code(html.outdir, chapter.slug)
        for page in chapter_pages(pdf.outdir, chapter.title):
            if re.search(NAMES[name], without_code(page_body(pdf.outdir, page), codes)):
                naming.append(labels[page])
    missing = [p for p in naming if p not in listed]
    assert not missing, f"{name}: pages {missing} name it; the index gives {listed}"
    # And it leads nowhere else than the essays (and, for a term, the glossary).
    parts = [t for depth, t, _ in outline(pdf.outdir) if depth == 0]
    parts = [t for t in parts if t in {c.title for c in CHAPTERS} | {"Glossary"}]
    allowed = {labels[p] for title in parts for p in chapter_pages(pdf.outdir, title)}
    assert set(listed) <= allowed, f"{name}: the index gives pages outside the essays: {listed}"


@pytest.mark.parametrize("topic", TOPICS)
def test_pdf_index_has_the_main_topics(topic, pdf):
    require("pdftotext")
    listed = index_pages(pdf.outdir, topic)
    by_label = printed_pages(pdf.outdir)
    chapters = {
        c.slug
        for c in CHAPTERS
        for p in listed
        if by_label[p] in chapter_pages(pdf.outdir, c.title)
    }
    assert TOPICS[topic] <= chapters


def test_pdf_glossary_prints_the_page_of_each_use(pdf, html):
    """Every definition's "Used in" gives, for each chapter, the page of the
    term's first use there."""
    require("pdftotext")
    start = next(p for d, t, p in outline(pdf.outdir) if d == 0 and t == "Glossary")
    end = next(p for d, t, p in outline(pdf.outdir) if d == 0 and p > start)
    lines = [
        line.strip() for p in range(start, end) for line in page_body(pdf.outdir, p).splitlines()
    ]
    terms = list(glossary_entries(html.outdir))
    concordance = used_in(html.outdir / "glossary.html")
    by_label = printed_pages(pdf.outdir)
    titles = {c.docname: c.title for c in CHAPTERS}
    heads = [lines.index(term) for term in terms]
    assert heads == sorted(heads), "the PDF glossary is not in the web edition's order"
    for term, head, nxt in zip(terms, heads, [*heads[1:], len(lines)], strict=True):
        entry = " ".join(lines[head + 1 : nxt])
        numbers = re.findall(r"\(page (\w+)\)", entry.split("Used in:")[-1])
        chapters = [unquote(h).partition(".html")[0] for _, h in concordance[term]]
        assert len(numbers) == len(chapters), f"{term}: {entry}"
        for number, docname in zip(numbers, chapters, strict=True):
            page = by_label[number]
            assert page in chapter_pages(pdf.outdir, titles[docname]), f"{term}: page {number}"
            assert re.search(TERM_FORMS[term], page_body(pdf.outdir, page)), (
                f"{term}: page {number} does not show it"
            )


def test_epub_has_its_index(epub):
    """The ePub's index (valid XHTML: EPUBCheck reads it with the rest) is in
    its contents and reading order, and every entry leads to its chapters."""
    package = BeautifulSoup((epub.outdir / "content.opf").read_bytes(), "xml")
    (item,) = package.select('manifest item[href="genindex.xhtml"]')
    spine = [ref["idref"] for ref in package.select("spine itemref")]
    assert spine.count(item["id"]) == 1, "the index is not once in the reading order"
    assert spine[-1] == item["id"], "the index is not the last of the reading order"
    nav = soup_of(epub.outdir / "nav.xhtml")
    assert [a["href"] for a in nav.select("nav[role=doc-toc] a") if "genindex" in a["href"]] == [
        "genindex.xhtml"
    ]
    index = soup_of(epub.outdir / "genindex.xhtml")
    entries = index.select("ul.book-index li")
    assert len(entries) >= 100
    titles = {c.title for c in CHAPTERS} | {"Glossary"}
    for entry in entries:
        for a in entry.find_all("a", recursive=False):
            assert a.get_text(strip=True) in titles, a
            path, _, anchor = a["href"].partition("#")
            assert soup_of(epub.outdir / path).find(id=anchor) is not None, a["href"]


def test_html_index_is_in_the_contents_and_labelled_by_chapter(html):
    page = soup_of(html.outdir / "index.html")
    back = [a["href"] for a in page.select(".sidebar-tree a")]
    assert back[-1] == "genindex.html", "the index is not the last of the back matter"
    index = soup_of(html.outdir / "genindex.html")
    labels = {a.get_text(strip=True) for a in index.select("ul.book-index a")}
    assert labels <= {c.title for c in CHAPTERS} | {"Glossary"}
    assert not re.search(r"\[\d+\]", index.select_one("article").get_text()), "[1], [2] links"


def test_html_general_index_is_written(html):
    """The web edition's index is Sphinx's general index, genindex.html."""
    assert len(html_index(html.outdir)) >= 100
