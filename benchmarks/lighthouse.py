"""Lighthouse on the web edition: the four scores and the bytes each page costs.

Usage (after `make html`)::

    .venv/bin/python benchmarks/lighthouse.py [HTML_DIR]    # default: _build/html

The built site is served from 127.0.0.1 on a free port; Lighthouse
(node_modules/.bin/lighthouse, from package-lock.json) runs Debian's Chromium
(CHROME_PATH=/usr/bin/chromium) on the front page, the longest essay, the
glossary and the index, as a phone (Lighthouse's default: a mid-range phone on
a slow 4G network, simulated) and as a desktop (its desktop preset). It prints
a table: performance, accessibility, best practices and SEO (the goal is 100
each), and the bytes transferred, split into text (HTML), CSS, JS, images,
fonts and other. The full reports are written beside the HTML dir, in
lighthouse/, for a person to read.

A benchmark, not a test: its figures go in the README, and nothing fails on
them. It needs no network: every request goes to 127.0.0.1.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-background-networking"
# The resource types of Lighthouse's resource-summary audit, in our columns.
COLUMNS = {
    "text": ("document",),
    "css": ("stylesheet",),
    "js": ("script",),
    "images": ("image",),
    "fonts": ("font",),
    "other": ("media", "other", "third-party"),
}


def longest_essay(html: Path) -> str:
    """The essay with the most words, as its byline counts them."""

    def words(page: Path) -> int:
        found = re.search(r'class="reading-time-words">([\d,]+) words', page.read_text("utf-8"))
        return int(found.group(1).replace(",", "")) if found else 0

    essays = sorted((html / "essays").glob("*.html"), key=words)
    return f"essays/{essays[-1].name}"


class Server(SimpleHTTPRequestHandler):
    """Serves the site as a real host does: text compressed with gzip when the
    browser asks (Read the Docs does), so the byte counts and timings are a
    reader's, not those of an uncompressed development server."""

    COMPRESSED = (".html", ".css", ".js", ".svg", ".json", ".xml", ".txt")

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.suffix in self.COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)


def run(url: str, preset: str, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, check=True, env=env)
    return json.loads(out.read_text(encoding="utf-8"))


def figures(report: dict) -> dict:
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    sizes = {column: 0 for column in COLUMNS}
    total = 0
    for item in report["audits"]["resource-summary"]["details"]["items"]:
        kind = item["resourceType"]
        if kind == "total":
            total = item["transferSize"]
        for column, kinds in COLUMNS.items():
            if kind in kinds and kind != "third-party":
                sizes[column] += item["transferSize"]
    failing = [
        audit_id
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        and (audit_id := ref["id"])
        and report["audits"][audit_id]["score"] is not None
        and report["audits"][audit_id]["score"] < 1
    ]
    return {**scores, **sizes, "total": total, "failing": failing}


def main() -> int:
    html = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "_build" / "html").resolve()
    if not (html / "index.html").is_file():
        print(f"{html}: no built web edition (run `make html`)", file=sys.stderr)
        return 2
    reports = html.parent / "lighthouse"
    reports.mkdir(exist_ok=True)
    pages = ["index.html", longest_essay(html), "glossary.html", "genindex.html"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Server, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    header = (
        f"{'page':<40} {'form':<8} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} "
        f"{'text':>7} {'css':>7} {'js':>7} {'images':>7} {'fonts':>6} {'other':>6} {'total':>8}"
    )
    print(header)
    print("-" * len(header))
    notes = []
    try:
        for page in pages:
            for preset in ("mobile", "desktop"):
                name = f"{page.replace('/', '_').removesuffix('.html')}-{preset}.json"
                f = figures(run(base + page, preset, reports / name))
                print(
                    f"{page:<40} {preset:<8} {f['performance']:>4} {f['accessibility']:>4} "
                    f"{f['best-practices']:>4} {f['seo']:>4} {f['text']:>7} {f['css']:>7} "
                    f"{f['js']:>7} {f['images']:>7} {f['fonts']:>6} {f['other']:>6} "
                    f"{f['total']:>8}",
                    flush=True,
                )
                if f["failing"]:
                    notes.append(f"{page} ({preset}): below 1 on {', '.join(f['failing'])}")
    finally:
        server.shutdown()
    print("\nBytes are transferred sizes, text compressed with gzip as Read the Docs serves it.")
    print(f"Full reports: {reports}")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
