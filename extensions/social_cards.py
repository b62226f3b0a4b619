"""Draw a social card for every page: the image a link preview shows.

Mastodon, Bluesky, Slack, Discourse and Twitter show a page's ``og:image``
next to a shared link; Twitter's large card needs a raster image. This
extension draws one PNG per page (1200 × 630, the size they all expect) at
build time, offline, with matplotlib: the book's mark and name, the page's
title, and for a chapter its author and date of first publication, on the
book's paper colour with its ink-blue rule. The font is DejaVu Serif, which
matplotlib ships, so every machine draws the same card without network.

The card's address goes into the page's metadata as ``og:image`` (with its
size and alt text), where sphinxext-opengraph writes it as a tag (absolute
on Read the Docs, relative to the root of the book locally). A card is drawn
again only when what it shows changes (its name carries a hash of that).

matplotlib is a dependency of the docs group: without it the extension does
not load and the build stops (no page silently loses its card).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.image as mpimg
from chapter_byline import format_date  # the byline's own wording of the date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


WIDTH, HEIGHT, DPI = 1200, 630, 100
PAPER = "#fbf8f1"
INK = "#24324a"
TEXT = "#1f2328"
MUTED = "#555b66"
FONT = "DejaVu Serif"
#: Bumped when the drawing changes, so every card is drawn again.
STYLE_VERSION = "1"
FOLDER = "_images/cards"


def card_facts(app: Sphinx, pagename: str, context: dict[str, Any]) -> dict[str, str]:
    title = re.sub(r"<[^>]+>", "", context.get("title", "") or "")
    title = title.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    meta = app.env.metadata.get(pagename, {})
    byline = ""
    if pagename.startswith(app.config.chapter_byline_prefix) and meta.get("author"):
        try:
            date = format_date(str(meta.get("date", "")))
        except ValueError:
            date = ""  # chapter_byline has reported the bad date, with its line
        byline = " · ".join(filter(None, [str(meta["author"]), date]))
    elif pagename == app.config.root_doc:
        title, byline = app.config.project, app.config.social_cards_subtitle
    return {"book": app.config.project, "title": title, "byline": byline}


def _wrap(text: str, fits) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def draw(path: Path, facts: dict[str, str], mark: Path) -> None:
    """Draw the card for ``facts`` into ``path``."""

    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=PAPER)
    renderer = FigureCanvasAgg(fig).get_renderer()
    left, text_width = 80, WIDTH - 2 * 80

    def px_text(x, y, s, size, **kw):
        return fig.text(x / WIDTH, 1 - y / HEIGHT, s, fontsize=size * 72 / DPI, family=FONT, **kw)

    # The book's mark and name, top left.
    ax = fig.add_axes((left / WIDTH, 1 - 144 / HEIGHT, 80 / WIDTH, 80 / HEIGHT))
    ax.imshow(mpimg.imread(mark))
    ax.set_axis_off()
    if facts["title"] != facts["book"]:  # the front page's title is the name
        px_text(left + 104, 104, facts["book"], 30, color=MUTED, va="center")

    # The title: as large as fits in three lines.
    for size in (72, 64, 56, 50, 44, 40):
        probe = px_text(0, 0, "", size, weight="bold")

        def fits(line, probe=probe):
            probe.set_text(line)
            return probe.get_window_extent(renderer).width <= text_width

        lines = _wrap(facts["title"], fits)
        probe.remove()
        if len(lines) <= 3:
            break
    line_height = size * 1.22
    top = 200 if len(lines) < 3 else 184
    for n, line in enumerate(lines[:3]):
        px_text(left, top + n * line_height, line, size, weight="bold", color=TEXT, va="top")

    if facts["byline"]:
        px_text(left, HEIGHT - 92, facts["byline"], 32, color=MUTED, va="baseline")
    # The rule along the foot, in the mark's ink.
    fig.add_artist(Rectangle((0, 0), 1, 24 / HEIGHT, transform=fig.transFigure, color=INK))
    path.parent.mkdir(parents=True, exist_ok=True)
    # No "Software" stamp: two builds of one commit give the same bytes.
    fig.savefig(path, dpi=DPI, facecolor=PAPER, metadata={"Software": None})


def add_card(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Before sphinxext-opengraph (priority 500) reads the page's metadata."""
    if app.builder.name != "html" or doctree is None or context.get("meta") is None:
        return
    facts = card_facts(app, pagename, context)
    digest = hashlib.sha1(repr((STYLE_VERSION, facts)).encode(), usedforsecurity=False)
    name = f"{pagename.replace('/', '-')}-{digest.hexdigest()[:8]}.png"
    path = Path(app.outdir) / FOLDER / name
    if not path.exists():
        draw(path, facts, Path(app.srcdir) / app.config.social_cards_mark)
    alt = facts["title"] + (f", by {facts['byline']}" if facts["byline"] else "")
    context["meta"] = {
        **context["meta"],
        # Relative to the root of the book; sphinxext-opengraph prefixes it
        # with ogp_site_url (the canonical address on Read the Docs).
        "og:image": f"{FOLDER}/{name}",
        "og:image:alt": alt,
        "og:image:width": str(WIDTH),
        "og:image:height": str(HEIGHT),
    }


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("chapter_byline")
    app.add_config_value("social_cards_mark", "_static/book-mark.png", "html", types=[str])
    app.add_config_value("social_cards_subtitle", "", "html", types=[str])
    app.connect("html-page-context", add_card, priority=450)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
