"""Opening the web edition's pages in Chromium: a server for a built site,
and every page's visit in every mode, run as a process of its own.

    python tests/visit_pages.py '{"site": …, "pages": […], "modes": […],
                                  "first_mode": …, "axe": …,
                                  "screens": […], "shots": …}'

prints, as JSON, for each page and mode what axe found, the requests to
other hosts, the console errors, the failed requests, what the page's
Content-Security-Policy refused, how far it scrolls sideways and its
background; for the pages in ``screens``, screenshots (the screen and the
whole page, into the folder ``shots``). test_web's `page_visits` runs it
beside the other tests: its own process, so that its work never waits on
theirs for Python's lock. There is one browser context for each size (its
cache shared, as a reader's browser has it), with two pages loading at a
time; each page is loaded once and checked in light and in dark. Only when
every page of a size has been checked are its scripts tried (the theme
button, a preview): furo keeps the theme a click chooses for the next pages,
and it must reach no page's checks.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
#: How long a wait for what must happen may take (ms): a pass returns at once,
#: and a machine busy with the rest of the suite may be slow to get there.
SOON = 10_000
#: Pages open at once, at each size.
AT_ONCE = 2
#: Where the test server serves axe-core, beside the site.
AXE_URL = "/__axe-core__/axe.min.js"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder. ``prefix`` mounts it below a path, as Read the Docs
    serves /en/latest/; ``not_found`` is the page served, with status 404,
    for any missing address (as Read the Docs serves a project's 404.html)."""

    prefix = ""
    not_found: Path | None = None
    #: address -> a file served there, beside the site (the test's own tools).
    extra: ClassVar[dict[str, Path]] = {}

    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        path = urlsplit(path).path
        if path in self.extra:
            return str(self.extra[path])
        if self.prefix:
            if not path.startswith(self.prefix):
                return str(Path(self.directory) / "__missing__")
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def send_error(self, code, message=None, explain=None):
        if code == 404 and self.not_found is not None:
            body = self.not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve(
    directory: Path,
    port: int = 0,
    prefix: str = "",
    not_found: Path | None = None,
    extra: dict[str, Path] | None = None,
):
    handler = type(
        "Handler",
        (QuietHandler,),
        {"prefix": prefix, "not_found": not_found, "extra": extra or {}},
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


#: axe's run, in the page: the violations, each with its first three places
#: (axe details only the violations: what passed is not looked at again).
AXE_RUN = """async (tags) => {
    const result = await axe.run(
        document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(
            (n) => n.target.join(" ") + "  " + n.html.slice(0, 160)),
    }));
}"""

#: Records every refusal of the page's Content-Security-Policy, from the start.
RECORD_REFUSALS = """
  window.bookRefused = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.bookRefused.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`));
"""


#: What the page shows in a mode: how far it scrolls sideways, its background.
SCREEN = """() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    background: getComputedStyle(document.body).backgroundColor,
})"""


@dataclass
class Open:
    """A page being visited: what it has done so far."""

    page: Any  # playwright's Page
    name: str
    requests: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    violations: dict = field(default_factory=dict)
    screens: dict = field(default_factory=dict)


async def check(context, site: str, page_name: str, modes: list, shots: str | None) -> Open:
    """One page at one size, loaded once and checked in each of ``modes``
    (its colour schemes: the browser switches the page's scheme in place,
    as a reader's system does). With ``shots`` (a folder), the page as a
    reader sees it in each mode, photographed. The page stays open."""
    visit = Open(await context.new_page(), page_name)
    page = visit.page
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed.append(r.url))
    page.on(
        "response",
        lambda r: visit.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    response = await page.goto(site + page_name, wait_until="load")
    assert response.status == 200, f"{page_name}: HTTP {response.status}"
    # From the site's own host, which the page's Content-Security-Policy
    # allows (an inline script it would rightly refuse); the browser keeps
    # it compiled from one page to the next.
    await page.add_script_tag(url=AXE_URL)
    if shots:
        await page.evaluate("document.fonts.ready.then(() => null)")
    for name, _width, _height, scheme in modes:
        await page.emulate_media(color_scheme=scheme)
        if shots:
            stem = f"{Path(page_name).stem}-{name}"
            await page.screenshot(path=Path(shots) / f"{stem}.png")
            await page.screenshot(path=Path(shots) / f"{stem}-full.png", full_page=True)
        visit.screens[name] = await page.evaluate(SCREEN)
        visit.violations[name] = await page.evaluate(AXE_RUN, AXE_TAGS)
    return visit


async def finish(visit: Open, interact: bool) -> dict:
    """The rest of a page's visit: with ``interact``, what its scripts do when
    read (the theme button, a preview); then what its policy refused. Mode
    name -> what was found."""
    page = visit.page
    if interact:
        await page.locator(".theme-toggle:visible").first.click(timeout=SOON)
        links = page.locator("article a.footnote-reference, article a.term-link")
        if await links.count():
            await links.first.hover()
            await page.locator("#book-preview").wait_for(state="visible", timeout=SOON)
    refused = await page.evaluate("window.bookRefused")
    policy = await page.evaluate(
        """() => document.querySelector(
            'meta[http-equiv="Content-Security-Policy"]')?.content || "" """
    )
    await page.close()
    foreign = [
        url
        for url in visit.requests
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    return {
        name: {
            "violations": found,
            "foreign": foreign,
            "console_errors": visit.errors,
            "failed": visit.failed,
            "refused": refused,
            "policy": policy,
            "screen": visit.screens[name],
        }
        for name, found in visit.violations.items()
    }


async def visit_all(spec: dict) -> list[dict]:
    from playwright.async_api import async_playwright

    server = serve(Path(spec["site"]), extra={AXE_URL: Path(spec["axe"])})
    site = f"http://127.0.0.1:{server.server_port}/"
    sizes: dict[tuple[int, int], list] = {}
    for mode in spec["modes"]:
        sizes.setdefault((mode[1], mode[2]), []).append(mode)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            async def at_size(modes: list) -> list[dict]:
                """Every page at one size, in one browser context, AT_ONCE at a
                time; then, every page checked, what their scripts do."""
                _name, width, height, scheme = modes[0]
                context = await browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                await context.add_init_script(RECORD_REFUSALS)
                at_once = asyncio.Semaphore(AT_ONCE)
                interact = any(m[0] == spec["first_mode"] for m in modes)

                async def one(page_name: str) -> Open:
                    shots = spec["shots"] if page_name in spec["screens"] else None
                    async with at_once:
                        return await check(context, site, page_name, modes, shots)

                checked = await asyncio.gather(*(one(p) for p in spec["pages"]))
                # Only then the theme button: furo keeps the theme a click
                # chooses for the next pages of the context, and a page that
                # loaded after a click would be checked in it, not in the mode's.
                done = await asyncio.gather(*(finish(v, interact) for v in checked))
                await context.close()
                return [
                    {"page": visit.name, "mode": mode, "visit": found}
                    for visit, by_mode in zip(checked, done, strict=True)
                    for mode, found in by_mode.items()
                ]

            found = await asyncio.gather(*(at_size(modes) for modes in sizes.values()))
            await browser.close()
            return [v for group in found for v in group]
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(visit_all(json.loads(sys.argv[1])))))
