"""The book as a reader meets it: contents, bylines, links, notes and terms, in
the web edition, the ePub and the PDF."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from book.chapters import format_date
from conftest import CHAPTERS, SOURCES, Chapter, require, soup_of
from fidelity import first_loss_in_order, words
from pdf_reader import outline, page_texts

by_slug = pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)


# -- The builds -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "epub", "pdf"])
def test_build_emits_no_warning(fmt, request):
    build = request.getfixturevalue(fmt)
    warnings = [line for line in build.log.splitlines() if re.search(r"WARNING|ERROR", line)]
    assert not warnings, "\n".join(warnings)


def test_every_received_text_has_exactly_one_chapter():
    sources = sorted(p.name for p in SOURCES.glob("*.txt"))
    assert sorted(c.source for c in CHAPTERS) == sources


def _squash(text: str) -> str:
    return " ".join(text.split())


def _sources_rows(page) -> dict[str, tuple[str, ...]]:
    """The sources: essay title -> (author, date, original), read from the web
    edition's cards (title; "author · date"; "Original: …") or the ePub's list
    ("title, by author, first published date. Original: …")."""
    rows = {}
    for card in page.select(".book-source"):
        title = _squash(card.select_one(".sd-card-header, .sd-card-title").get_text(" "))
        byline, original = (_squash(p.get_text(" ")) for p in card.select(".sd-card-body > p"))
        author, _, date = byline.partition(" · ")
        rows[title] = (author, date, original.removeprefix("Original: "))
    for item in page.select("ul.book-sources > li"):
        title = _squash(item.select_one("a").get_text(" "))
        rest = _squash(item.get_text(" ")).removeprefix(title).removeprefix(" ,").strip(", ")
        match = re.fullmatch(r"by (.+?), first published (.+?)\. Original: (.+)", rest)
        assert match, f"a sources entry that does not read as one: {rest!r}"
        rows[title] = match.groups()
    return rows


@by_slug
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_the_front_matter_is_what_the_sources_page_states(chapter: Chapter, fmt, request):
    """The chapter's front matter is the one record of its facts: the sources
    page states them, the address only where it was verified."""
    build = request.getfixturevalue(fmt)
    suffix = ".html" if fmt == "html" else ".xhtml"
    rows = _sources_rows(soup_of(build.outdir / f"sources{suffix}"))
    fm = chapter.front_matter
    author, date, original = rows[chapter.title]
    assert author == fm["author"]
    assert date == format_date(str(fm["date"]))
    if "url" in fm and fm.get("url_verified", True):
        assert original == fm["url"]
    else:
        assert original.startswith("Not "), f"{chapter.title}: an unverified address is shown"


# -- Contents -----------------------------------------------------------------------


@by_slug
def test_chapter_in_html_contents(chapter: Chapter, html):
    """The front page lists every essay, as a card: its title, its author and
    date, what it is about; the navigation lists it too."""
    page = soup_of(html.outdir / "index.html")
    cards = {a["href"]: a.find_parent(class_="sd-card") for a in page.select(".book-chapter a")}
    card = cards.get(f"{chapter.docname}.html")
    assert card is not None, "the front page has no card for the chapter"
    text = _squash(card.get_text(" "))
    assert text.startswith(chapter.title)
    assert chapter.author in text and chapter.description in text
    nav = {a["href"]: a.get_text(" ", strip=True) for a in page.select(".sidebar-tree a")}
    assert nav.get(f"{chapter.docname}.html") == chapter.title


@by_slug
def test_chapter_in_epub_contents(chapter: Chapter, epub):
    nav = soup_of(epub.outdir / "nav.xhtml")
    entries = {a["href"]: a.get_text(" ", strip=True) for a in nav.select("nav a")}
    assert entries.get(f"{chapter.docname}.xhtml") == chapter.title


@by_slug
def test_chapter_in_pdf_outline_and_contents(chapter: Chapter, pdf):
    require("pdftotext")
    chapters = [title for depth, title, _ in outline(pdf.outdir) if depth == 0]
    assert chapter.title in chapters, "not in the PDF's bookmarks"
    (contents,) = [p for p in page_texts(pdf.outdir)[:8] if p.lstrip().startswith("Contents")]
    listed = words(contents)
    assert first_loss_in_order(words(chapter.title), listed) is None, "not in the printed contents"


# -- Bylines --------------------------------------------------------------------------


def _expected_byline(chapter: Chapter) -> list[str]:
    return [chapter.front_matter["author"], chapter.front_matter["site"]]


@by_slug
@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_byline_under_the_title(chapter: Chapter, fmt, request):
    build = request.getfixturevalue(fmt)
    path = (
        build.outdir / f"{chapter.docname}.html"
        if fmt == "html"
        else build.outdir / f"{chapter.docname}.xhtml"
    )
    heading = soup_of(path).select_one("section > h1")
    byline = heading.find_next_sibling()
    assert "byline" in byline.get("class", []), f"no byline under the title of {chapter.slug}"
    assert "editorial" in byline["class"]
    text = byline.get_text(" ", strip=True)
    for fact in _expected_byline(chapter):
        assert fact in text
    link = byline.select_one("a.byline-source")
    if "url" in chapter.front_matter and chapter.front_matter.get("url_verified", True):
        assert link is not None and link["href"] == chapter.front_matter["url"]
    else:
        assert link is None, "a byline links an unverified address"


@by_slug
def test_byline_in_pdf(chapter: Chapter, pdf):
    require("pdftotext")
    from pdf_reader import chapter_pages, text_of

    opening = " ".join(text_of(pdf.outdir, chapter_pages(pdf.outdir, chapter.title)).split())
    for fact in _expected_byline(chapter):
        assert fact in opening


@by_slug
def test_summary_is_the_page_description(chapter: Chapter, html):
    page = soup_of(html.outdir / f"{chapter.docname}.html")
    summary = chapter.description
    assert page.find("meta", attrs={"name": "description"})["content"] == summary
    assert page.find("meta", attrs={"property": "og:description"})["content"] == summary


# -- Links, notes and terms resolve --------------------------------------------------------


def _internal_targets(root, suffix):
    """Every (page, href) of an internal link in a build, and the ids per page."""
    ids, links = {}, []
    for page in root.rglob(f"*{suffix}"):
        soup = soup_of(page)
        ids[page.resolve()] = {tag["id"] for tag in soup.select("[id]")}
        for a in soup.select("a[href]"):
            href = a["href"]
            if not urlsplit(href).scheme and not href.startswith("mailto:"):
                links.append((page, href))
    return ids, links


@pytest.mark.parametrize("fmt", ["html", "epub"])
def test_internal_links_footnotes_and_terms_resolve(fmt, request):
    build = request.getfixturevalue(fmt)
    root, suffix = (build.outdir, ".html") if fmt == "html" else (build.outdir, ".xhtml")
    ids, links = _internal_targets(root, suffix)
    broken = []
    for page, href in links:
        path, _, fragment = href.partition("#")
        if path.startswith("/"):  # the 404 page's: absolute from the root (served at any depth)
            target = (root / unquote(path).lstrip("/")).resolve()
        else:
            target = (page.parent / unquote(path)).resolve() if path else page.resolve()
        if target.suffix != suffix:
            continue  # _static files, the ePub's images
        if target not in ids or (fragment and unquote(fragment) not in ids[target]):
            broken.append(f"{page.relative_to(root)} -> {href}")
    assert not broken, "\n".join(broken)
    assert len(links) > 50, "suspiciously few internal links"


@by_slug
def test_footnote_references_and_notes_pair_up(chapter: Chapter, html):
    soup = soup_of(html.outdir / f"{chapter.docname}.html")
    refs = soup.select("a.footnote-reference")
    notes = soup.select("aside.footnote")
    assert len(refs) == len(notes)
    for ref in refs:
        assert soup.find(id=ref["href"].lstrip("#")) in notes


def test_glossary_terms_in_tim_peters_chapter_link_to_the_glossary(html):
    page = soup_of(html.outdir / "essays" / "dispelling-information-asymmetry.html")
    terms = {a.get_text(strip=True) for a in page.select('a[href^="../glossary.html#term-"]')}
    expected = {
        "PSF",
        "CoC",
        "CoC WG",
        "SC",
        "CPython",
        "CPython core dev",
        "Discourse",
        "mod",
        "DM",
    }
    assert expected <= terms


def test_tim_peters_links_are_the_verified_ones(html):
    (essay,) = [c.front_matter for c in CHAPTERS if c.source.startswith("peters-")]
    page = soup_of(html.outdir / "essays" / "dispelling-information-asymmetry.html")
    article = page.select_one("article[role=main]")
    links = [
        (a.get_text(strip=True), a["href"])
        for a in article.select("a.reference.external")
        if "byline-source" not in a.get("class", [])
    ]
    assert sorted(links) == sorted((text, url) for text, url in essay["links"])


def test_glyph_essays_have_no_invented_links(html):
    for chapter in CHAPTERS:
        if chapter.front_matter["author"] != "Glyph Lefkowitz":
            continue
        article = soup_of(html.outdir / f"{chapter.docname}.html").select_one("article")
        external = [
            a["href"]
            for a in article.select("a.reference.external")
            if "byline-source" not in a.get("class", [])
        ]
        assert not external, f"{chapter.slug}: links not verified: {external}"


# -- The PDF as a printed book ------------------------------------------------------------


def test_pdf_opening_pages_show_no_release_and_no_build_date(pdf):
    require("pdftotext")
    opening = " ".join(page_texts(pdf.outdir)[:4])
    assert "Release" not in opening
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert not re.search(rf"\b({months}) \d{{1,2}}, 20\d\d\b", opening)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", opening)


def test_sources_and_rights_page_credits_every_original(html):
    page = soup_of(html.outdir / "sources.html")
    rows = _sources_rows(page)
    facts = {c.title: c.front_matter for c in CHAPTERS}
    assert len(rows) == len(CHAPTERS)
    for title, (author, _date, original) in rows.items():
        assert facts[title]["author"] == author
        if "url" in facts[title] and facts[title].get("url_verified", True):
            assert original == facts[title]["url"]
        else:
            assert original.startswith("Not "), f"{title}: an unverified address is shown"
    text = " ".join(page.select_one("article").get_text(" ").split())
    assert "The copyright in each essay stays with its author" in text


def test_the_received_texts_are_published_with_the_web_edition(html, epub, pdf):
    """The sources page links each received text, published byte for byte
    with its checksums; the ePub and the PDF say where they are."""
    page = soup_of(html.outdir / "sources.html")
    linked = {
        a["href"]: a.get_text(strip=True)
        for a in page.select("article a")
        if a.get("href", "").startswith("received/")
    }
    expected = {c.source for c in CHAPTERS} | {"SHA256SUMS"}
    assert {href.removeprefix("received/") for href in linked} == expected
    for name in expected:
        published = html.outdir / "received" / name
        assert published.read_bytes() == (SOURCES / name).read_bytes(), name
    assert sorted(p.name for p in (html.outdir / "received").iterdir()) == sorted(expected)
    ebook = " ".join(soup_of(epub.outdir / "sources.xhtml").get_text(" ").split())
    assert "They are published with the web edition" in ebook
    assert "received/" not in str(soup_of(epub.outdir / "sources.xhtml").select("a"))
    printed = " ".join(" ".join(page_texts(pdf.outdir)).split())
    assert "They are published with the web edition" in printed
