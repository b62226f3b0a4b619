"""The social cards: the picture a link preview shows, one for every page
(``og:image``, which sphinxext-opengraph writes as tags).

What a card shows are its page's facts: the book's name, the page's title
and, for a chapter, its author and date (the front page: the book's title and
subtitle). A card's file is named by its page and a hash of its facts and
of what draws them (`book.artwork` and its Pillow, the book's mark, the
faces), so a card is drawn again only when one of those changes; a new mark
at the same path writes every page again (Sphinx would not see it); a card
no page names any more is removed, so the folder holds what a clean build
writes.

Drawing is most of what a card costs (a cold build spent a tenth of its time
on it), and needs nothing of the build but the facts: when the first page is
written, the cards still to draw are handed to a process of their own
(`book.artwork` as a script), which draws them, each written whole, on
another core while the build writes the pages; the build waits for it before
it ends, and a card that could not be drawn is a warning, naming its file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .. import artwork, chapters, fonts, identity

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

CARD_FOLDER = "_images/cards"


@dataclass
class Drawing:
    """One build's cards: each page's card (its file's name, and what it
    shows), and the process drawing the cards not yet on disk (None: there
    were none)."""

    cards: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    process: subprocess.Popen | None = None


_drawings: weakref.WeakKeyDictionary[Sphinx, Drawing] = weakref.WeakKeyDictionary()


def card_facts(app: Sphinx, pagename: str) -> dict[str, str]:
    """What the card of ``pagename`` shows (its title as the page's <title>)."""
    title_node = app.env.longtitles.get(pagename)
    title = title_node.astext() if title_node is not None else ""
    chapter = chapters.get(app.env, pagename)
    byline = ""
    if chapter is not None and chapter.author and chapter.date_text:
        byline = f"{chapter.author} · {chapter.date_text}"
    elif pagename == app.config.root_doc:
        book = identity.book(app.env)
        title, byline = book.title, book.subtitle
    return {"book": app.config.project, "title": title, "byline": byline}


def card_name(pagename: str, facts: dict[str, str], style: tuple) -> str:
    """The card's file: its page, and a hash of its facts and of ``style``
    (what draws it)."""
    digest = hashlib.sha1(repr((style, facts)).encode(), usedforsecurity=False)
    return f"{pagename.replace('/', '-')}-{digest.hexdigest()[:8]}.png"


def mark_digest(app: Sphinx) -> str | None:
    """A hash of the book's mark, which every card shows (None: unreadable)."""
    try:
        data = (Path(app.srcdir) / app.config.book_mark).read_bytes()
    except OSError:
        return None
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def card_faces(app: Sphinx) -> dict[str, Path] | None:
    faces = fonts.require(app, "cards", "Bold", "Book")
    return None if faces is None else {"bold": faces["Bold"], "regular": faces["Book"]}


def start_drawing(app: Sphinx) -> Drawing:
    """Name every page's card, and start drawing those not on disk whole."""
    drawing = Drawing()
    faces, mark = card_faces(app), Path(app.srcdir) / app.config.book_mark
    if (digest := mark_digest(app)) is None:
        logger.warning(
            "the book's mark (book_mark) %s cannot be read", mark, type="book", subtype="cards"
        )
    if faces is None or digest is None:
        return drawing  # reported: no page gets a card, and the build fails
    # What every card's drawing depends on besides its facts: the drawing,
    # the mark and the faces (their files' names: the same on every machine).
    style = (artwork.CARD_STYLE, digest, sorted((role, path.name) for role, path in faces.items()))
    todo = []
    for pagename in sorted(app.env.found_docs):
        facts = card_facts(app, pagename)
        name = card_name(pagename, facts, style)
        drawing.cards[pagename] = name, facts
        path = Path(app.outdir) / CARD_FOLDER / name
        if not artwork.is_whole_png(path):
            todo.append((facts, str(path)))
    if todo:
        job = {
            "build": os.getpid(),
            "mark": str(mark),
            "faces": {role: str(path) for role, path in faces.items()},
            "cards": todo,
        }
        with tempfile.TemporaryFile() as given:
            given.write(json.dumps(job).encode())
            given.seek(0)
            drawing.process = subprocess.Popen(
                # -P: the script's folder (the book's modules) is not put first on its path.
                [sys.executable, "-P", artwork.__file__],
                stdin=given,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
    return drawing


def add_card(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Put the page's card into its metadata, as ``og:image``, before
    sphinxext-opengraph reads it."""
    if app.builder.name != "html" or doctree is None or context.get("meta") is None:
        return
    # The first page is written in the build's own process (also with -j): the
    # drawing starts there, once, and the processes that write the other pages
    # inherit the cards.
    if (drawing := _drawings.get(app)) is None:
        drawing = _drawings[app] = start_drawing(app)
    if pagename not in drawing.cards:
        return
    name, facts = drawing.cards[pagename]
    alt = facts["title"] + (f", by {facts['byline']}" if facts["byline"] else "")
    context["meta"] = {
        **context["meta"],
        # Relative to the root of the book; sphinxext-opengraph prefixes it
        # with ogp_site_url (the canonical address on Read the Docs).
        "og:image": f"{CARD_FOLDER}/{name}",
        "og:image:alt": alt,
        "og:image:width": str(artwork.CARD_WIDTH),
        "og:image:height": str(artwork.CARD_HEIGHT),
    }


def finish_drawing(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the cards (after a failed build: stop drawing them); a card
    that could not be drawn is reported."""
    drawing = _drawings.pop(app, None)
    if drawing is None or drawing.process is None:
        return
    if exception is not None:
        drawing.process.kill()
    _, error = drawing.process.communicate()
    if exception is None and drawing.process.returncode != 0:
        logger.warning(
            "a social card could not be drawn: %s",
            error.strip() or f"the drawing process exited with {drawing.process.returncode}",
            type="book",
            subtype="cards",
        )


def remove_stale_cards(app: Sphinx, exception: Exception | None) -> None:
    """A card whose page changed is drawn under a new name; the old one goes,
    so that the folder holds what a clean build writes: the cards the pages
    name."""
    folder = Path(app.outdir) / CARD_FOLDER
    if exception is not None or app.builder.name != "html" or not folder.is_dir():
        return
    named = re.compile(re.escape(CARD_FOLDER) + r"/([^\"/]+\.png)")
    wanted = {
        name
        for page in Path(app.outdir).rglob("*.html")
        for name in named.findall(page.read_text(encoding="utf-8", errors="replace"))
    }
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()


def outdated_by_the_mark(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Every page shows the mark on its card: when its bytes change (at the
    same path, so Sphinx sees no change), every page is written again."""
    if app.builder.name != "html":
        return []
    seen, env.book_card_mark = getattr(env, "book_card_mark", None), mark_digest(app)
    return sorted(env.found_docs - added) if seen not in (None, env.book_card_mark) else []


def setup(app: Sphinx) -> None:
    app.add_config_value("book_mark", "_static/book-mark.png", "html", types=[str])
    app.connect("env-get-outdated", outdated_by_the_mark)
