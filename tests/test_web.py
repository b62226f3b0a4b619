"""The web edition as readers meet it, proven in a real browser.

Every page of the built site is served from 127.0.0.1 and opened in Debian's
Chromium (Python playwright), at phone and desktop widths, in light and dark
mode, and must pass:

* axe-core (WCAG 2.2 A/AA and best practices): no violation;
* the Nu HTML Checker (vnu.jar): no error;
* no request to any host but its own, no console error, no failed request.

Then what a reader gets: each chapter's opening (title, byline with its
length, lede), the typography, the editor's notes set apart, the footnote
and glossary previews (mouse, keyboard, screen reader, and without
JavaScript), the downloads, the link-preview metadata and social cards, the
sitemap, canonical addresses and the 404 page as Read the Docs serves them.
Screenshots of the front page and the longest essay are written to
``_build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import background
import pytest
from background import early
from bs4 import BeautifulSoup
from conftest import (
    CHAPTERS,
    QUICK_JAVA,
    ROOT,
    RTD_PATH,
    Build,
    Chapter,
    build_book,
    copy_book,
    make,
    require,
    soup_of,
    sphinxopts,
)
from fidelity import author_text
from pdf_reader import pdftotext
from visit_pages import AXE_RUN, AXE_TAGS, SOON, serve

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WPM = 238  # conf.py's reading_time_wpm (the extension's default)

by_slug = pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)


def _pages() -> list[str]:
    """Every page the web edition has: one per source document, plus the
    pages Sphinx and our extensions write (index, search, 404)."""
    docs = ROOT / "docs"
    sources = [
        p.relative_to(docs).with_suffix(".html").as_posix()
        for p in docs.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(docs).parts)
    ]
    return sorted([*sources, "genindex.html", "search.html", "404.html"])


PAGES = _pages()
LONGEST = max(CHAPTERS, key=lambda c: len((ROOT / "sources" / c.source).read_text().split()))


@dataclass(frozen=True)
class Mode:
    name: str
    width: int
    height: int
    scheme: str


MODES = [
    Mode("desktop-light", 1280, 900, "light"),
    Mode("desktop-dark", 1280, 900, "dark"),
    Mode("phone-light", 390, 844, "light"),
    Mode("phone-dark", 390, 844, "dark"),
]
by_mode = pytest.mark.parametrize("mode", MODES, ids=lambda m: m.name)
by_page = pytest.mark.parametrize("page", PAGES)


# -- Serving the site and driving the browser ------------------------------------------


@pytest.fixture(scope="module")
def site(html: Build) -> Iterator[str]:
    """The built web edition at http://127.0.0.1:<port>/."""
    server = serve(html.outdir)
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def new_page(browser, mode: Mode = MODES[0], **options):
    context = browser.new_context(
        viewport={"width": mode.width, "height": mode.height},
        color_scheme=mode.scheme,
        **options,
    )
    return context.new_page()


def open_page(tab, url: str) -> None:
    """Open a page as a reader has it: loaded (its stylesheets, scripts and
    images: the load event) and its fonts ready. Not "networkidle", which
    waits half a second more for requests: the book's pages make none after
    they load (the 404 tests, which check every request a page makes, still
    wait for it)."""
    tab.goto(url, wait_until="load")
    tab.evaluate("document.fonts.ready.then(() => null)")


def run_axe(page) -> list[dict]:
    # Evaluated by the browser's tools, not added as a <script>: the page's
    # Content-Security-Policy rightly refuses an inline script it has no hash for.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN, AXE_TAGS)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


@dataclass
class Visit:
    violations: list[dict]
    foreign: list[str]
    console_errors: list[str]
    failed: list[str]
    #: What the page's Content-Security-Policy refused, and the policy.
    refused: list[str]
    policy: str
    #: How far the page scrolls sideways, and its background.
    screen: dict


@early
def page_visits(where: Path) -> dict[tuple[str, str], Visit]:
    """Each page in each mode, opened once in Chromium, beside the other
    tests (visit_pages.py, in a process of its own): what axe found, every
    request to another host, every console error, every failed request,
    every refusal of the page's Content-Security-Policy."""
    require("chromium")
    build = background.result("editions")
    spec = {
        "site": str(build.outdir / "html"),
        "pages": PAGES,
        "modes": [[m.name, m.width, m.height, m.scheme] for m in MODES],
        "first_mode": MODES[0].name,
        "axe": str(AXE),
        "screens": SCREENS,
        "shots": str(SHOTS),
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("visit_pages.py")), json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    return {(v["page"], v["mode"]): Visit(**v["visit"]) for v in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def visits(page_visits):
    return lambda page_name, mode: page_visits[(page_name, mode.name)]


# -- Gates on every page ---------------------------------------------------------------


def test_every_page_of_the_site_is_checked(html):
    built = sorted(
        p.relative_to(html.outdir).as_posix()
        for p in html.outdir.rglob("*.html")
        if not p.relative_to(html.outdir).parts[0].startswith(("_", "downloads"))
    )
    assert built == PAGES


def lightness(colour: str) -> float:
    """The lightness of a CSS rgb() colour, 0 to 255."""
    return sum(int(n) for n in re.findall(r"\d+", colour)[:3]) / 3


def in_its_scheme(mode: Mode, colour: str) -> bool:
    return lightness(colour) > 200 if mode.scheme == "light" else lightness(colour) < 60


@by_page
@by_mode
def test_axe_finds_no_violation(page, mode, visits):
    visit = visits(page, mode)
    background = visit.screen["background"]
    assert in_its_scheme(mode, background), f"{page} was checked in {background}, not {mode.name}"
    assert not visit.violations, f"{page} ({mode.name}):\n{describe(visit.violations)}"


@by_page
@by_mode
def test_no_request_leaves_the_host_and_nothing_fails(page, mode, visits):
    visit = visits(page, mode)
    assert not visit.foreign, f"{page}: requests to other hosts: {visit.foreign}"
    assert not visit.failed, f"{page}: failed requests: {visit.failed}"
    assert not visit.console_errors, f"{page}: console errors: {visit.console_errors}"


@by_page
@by_mode
def test_the_content_security_policy_refuses_nothing(page, mode, visits):
    """Every page carries a strict policy (nothing from another host, no
    inline code but furo's, by hash), and nothing on it is refused."""
    visit = visits(page, mode)
    assert visit.policy.startswith("default-src 'self'; script-src 'self'"), visit.policy
    assert "unsafe-inline" not in visit.policy and "unsafe-eval" not in visit.policy
    assert not visit.refused, f"{page} ({mode.name}): refused {visit.refused}"


@early
def vnu_messages(where: Path) -> dict[str, list[dict]]:
    """The Nu HTML Checker's errors on every page, by page (beside the other tests)."""
    java = require("java")
    outdir = background.result("editions").outdir / "html"
    files = [str(outdir / page) for page in PAGES]
    result = subprocess.run(
        [java, *QUICK_JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    by_file: dict[str, list[dict]] = {page: [] for page in PAGES}
    for message in messages:
        path = Path(unquote(urlsplit(message["url"]).path))
        by_file[path.relative_to(outdir).as_posix()].append(message)
    assert result.returncode == (1 if messages else 0), result.stderr[-2000:]
    return by_file


@by_page
def test_nu_html_checker_finds_no_error(page, vnu_messages):
    errors = [
        f"line {m.get('lastLine')}: {m['message']}  {m.get('extract', '')!r}"
        for m in vnu_messages[page]
    ]
    assert not errors, f"{page}:\n" + "\n".join(errors)


def test_pages_name_no_other_host_for_a_resource(html):
    """Beyond what one visit loads: no stylesheet, script, image, font or
    frame anywhere in the site comes from another host."""
    foreign = []
    for page in PAGES:
        soup = soup_of(html.outdir / page)
        for tag in soup.select("link[href], script[src], img[src], iframe, video, audio, source"):
            if tag.name == "link" and not set(tag.get("rel", [])) & {
                "stylesheet",
                "icon",
                "shortcut",
                "preload",
                "prefetch",
                "modulepreload",
                "manifest",
            }:
                continue  # canonical, next, prev: links, not requests
            url = tag.get("href") or tag.get("src") or ""
            if urlsplit(url).netloc:
                foreign.append(f"{page}: <{tag.name}> {url}")
    for css in (html.outdir / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if urlsplit(url).netloc:
                foreign.append(f"{css.name}: url({url})")
        if "@import" in css.read_text(encoding="utf-8"):
            foreign.append(f"{css.name}: @import")
    assert not foreign, "\n".join(foreign)


# -- Screenshots for a person to look at -----------------------------------------------


#: The pages photographed in every mode (during their visit, page_visits), and
#: where the pictures are kept after the run, for a person to look at.
SCREENS = ["index.html", f"{LONGEST.docname}.html"]
SHOTS = ROOT / "_build" / "screenshots"


@pytest.mark.parametrize("page", SCREENS)
@by_mode
def test_screenshot_fits_the_screen(page, mode, visits):
    """(That the page was in the mode's colours when photographed is
    test_axe_finds_no_violation's first check, on the same visit.)"""
    screen = visits(page, mode).screen
    for name in (f"{Path(page).stem}-{mode.name}.png", f"{Path(page).stem}-{mode.name}-full.png"):
        assert (SHOTS / name).stat().st_size > 10_000, name
    assert screen["overflow"] <= 0, (
        f"{page} scrolls sideways by {screen['overflow']}px at {mode.width}px"
    )


# -- Reading a chapter -----------------------------------------------------------------


@by_slug
def test_chapter_opens_with_title_byline_length_and_lede(chapter: Chapter, html):
    article = soup_of(html.outdir / f"{chapter.docname}.html").select_one("article[role=main]")
    section = article.find("section")
    title, byline, after = [child for child in section.children if getattr(child, "name", None)][:3]
    assert title.name == "h1"
    assert title.get_text().rstrip("¶") == chapter.title
    assert byline.name == "div" and "byline" in byline["class"]
    assert chapter.front_matter["author"] in byline.get_text()
    assert byline.select_one("p.reading-time.editorial"), "no length under the byline"
    # Glyph's essays open with his one-sentence summary; Tim Peters's has none.
    if "lede" in chapter.front_matter:
        assert after.name == "p" and "lede" in after["class"]
        assert " ".join(after.get_text().split()) == chapter.description


def _author_words(article) -> int:
    return len(re.findall(r"[^\W_]+(?:['’\-.][^\W_]+)*", author_text(article)))


@by_slug
def test_length_counts_the_authors_words_only(chapter: Chapter, html):
    article = soup_of(html.outdir / f"{chapter.docname}.html").select_one("article[role=main]")
    shown = article.select_one(".reading-time-words").get_text()
    words = int(re.match(r"([\d,]+) words$", shown).group(1).replace(",", ""))
    # Counted independently from what the page shows, without the editor's words.
    expected = _author_words(article)
    assert abs(words - expected) <= 0.01 * expected, (words, expected)
    received = len((ROOT / "sources" / chapter.source).read_text(encoding="utf-8").split())
    assert abs(words - received) <= 0.05 * received, (words, received)
    minutes = article.select_one(".reading-time-minutes").get_text()
    n = math.ceil(words / WPM)
    assert minutes == f"about {n} minute{'s' if n != 1 else ''}"


@pytest.mark.parametrize("mode", [MODES[0], MODES[3]], ids=lambda m: m.name)
def test_typography_for_long_prose(mode, browser, site):
    tab = new_page(browser, mode)
    open_page(tab, f"{site}{LONGEST.docname}.html")
    facts = tab.evaluate(
        """() => {
            const px = (el, p) => parseFloat(getComputedStyle(el)[p]);
            const p = document.querySelector("article[role=main] section > p:not(.lede)");
            const box = document.querySelector(".admonition.editor-note");
            const note = box.querySelector("p:not(.admonition-title)");
            const notes = document.querySelector("aside.footnote-list");
            return {
                measure: p.clientWidth / px(p, "fontSize"),
                leading: px(p, "lineHeight") / px(p, "fontSize"),
                size: px(p, "fontSize"),
                noteSize: px(notes, "fontSize"),
                proseFont: getComputedStyle(p).fontFamily,
                noteFont: getComputedStyle(note).fontFamily,
                proseColor: getComputedStyle(p).color,
                noteColor: getComputedStyle(note).color,
                noteBorder: getComputedStyle(box).borderLeftWidth,
            };
        }"""
    )
    tab.context.close()
    assert facts["size"] >= 16
    assert 1.5 <= facts["leading"] <= 1.8
    # 30-42 em: about 60-80 characters a line on a desk; the screen's width on a phone.
    if mode.width > 1000:
        assert 30 <= facts["measure"] <= 42, facts
    assert facts["noteSize"] >= 14
    # The editor's notes are set apart from the authors' words.
    assert facts["noteFont"] != facts["proseFont"]
    assert facts["noteColor"] != facts["proseColor"]
    assert float(facts["noteBorder"].rstrip("px")) > 0


# -- Footnote and glossary previews ----------------------------------------------------


FOOTNOTE_PAGE = "essays/incompetent-but-nice.html"
TERM_PAGE = "essays/dispelling-information-asymmetry.html"
PREVIEWS_JS = (ROOT / "extensions/book/web/static/previews.js").read_text(encoding="utf-8")
#: previews.js's delays (ms): before a preview shows, and before it hides
#: once the pointer has left (a wait just past one proves the script waited).
SHOW_DELAY, HIDE_DELAY = (
    int(re.search(rf"const {name} = (\d+);", PREVIEWS_JS).group(1))
    for name in ("SHOW_DELAY", "HIDE_DELAY")
)


def _note_text(html: Build, page: str, href: str) -> str:
    note = copy.copy(soup_of(html.outdir / page).find(id=href.lstrip("#")))
    note.select_one("span.label").decompose()
    return _squash(note.get_text(" "))


def _definition(html: Build, term_id: str) -> str:
    dt = soup_of(html.outdir / "glossary.html").find(id=term_id)
    return _squash(dt.find_next_sibling("dd").get_text(" "))


def _squash(text: str) -> str:
    """Text as compared: one space between words, none before punctuation."""
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))


def test_footnote_preview_on_hover_and_dismissed(browser, site, html):
    tab = new_page(browser)
    open_page(tab, site + FOOTNOTE_PAGE)
    marker = tab.locator("a.footnote-reference").first
    preview = tab.locator("#book-preview")
    expected = _note_text(html, FOOTNOTE_PAGE, marker.get_attribute("href"))

    marker.hover()
    preview.wait_for(state="visible", timeout=SOON)
    assert _squash(preview.inner_text()).startswith("Note 1")
    assert expected in _squash(preview.inner_text())
    assert marker.get_attribute("aria-describedby") == "book-preview"
    assert preview.get_attribute("role") == "tooltip"
    # It sits beside its marker, inside the page.
    box, at = preview.bounding_box(), marker.bounding_box()
    assert abs(box["y"] - (at["y"] + at["height"])) < 40 or box["y"] + box["height"] <= at["y"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280

    # The pointer can move onto the preview (to select or follow a link in it).
    preview.hover()
    tab.wait_for_timeout(HIDE_DELAY + 100)
    assert preview.is_visible()
    # Escape dismisses it without moving the pointer away.
    tab.keyboard.press("Escape")
    assert preview.is_hidden()
    assert marker.get_attribute("aria-describedby") is None
    # Moving away closes it after a moment.
    marker.hover()
    preview.wait_for(state="visible", timeout=SOON)
    tab.mouse.move(5, 5)
    preview.wait_for(state="hidden", timeout=SOON)
    tab.context.close()


def test_footnote_preview_by_keyboard(browser, site, html):
    tab = new_page(browser)
    open_page(tab, site + FOOTNOTE_PAGE)
    markers = tab.locator("a.footnote-reference")
    preview = tab.locator("#book-preview")
    # Tab through the page from the top, as a keyboard user would.
    for _ in range(200):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.classList.contains('footnote-reference')"):
            break
    else:
        pytest.fail("Tab never reaches a footnote marker")
    preview.wait_for(state="visible", timeout=SOON)
    expected = _note_text(html, FOOTNOTE_PAGE, markers.first.get_attribute("href"))
    assert expected in _squash(preview.inner_text())
    # Screen readers hear the note as the link's description.
    assert _squash(tab.evaluate("document.activeElement.getAttribute('aria-describedby')")) == (
        "book-preview"
    )
    tab.keyboard.press("Escape")
    assert preview.is_hidden()
    assert tab.evaluate("document.activeElement.classList.contains('footnote-reference')")
    # Enter still follows the link to the note.
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"location.hash === {markers.first.get_attribute('href')!r}")
    tab.context.close()


def test_glossary_term_preview_shows_the_definition(browser, site, html):
    tab = new_page(browser)
    requests = []
    tab.on("request", lambda r: requests.append(r.url))
    open_page(tab, site + TERM_PAGE)
    term = tab.locator('article a[href$="glossary.html#term-PSF"]').first
    preview = tab.locator("#book-preview")
    term.hover()
    preview.wait_for(state="visible", timeout=SOON)
    text = _squash(preview.inner_text())
    assert text.startswith("PSF")
    assert _definition(html, "term-PSF") in text
    # A second term comes from the same, already fetched, glossary.
    tab.keyboard.press("Escape")
    # A reader moving by keyboard (a Tab pressed) reaches the next term.
    tab.keyboard.press("Tab")
    other = tab.locator('article a[href$="glossary.html#term-CoC"]').first
    other.focus()
    preview.wait_for(state="visible", timeout=SOON)
    assert _definition(html, "term-CoC") in _squash(preview.inner_text())
    assert sum(url.split("#")[0].endswith("glossary.html") for url in requests) == 1
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in requests)
    # With the preview open the page still passes axe.
    violations = run_axe(tab)
    assert not violations, describe(violations)
    tab.context.close()


def test_without_javascript_markers_and_terms_are_plain_links(browser, site):
    tab = new_page(browser, java_script_enabled=False)
    tab.goto(site + FOOTNOTE_PAGE)
    marker = tab.locator("a.footnote-reference").first
    href = marker.get_attribute("href")
    marker.hover()
    tab.wait_for_timeout(SHOW_DELAY + 100)
    assert tab.locator(".book-preview").count() == 0
    marker.click()
    assert tab.url.endswith(href)
    assert tab.locator(href).is_visible()
    tab.goto(site + TERM_PAGE)
    tab.locator('article a[href$="glossary.html#term-PSF"]').first.click()
    assert tab.url.endswith("glossary.html#term-PSF")
    tab.context.close()


# -- Link previews: OpenGraph, Twitter cards, social cards -----------------------------


def _meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


@by_slug
def test_chapter_link_preview_metadata(chapter: Chapter, html):
    soup = soup_of(html.outdir / f"{chapter.docname}.html")
    fm = chapter.front_matter
    assert _meta(soup, "og:title") == chapter.title
    assert _meta(soup, "og:type") == "article"
    assert _meta(soup, "og:description") == chapter.description
    assert _meta(soup, "article:author") == fm["author"]
    assert _meta(soup, "article:published_time") == str(fm["date"])
    assert _meta(soup, "og:site_name")
    assert _meta(soup, "twitter:card") == "summary_large_image"


WITH_CONTENT = [p for p in PAGES if p not in ("genindex.html", "search.html", "404.html")]


@pytest.mark.parametrize("page", WITH_CONTENT)
def test_every_page_has_a_social_card(page, html):
    soup = soup_of(html.outdir / page)
    image = _meta(soup, "og:image")
    assert image, f"{page} has no og:image (is matplotlib installed?)"
    # Locally there is no canonical host: the address is from the book's root.
    path = html.outdir / image
    assert path.is_file(), image
    assert png_size(path) == (1200, 630)
    assert (_meta(soup, "og:image:width"), _meta(soup, "og:image:height")) == ("1200", "630")
    assert _meta(soup, "og:image:alt")
    assert _meta(soup, "twitter:card") == "summary_large_image"


def local_file(outdir: Path, page: str, href: str) -> Path:
    """The file a page's address leads to, in a site served from ``outdir``
    (the 404 page's addresses are absolute from the root: it is served at any
    depth)."""
    path = unquote(urlsplit(href).path)
    base = outdir if path.startswith("/") else (outdir / page).parent
    return (base / path.lstrip("/")).resolve()


def test_favicon_is_our_own(html):
    for page in PAGES:
        soup = soup_of(html.outdir / page)
        icon = soup.select_one('link[rel~="icon"]')
        assert icon is not None, page
        assert local_file(html.outdir, page, icon["href"]).is_file(), page


# -- Builds as Read the Docs and `make all` make them ----------------------------------


@pytest.fixture(scope="module")
def rtd(read_the_docs):
    """The web edition built as on Read the Docs (conftest.read_the_docs),
    served below /en/latest/ on the port its canonical address names, with
    404.html for every missing address, as Read the Docs serves it."""
    outdir = read_the_docs.output / "html"
    server = serve(outdir, read_the_docs.port, prefix=RTD_PATH, not_found=outdir / "404.html")
    try:
        yield Build(outdir, read_the_docs.log), read_the_docs.canonical
    finally:
        server.shutdown()
        server.server_close()


def test_rtd_canonical_addresses_and_sitemap(rtd):
    build, canonical = rtd
    sitemap = ET.parse(build.outdir / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [loc.text for loc in sitemap.findall("s:url/s:loc", ns)]
    indexed = [p for p in PAGES if p not in ("search.html", "404.html")]
    assert sorted(listed) == sorted(canonical + p for p in indexed)
    for page in indexed:
        soup = soup_of(build.outdir / page)
        assert soup.select_one('link[rel="canonical"]')["href"] == canonical + page
    robots = (build.outdir / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {canonical}sitemap.xml" in robots
    for page in ("search.html", "404.html"):
        assert soup_of(build.outdir / page).find("meta", attrs={"name": "robots"})["content"] == (
            "noindex"
        )


def test_rtd_link_preview_addresses_are_absolute(rtd):
    build, canonical = rtd
    soup = soup_of(build.outdir / f"{CHAPTERS[0].docname}.html")
    assert _meta(soup, "og:url") == f"{canonical}{CHAPTERS[0].docname}.html"
    image = _meta(soup, "og:image")
    assert image.startswith(canonical + "_images/"), image
    with urlopen(image) as response:  # 127.0.0.1: the server of this test
        assert response.status == 200
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"


def test_rtd_downloads_link_to_read_the_docs(rtd):
    build, canonical = rtd
    host = canonical[: -len(RTD_PATH)]
    for page in PAGES:
        soup = soup_of(build.outdir / page)
        blocks = soup.select(".book-downloads")
        assert len(blocks) == 2, f"{page}: downloads in the sidebar and the footer"
        for block in blocks:
            links = {a.get_text(strip=True): a["href"] for a in block.select("a")}
            assert links == {
                "ePub": f"{host}/_/downloads/en/latest/epub/",
                "PDF": f"{host}/_/downloads/en/latest/pdf/",
            }
    assert not (build.outdir / "downloads").exists()


def test_rtd_404_page_works_at_any_depth(rtd, browser):
    _build, canonical = rtd
    tab = new_page(browser, MODES[3])
    failed, foreign = [], []
    tab.on("requestfailed", lambda r: failed.append(r.url))
    tab.on("request", lambda r: urlsplit(r.url).hostname != "127.0.0.1" and foreign.append(r.url))
    tab.on(
        "response",
        lambda r: (
            r.status >= 400 and r.request.resource_type != "document" and failed.append(r.url)
        ),
    )
    response = tab.goto(canonical + "essays/no/such/page.html", wait_until="networkidle")
    assert response.status == 404
    assert tab.locator("h1").inner_text() == "Page not found"
    assert not failed and not foreign, (failed, foreign)
    # The book's look (furo's and our stylesheet loaded), and links that lead home.
    header = tab.evaluate("getComputedStyle(document.querySelector('.mobile-header')).display")
    assert header != "none"
    tab.locator("article a", has_text="contents").click()
    tab.wait_for_load_state()
    assert tab.url == canonical + "index.html"
    violations = run_axe(tab)
    assert not violations, describe(violations)
    tab.context.close()


def test_local_downloads_appear_once_the_files_are_built(tmp_path):
    """A web edition alone: no download link. With the ePub and the PDF built
    beside it (`make all`): every page links them, copied beside the HTML."""
    book = copy_book(tmp_path)
    builddir = tmp_path / "_build"

    def build_html() -> Path:
        built = build_book(book, "html", builddir / "html", doctrees=builddir / "doctrees")
        assert built.status == 0, built
        return built.outdir

    outdir = build_html()
    pages = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*.html"))
    for page in pages:
        assert not soup_of(outdir / page).select(".book-downloads"), page
    assert not (outdir / "downloads").exists()

    (builddir / "epub").mkdir()
    (builddir / "latex").mkdir()
    epub = builddir / "epub" / "six-essays-python-community.epub"
    pdf = builddir / "latex" / "six-essays-python-community.pdf"
    epub.write_bytes(b"PK\x03\x04 an ePub stands here")
    pdf.write_bytes(b"%PDF-1.7 a PDF stands here")
    outdir = build_html()  # the same build folder: an incremental build
    for page in pages:
        soup = soup_of(outdir / page)
        blocks = soup.select(".book-downloads")
        assert len(blocks) == 2, page
        for block in blocks:
            links = {a.get_text(strip=True): a for a in block.select("a")}
            assert set(links) == {"ePub", "PDF"}
            for a in links.values():
                assert local_file(outdir, page, a["href"]).is_file(), f"{page}: {a['href']}"
                assert a.has_attr("download")
    assert (outdir / "downloads" / epub.name).read_bytes() == epub.read_bytes()
    assert (outdir / "downloads" / pdf.name).read_bytes() == pdf.read_bytes()


def test_download_links_resolve_in_the_main_build(html):
    """Whatever the session built before the HTML, a download link never
    points at a file that is not there."""
    for page in PAGES:
        for a in soup_of(html.outdir / page).select(".book-downloads a"):
            assert local_file(html.outdir, page, a["href"]).is_file(), f"{page}: {a['href']}"


# -- The sidebar, rendered once per folder (book.web.navigation) ---------------------


@early
def furo_sidebars(where: Path) -> Path:
    """The web edition with furo rendering every page's sidebar itself."""
    flags = f"{' '.join(sphinxopts())} -D book_sidebar_once=0"
    return make("html", where, env={**os.environ, "SPHINXOPTS": flags}).outdir / "html"


def sidebar(page: Path) -> str:
    tree = soup_of(page).select_one(".sidebar-tree")
    return str(tree)


def test_every_page_has_the_sidebar_furo_renders_for_it(html, furo_sidebars):
    pages = sorted(p.relative_to(html.outdir) for p in html.outdir.rglob("*.html"))
    assert len(pages) > len(CHAPTERS)
    differ = [
        str(page) for page in pages if sidebar(html.outdir / page) != sidebar(furo_sidebars / page)
    ]
    assert not differ, f"the sidebar differs from furo's own in {differ}"
    # And each chapter's marks its own entry, once.
    for chapter in CHAPTERS:
        tree = sidebar(html.outdir / f"{chapter.docname}.html")
        assert tree.count("current-page") == 1, chapter.docname


# -- The web edition's parts on the fixture book ---------------------------------------


def test_fixture_words_counted_by_hand(fixture_html):
    byline = soup_of(fixture_html.outdir / "essays" / "third.html").select_one(".byline")
    # Title 2, lede 5, paragraph 6 (not the marker), the lost image's words 2
    # (not its label), "Don't single-file 3.11 — end" 4, the note 3; the
    # editor's note and the byline are the editor's.
    assert byline.select_one(".reading-time-words").get_text() == "22 words"
    assert byline.select_one(".reading-time-minutes").get_text() == "about 1 minute"
    assert "editorial" in byline.select_one(".reading-time")["class"]


def test_fixture_local_build_has_no_sitemap_downloads_or_base(fixture_html):
    out = fixture_html.outdir
    assert not (out / "sitemap.xml").exists()
    assert not (out / "robots.txt").exists()
    assert not soup_of(out / "index.html").select(".book-downloads")
    page = soup_of(out / "404.html")
    assert page.find("base") is None
    assert page.select_one("article h1").get_text() == "Page not found"
    assert page.select_one('link[rel="stylesheet"]')["href"].startswith("/_static/")
    # Pages with no summary of their own get the book's description.
    description = _meta(soup_of(out / "index.html"), "description")
    assert description and description.startswith("Six essays from the Python community")
    chapter = soup_of(out / "essays" / "second.html")
    assert _meta(chapter, "description") == "The editors’ summary of the second essay."
    assert _meta(chapter, "article:published_time") == "2024-09"
    assert _meta(chapter, "og:type") == "article"


def test_fixture_with_canonical_address(fixture_book, tmp_path):
    built = build_book(fixture_book, "html", tmp_path / "html", doctrees=tmp_path / "doctrees",
                       overrides={"html_baseurl": "https://example.org/book/"})  # fmt: skip
    assert built.status == 0, built
    out = built.outdir
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs == [
        f"https://example.org/book/{page}"
        for page in ["essays/first.html", "essays/second.html", "essays/third.html",
                     "genindex.html", "glossary.html", "index.html", "sources.html"]
    ]  # fmt: skip
    assert "Sitemap: https://example.org/book/sitemap.xml" in (out / "robots.txt").read_text()
    # The 404 page's addresses are absolute from the edition's root (the
    # canonical address's path), so that it works at any depth.
    page = soup_of(out / "404.html")
    addresses = [
        t.get("href") or t.get("src") for t in page.select("link[href], script[src], a[href]")
    ]
    local = [a for a in addresses if a and "://" not in a and not a.startswith("#")]
    assert local and all(a.startswith("/book/") for a in local), local


def test_fixture_downloads_from_the_build_folder(fixture_book, tmp_path):
    (tmp_path / "latex").mkdir()
    (tmp_path / "latex" / "six-essays-python-community.pdf").write_bytes(b"%PDF" + b"." * 1500)
    built = build_book(fixture_book, "html", tmp_path / "html", doctrees=tmp_path / "doctrees")
    assert built.status == 0, built
    block = soup_of(built.outdir / "essays" / "third.html").select_one("footer .book-downloads")
    (link,) = block.select("a")
    assert (
        link.get_text() == "PDF" and link["href"] == "../downloads/six-essays-python-community.pdf"
    )
    assert "(1.5 KB)" in block.get_text()
    assert (
        (built.outdir / "downloads" / "six-essays-python-community.pdf")
        .read_bytes()
        .startswith(b"%PDF")
    )


def test_read_the_docs_download_addresses():
    from book.web.downloads import rtd_downloads

    env = {
        "READTHEDOCS_CANONICAL_URL": "https://essays.example.org/fr/stable/",
        "READTHEDOCS_PROJECT": "essays",
        "READTHEDOCS_LANGUAGE": "fr",
        "READTHEDOCS_VERSION": "stable",
    }
    assert [d["url"] for d in rtd_downloads(env)] == [
        "https://essays.example.org/_/downloads/fr/stable/epub/",
        "https://essays.example.org/_/downloads/fr/stable/pdf/",
    ]
    del env["READTHEDOCS_CANONICAL_URL"]
    assert (
        rtd_downloads(env)[1]["url"] == "https://essays.readthedocs.io/_/downloads/fr/stable/pdf/"
    )


# -- The editor's voice, and the reader's way through -----------------------------------


@by_mode
def test_a_glossary_term_looks_like_no_authors_link(mode, browser, site):
    """The editor's link on the author's word: the text's colour, upright, a
    dotted underline; the author's own link (Tim Peters's "ban") stays a link."""
    tab = new_page(browser, mode)
    open_page(tab, site + TERM_PAGE)
    facts = tab.evaluate(
        """() => {
            const style = (el) => getComputedStyle(el);
            const term = document.querySelector("article a.term-link");
            const own = [...document.querySelectorAll("article a.reference.external")]
              .find((a) => !a.closest(".byline"));
            const text = style(term.closest("p, li"));
            return {
              term: [style(term).color, style(term).fontStyle, style(term).fontWeight,
                     style(term).textDecorationLine, style(term).textDecorationStyle,
                     style(term.firstElementChild).fontStyle],
              text: [text.color, text.fontWeight], own: style(own).color,
            };
        }"""
    )
    tab.context.close()
    colour, style, weight, line, dotted, inner = facts["term"]
    assert colour == facts["text"][0] != facts["own"], facts
    assert style == inner == "normal" and weight == facts["text"][1], facts
    assert line == "underline" and dotted == "dotted", facts


@by_slug
def test_see_also_comes_after_the_authors_last_word(chapter: Chapter, html):
    article = soup_of(html.outdir / f"{chapter.docname}.html").select_one("article[role=main]")
    notes = article.select(".admonition.editor-note")
    see_also = [n for n in notes if "see-also" in n["class"]]
    # Only the notes a reader needs where they stand (the lost tweet) stay there.
    assert all("see-also" in n["class"] or "not recovered" in n.get_text() for n in notes)
    if not see_also:
        return
    (block,) = see_also
    after = [el for el in block.find_all_next(["p", "li", "blockquote", "pre"])
             if not el.find_parent(class_="see-also") and not el.find_parent("aside")
             and el.find_parent("article") is article]  # fmt: skip
    assert not after, f"{chapter.slug}: the author's text goes on after 'See also': {after[:1]}"


def test_the_fritter_sub_list_is_lettered(browser, site, html):
    page = soup_of(html.outdir / "essays" / "what-would-you-say-you-do-here.html")
    (lettered,) = page.select("ol.loweralpha")
    items = [" ".join(li.get_text(" ").split()) for li in lettered.find_all("li", recursive=False)]
    assert [i.split()[:2] for i in items] == [["groups", "of"], ["scaling", "of"]]
    tab = new_page(browser)
    open_page(tab, site + "essays/what-would-you-say-you-do-here.html")
    style = tab.evaluate("getComputedStyle(document.querySelector('ol.loweralpha')).listStyleType")
    tab.context.close()
    assert style == "lower-alpha"


def test_a_printed_chapter_is_the_text_and_its_byline(browser, site, tmp_path):
    """Printed from the browser: no skip link, sidebar, downloads or theme
    credit; the byline kept; the address of an external link after it."""
    require("pdftotext")
    tab = new_page(browser)
    open_page(tab, site + TERM_PAGE)
    printed = tmp_path / "printed.pdf"
    tab.pdf(path=str(printed), format="A4")
    tab.context.close()
    text = pdftotext(printed, "-layout")
    words = " ".join(text.split())
    for chrome in ("Skip to content", "Made with", "Furo", "Download the book", "On this page"):
        assert chrome not in words, f"the printed page shows {chrome!r}"
    assert "Tim Peters · 29 September 2024" in words
    assert "discuss.python.org/t/three-month-suspension" in words.replace(" ", "")
    assert "Back to top" not in words


def test_the_404_page_works_at_any_depth_in_a_local_preview(browser, html):
    """Served from the root of a local server, as `python -m http.server`
    serves _build/html, with 404.html for every missing address."""
    server = serve(html.outdir, not_found=html.outdir / "404.html")
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        tab = new_page(browser, MODES[2])
        failed = []
        tab.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
               and failed.append(r.url))  # fmt: skip
        tab.on("requestfailed", lambda r: failed.append(r.url))
        response = tab.goto(base + "essays/x/y/missing.html", wait_until="networkidle")
        assert response.status == 404
        assert tab.locator("h1").inner_text() == "Page not found"
        assert not failed, failed
        assert tab.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
        tab.locator("article a", has_text="contents").click()
        tab.wait_for_load_state()
        assert tab.url == base + "index.html"
        tab.context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_search_finds_each_page_once_with_the_authors_words(browser, site):
    tab = new_page(browser)
    open_page(tab, site + "search.html?q=telemetry")
    results = tab.locator("#search-results ul.search li")
    results.first.wait_for(timeout=SOON)
    tab.wait_for_function("document.querySelector('#search-results p.search-summary') !== null")
    found = tab.evaluate(
        """() => [...document.querySelectorAll('#search-results ul.search li')].map((li) => ({
            href: li.querySelector('a').getAttribute('href'),
            summary: (li.querySelector('p.context') || {textContent: ''}).textContent,
        }))"""
    )
    tab.context.close()
    pages = [r["href"].split("#")[0].split("?")[0] for r in found]
    assert len(pages) == len(set(pages)), f"a page found more than once: {pages}"
    assert any("telemetry-is-not-your-enemy" in p for p in pages)
    for result in found:
        assert "Glyph Lefkowitz ·" not in result["summary"], result
        assert " words · about " not in result["summary"], result


def test_the_sources_stack_on_a_phone(browser, site):
    tab = new_page(browser, MODES[2])
    open_page(tab, site + "sources.html")
    boxes = tab.evaluate(
        """() => [...document.querySelectorAll('.book-source')].map((card) => {
             const box = card.getBoundingClientRect();
             return {left: box.left, right: box.right, top: box.top};
           })"""
    )
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    tab.context.close()
    assert len(boxes) == len(CHAPTERS)
    assert overflow <= 0
    assert len({round(b["left"]) for b in boxes}) == 1, "the cards are not one above the other"
    assert all(b["right"] <= 390 for b in boxes)


def test_a_date_never_breaks_at_its_hyphens(browser, site, html):
    page = soup_of(html.outdir / TERM_PAGE)
    assert [s.get_text() for s in page.select("span.nowrap")] == ["7-Aug-2024"]
    tab = new_page(browser, MODES[2])
    open_page(tab, site + TERM_PAGE)
    assert tab.evaluate("getComputedStyle(document.querySelector('span.nowrap')).whiteSpace") == (
        "nowrap"
    )
    tab.context.close()


def test_a_tapped_note_is_marked_and_its_way_back_opens_no_preview(browser, site):
    """On a phone: tap a note's number, the note is marked; tap its way back,
    the reader is back at the paragraph and no preview covers it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)  # fmt: skip
    tab = context.new_page()
    open_page(tab, site + FOOTNOTE_PAGE)
    marker = tab.locator("a.footnote-reference").first
    note_id = marker.get_attribute("href").lstrip("#")
    marker.tap()
    tab.wait_for_function(f"location.hash === '#{note_id}'")
    marked = tab.evaluate(
        f"""() => {{ const s = getComputedStyle(document.getElementById('{note_id}'));
                    return [s.backgroundColor, s.outlineStyle]; }}"""
    )
    assert marked[0] not in ("rgba(0, 0, 0, 0)", "transparent") or marked[1] != "none", marked
    back = tab.locator(f"#{note_id} a[role=doc-backlink]").first
    back.tap()
    tab.wait_for_timeout(SHOW_DELAY + 100)
    assert tab.locator("#book-preview").is_hidden(), "a preview covers the paragraph"
    context.close()


def test_the_glossary_entry_heads_are_bold(browser, site):
    tab = new_page(browser)
    open_page(tab, site + "glossary.html")
    weight = tab.evaluate("getComputedStyle(document.querySelector('dl.glossary > dt')).fontWeight")
    tab.context.close()
    assert int(weight) >= 600
