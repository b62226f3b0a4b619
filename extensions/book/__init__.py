"""The book's Sphinx extension: one package, one ``setup()``.

The parts, in the order a build meets them:

``chapters``
    What a chapter is, and the one record of its essay's facts (its front
    matter), read once per build before any document.
``identity``
    The book's own facts (conf.py), and those derived from the chapters.
``fonts``
    The book's typefaces, found by name before an edition uses them.
``editorial``
    What the editor adds inside a chapter (byline, notes, placeholders),
    marked as the editor's in every edition.
``indexing``
    The index of names, projects and topics: data (docs/book-index.toml),
    applied to the chapters' words when they are read.
``matter``
    The editors' pages that state the book's facts (the front page's opening,
    the sources and rights), made from the records.
``checks``
    Bad input stops the build, naming the file and the line.
``glossary``
    The glossary as a concordance: "Used in" under each definition.
``typography``
    Setting the authors' words without changing one (a date that must not
    break at its hyphens).
``artwork``
    The ePub's cover and the web edition's social cards, drawn at build time
    (Pillow only: the cards are drawn by it as a process of their own).
``web``, ``epub``, ``pdf``
    What shapes each edition: the web edition's pages and assets, the ePub
    builder, the LaTeX builder.
``collector``
    What a build holds from start to end, kept out of the garbage
    collector's walks (speed only: it changes nothing a build writes).

Config values, CSS classes and events that parts share are defined once,
next to the code that owns them (``editorial.EDITORIAL`` is the class of
everything the editor adds). The order of the handlers that depend on each
other is written here and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    chapters,
    checks,
    collector,
    editorial,
    epub,
    fonts,
    glossary,
    identity,
    indexing,
    matter,
    pdf,
    typography,
    web,
)
from .web import cards, meta

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: sphinxext-opengraph writes a page's og: tags at the default priority.
OPENGRAPH = 500


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("myst_parser")
    app.setup_extension("sphinxext.opengraph")
    # Before our html-page-context handlers: the 404 page's pathto() is its.
    app.setup_extension("notfound.extension")
    parts = (chapters, identity, fonts, editorial, indexing, matter, checks, glossary)
    parts += (typography,)
    for part in (*parts, web, epub, pdf, collector):
        part.setup(app)
    # html-page-context, in this order:
    # 1. a chapter's og:type, and 2. its social card, into the page's metadata,
    app.connect("html-page-context", meta.before_opengraph, priority=OPENGRAPH - 100)
    app.connect("html-page-context", cards.add_card, priority=OPENGRAPH - 50)
    # 3. which sphinxext-opengraph writes as tags; 4. the tags it cannot know.
    app.connect("html-page-context", meta.after_opengraph, priority=OPENGRAPH + 100)
    # At the end, the cards drawn beside the pages, then those no page names.
    app.connect("build-finished", cards.finish_drawing, priority=400)
    app.connect("build-finished", cards.remove_stale_cards)
    return {
        "version": "2.0",
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
