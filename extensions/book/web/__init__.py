"""The web edition: what the ``html`` builder adds on top of furo.

* ``static/``: the book's look (``book.css``) and the previews of notes and
  glossary terms (``previews.js``), on every page;
* ``templates/``: our overrides of furo's templates, each small and saying why
  at its top;
* `reading_time`: the length of each chapter under its byline;
* `downloads`: the ePub and the PDF, one click away from every page;
* `meta`: what link previews and search engines read about each page;
* `sitemap`: ``sitemap.xml`` and ``robots.txt`` under a canonical address;
* `pages`: what each page gets beyond furo's own (the rights in its foot,
  sphinx-design's files only where its cards are);
* `received`: the texts as received, published beside the pages;
* `policy`: the Content-Security-Policy of every page;
* `navigation`: furo's sidebar, rendered once per folder, not once per page;
* `output`: whatever happened to the last build, the next one writes what a
  clean build writes;
* `template_cache`: furo's templates compiled once, not in every build;
* `design`: sphinx-design's work only on the pages that use it;
* `cards`: each page's social card, drawn (by `book.artwork`) beside the
  pages.

The order of the ``html-page-context`` handlers is written once, in
`book.setup`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import (
    cards,
    design,
    downloads,
    navigation,
    output,
    pages,
    policy,
    reading_time,
    received,
    sitemap,
    template_cache,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).resolve().parent


def configure(app: Sphinx, config: Config) -> None:
    # Relative to conf.py's folder, as conf.py's own paths are: the settings,
    # which Sphinx records in every build's .buildinfo, are the same wherever
    # the project is checked out.
    here = os.path.relpath(HERE, app.confdir)
    config.templates_path = [f"{here}/templates", *config.templates_path]
    config.html_static_path = [f"{here}/static", *config.html_static_path]
    # sphinx-notfound-page: every address on the 404 page absolute from the
    # edition's root: its path on Read the Docs (/en/latest/), the server's
    # root for a local preview.
    config.notfound_urls_prefix = urlsplit(config.html_baseurl).path or "/"


def setup(app: Sphinx) -> None:
    app.connect("config-inited", configure)
    app.add_css_file("book.css")
    # Footnote and glossary previews (our own script, no other host's);
    # deferred, so it never holds up the page.
    app.add_js_file("previews.js", defer="defer")
    reading_time.setup(app)
    cards.setup(app)
    downloads.setup(app)
    sitemap.setup(app)
    output.setup(app)
    pages.setup(app)
    received.setup(app)
    policy.setup(app)
    navigation.setup(app)
    template_cache.setup(app)
    design.setup(app)
