"""Write ``sitemap.xml`` and ``robots.txt`` for the web edition.

A sitemap lists absolute addresses, so it is written only when the edition has
a canonical address (``html_baseurl``, from ``READTHEDOCS_CANONICAL_URL`` on
Read the Docs); a local build without one writes neither file.

Every page is listed except those no search engine should index: the pages in
``sitemap_exclude`` (the search page, the 404 page). ``robots.txt`` names the
sitemap; Read the Docs serves a project's own ``robots.txt`` from the root of
its default version.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from sphinx.application import Sphinx

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def pages(app: Sphinx) -> list[str]:
    """Every page the HTML builder writes: the documents and the general index.

    Read from the environment, not gathered while pages are written, so that a
    parallel write (``-j``) loses none."""
    names = set(app.env.found_docs)
    if app.config.html_use_index:
        names.add("genindex")
    return sorted(names - set(app.config.sitemap_exclude))


def page_url(baseurl: str, target: str) -> str:
    """The same address as the page's ``<link rel="canonical">``."""
    return baseurl.rstrip("/") + "/" + target


def write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html" or not app.config.html_baseurl:
        return
    baseurl = app.config.html_baseurl
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for pagename in pages(app):
        url = page_url(baseurl, app.builder.get_target_uri(pagename))
        lines.append(f"  <url><loc>{escape(url)}</loc></url>")
    lines.append("</urlset>")
    outdir = Path(app.outdir)
    (outdir / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {page_url(baseurl, 'sitemap.xml')}\n"
    (outdir / "robots.txt").write_text(robots, encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_config_value("sitemap_exclude", ("search", "404"), "html", types=[tuple, list])
    app.connect("build-finished", write)
