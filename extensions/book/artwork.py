"""The book's pictures, drawn at build time from its records: the ePub's cover and
the social cards of the web edition.

Both are PNGs drawn with Pillow (its own FreeType, from the lock) in faces
found by name (`book.fonts`): the same fonts and the same Pillow give the same
bytes on every machine, and no picture is kept in the repository, so none can
disagree with the book's facts.

The cover
    1600 × 2400 (2:3, the shape of a paperback and of reading systems'
    shelves, and the size stores ask for): the title, the subtitle, the
    authors and the imprint, in the PDF's faces, light on the book's blue with
    Python's two colours as bands. Large enough to read on a shelf 100 pixels
    wide: the title's size is at least 9 pixels there, the authors' 6.

The social cards
    1200 × 630 (what Mastodon, Bluesky, Slack and Twitter's large card
    expect), one a page: the book's mark and name, the page's title and, for
    a chapter, its author and date, on the book's paper colour. A card is
    drawn again only when what it shows changes (its name carries a hash of
    that), and is written whole or not at all.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import PIL
from PIL import Image, ImageDraw, ImageFont

from . import chapters, fonts, identity

if TYPE_CHECKING:
    from sphinx.application import Sphinx


@dataclass(frozen=True)
class Line:
    """A line of text as drawn: its words, font size and box (left, top,
    right, bottom), in pixels of the picture."""

    text: str
    size: int
    box: tuple[int, int, int, int]
    colour: str


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: an interrupted build never leaves a
    truncated picture that a later build would take for a finished one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)  # no time or software stamp
    return out.getvalue()


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (a word longer than
    the width gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _draw_lines(draw, lines, font, size, x, baseline, leading, colour) -> list[Line]:
    out = []
    for n, text in enumerate(lines):
        y = baseline + n * leading
        draw.text((x, y), text, font=font, fill=colour, anchor="ls")
        out.append(
            Line(
                text,
                size,
                tuple(round(v) for v in draw.textbbox((x, y), text, font=font, anchor="ls")),
                colour,
            )
        )
    return out


# -- The cover ----------------------------------------------------------------------------

COVER_WIDTH, COVER_HEIGHT, COVER_MARGIN = 1600, 2400, 150
#: Light text on dark blue (contrast over 7:1), with Python's two colours as
#: bands at the head and foot: a nod, not a logo.
COVER_BACKGROUND = "#1d3557"
COVER_TITLE, COVER_SUBTITLE, COVER_AUTHORS, COVER_IMPRINT = (
    "#ffffff",
    "#dbe4f0",
    "#ffd43b",
    "#dbe4f0",
)
HEAD_BAND, FOOT_BAND = "#ffd43b", "#4b8bbe"
#: Sizes in pixels. At 1600 pixels wide, a size of 144 is 9 pixels on a shelf
#: 100 pixels wide, and 96 is 6: the smallest the title and the authors get.
TITLE_SIZES = range(240, 143, -8)
AUTHOR_SIZES = range(112, 95, -8)
SUBTITLE_SIZE, IMPRINT_SIZE = 68, 64
TITLE_TOP, IMPRINT_BASELINE = 480, COVER_HEIGHT - 200


def _cover_plan(book: identity.Book, faces: dict[str, Path]) -> list[tuple] | None:
    """Where each block of text goes: (lines, font, size, first baseline,
    leading, colour), and the rule's top as ("rule", y); None if nothing fits."""
    width = COVER_WIDTH - 2 * COVER_MARGIN
    subtitle_font = ImageFont.truetype(str(faces["subtitle"]), SUBTITLE_SIZE)
    subtitle = wrap(book.subtitle, subtitle_font, width) if book.subtitle else []
    for author_size in AUTHOR_SIZES:
        author_font = ImageFont.truetype(str(faces["sans"]), author_size)
        for size in TITLE_SIZES:
            title_font = ImageFont.truetype(str(faces["title"]), size)
            title = wrap(book.title, title_font, width)
            if len(title) > 4 or any(title_font.getlength(t) > width for t in title):
                continue
            plan, y = [], TITLE_TOP + size
            plan.append((title, title_font, size, y, round(size * 1.1), COVER_TITLE))
            y += (len(title) - 1) * round(size * 1.1) + round(size * 0.35)
            if subtitle:
                y += 60 + SUBTITLE_SIZE
                plan.append(
                    (
                        subtitle,
                        subtitle_font,
                        SUBTITLE_SIZE,
                        y,
                        round(SUBTITLE_SIZE * 1.3),
                        COVER_SUBTITLE,
                    )
                )
                y += (len(subtitle) - 1) * round(SUBTITLE_SIZE * 1.3) + round(SUBTITLE_SIZE * 0.35)
            y += 60
            plan.append(("rule", y))
            y += 18 + 80 + author_size
            leading = round(author_size * 1.3)
            plan.append((book.author_names, author_font, author_size, y, leading, COVER_AUTHORS))
            last = y + (len(book.author_names) - 1) * leading
            if last + round(author_size * 0.3) <= IMPRINT_BASELINE - IMPRINT_SIZE - 60:
                return plan
    return None


def cover(book: identity.Book, faces: dict[str, Path]) -> tuple[bytes, list[Line]]:
    """The cover as PNG bytes, and the lines of text drawn on it.

    ``faces``: the files of the ``title`` (bold serif), ``subtitle`` (italic
    serif) and ``sans`` (regular) faces. The title is as large as fits in four
    lines with everything else; a ``ValueError`` says when nothing fits."""
    if not book.title or not book.authors:
        raise ValueError("a cover needs a title and at least one author")
    plan = _cover_plan(book, faces)
    if plan is None:
        raise ValueError(
            f"the cover cannot hold the title and {len(book.authors)} authors at a legible size"
        )
    image = Image.new("RGB", (COVER_WIDTH, COVER_HEIGHT), COVER_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, COVER_WIDTH, 80), fill=HEAD_BAND)
    draw.rectangle((0, COVER_HEIGHT - 80, COVER_WIDTH, COVER_HEIGHT), fill=FOOT_BAND)
    drawn: list[Line] = []
    for step in plan:
        if step[0] == "rule":
            draw.rectangle(
                (COVER_MARGIN, step[1], COVER_MARGIN + 480, step[1] + 18), fill=HEAD_BAND
            )
            continue
        lines, font, size, baseline, leading, colour = step
        drawn += _draw_lines(draw, lines, font, size, COVER_MARGIN, baseline, leading, colour)
    font = ImageFont.truetype(str(faces["sans"]), IMPRINT_SIZE)
    drawn += _draw_lines(
        draw, [book.imprint], font, IMPRINT_SIZE, COVER_MARGIN, IMPRINT_BASELINE, 0, COVER_IMPRINT
    )
    return png_bytes(image), drawn


def cover_alt(book: identity.Book) -> str:
    """What the cover says, for the reader who cannot see it."""
    subtitle = f": {book.subtitle}" if book.subtitle else ""
    return f"{book.title}{subtitle}, by {chapters.names(book.author_names)}. {book.imprint}."


def cover_faces(app: Sphinx) -> dict[str, Path] | None:
    """The cover's faces, or None after a warning naming what is missing."""
    main = fonts.require(app, "main", "Bold", "Italic")
    sans = fonts.require(app, "sans", "Regular")
    if main is None or sans is None:
        return None
    return {"title": main["Bold"], "subtitle": main["Italic"], "sans": sans["Regular"]}


# -- The social cards ------------------------------------------------------------------------

CARD_WIDTH, CARD_HEIGHT = 1200, 630
PAPER, INK, TEXT, MUTED = "#fbf8f1", "#24324a", "#1f2328", "#555b66"
#: What the drawing depends on besides a card's facts: this module and the
#: Pillow that runs it. Part of every card's name, so that a change to either
#: draws every card again (a card already drawn is otherwise kept).
CARD_STYLE = (
    hashlib.sha1(Path(__file__).read_bytes(), usedforsecurity=False).hexdigest(),
    PIL.__version__,
)
CARD_FOLDER = "_images/cards"


def card_facts(app: Sphinx, pagename: str, context: dict[str, Any]) -> dict[str, str]:
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", "") or ""))
    chapter = chapters.get(app.env, pagename)
    byline = ""
    if chapter is not None and chapter.author and chapter.date_text:
        byline = f"{chapter.author} · {chapter.date_text}"
    elif pagename == app.config.root_doc:
        book = identity.book(app.env)
        title, byline = book.title, book.subtitle
    return {"book": app.config.project, "title": title, "byline": byline}


@functools.cache
def _face(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@functools.cache
def _logo(mark: Path, _version: int | None = None) -> Image.Image:
    """The book's mark, as every card shows it (read once per version of the file)."""
    with Image.open(mark) as source:
        return source.convert("RGBA").resize((80, 80), Image.Resampling.LANCZOS)


def card(facts: dict[str, str], mark: Path, faces: dict[str, Path]) -> bytes:
    """The card for ``facts`` (book, title, byline) as PNG bytes.

    Four colours and their anti-aliasing: 64 colours look the same, are a
    third of the bytes and quicker to compress (every page has a card). The
    64 are chosen once, from a card that has every part a card can have
    (`_palette`), and every card is drawn in them: the same bytes for the
    same card whatever was drawn before it, in half the time."""
    image = _draw(facts, mark, faces)
    palette = _palette(mark, mark.stat().st_mtime_ns, tuple(sorted(faces.items())))
    return png_bytes(image.quantize(palette=palette, dither=Image.Dither.NONE))


#: What `_palette` draws: a card with the book's name, a title and a byline.
_EVERY_PART = {"book": "Book", "title": "A title", "byline": "An author · 1 January 2000"}


@functools.cache
def _palette(mark: Path, _version: int, faces: tuple[tuple[str, Path], ...]) -> Image.Image:
    image = _draw(_EVERY_PART, mark, dict(faces))
    return image.quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _draw(facts: dict[str, str], mark: Path, faces: dict[str, Path]) -> Image.Image:
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    left, width = 80, CARD_WIDTH - 160
    logo = _logo(mark, mark.stat().st_mtime_ns)
    image.paste(logo, (left, 64), logo)
    if facts["title"] != facts["book"]:  # the front page's title is the name
        font = _face(faces["regular"], 30)
        draw.text((left + 104, 104), facts["book"], font=font, fill=MUTED, anchor="lm")
    for size in (72, 64, 56, 50, 44, 40):  # as large as fits in three lines
        font = _face(faces["bold"], size)
        lines = wrap(facts["title"], font, width)
        if len(lines) <= 3:
            break
    leading = round(size * 1.22)
    top = 200 if len(lines) < 3 else 184
    for n, line in enumerate(lines[:3]):
        draw.text((left, top + n * leading), line, font=font, fill=TEXT, anchor="lt")
    if facts["byline"]:
        font = _face(faces["regular"], 32)
        draw.text((left, CARD_HEIGHT - 92), facts["byline"], font=font, fill=MUTED, anchor="ls")
    draw.rectangle((0, CARD_HEIGHT - 24, CARD_WIDTH, CARD_HEIGHT), fill=INK)  # the foot rule
    return image


def card_name(pagename: str, facts: dict[str, str]) -> str:
    digest = hashlib.sha1(repr((CARD_STYLE, facts)).encode(), usedforsecurity=False)
    return f"{pagename.replace('/', '-')}-{digest.hexdigest()[:8]}.png"


def is_whole_png(path: Path) -> bool:
    """A PNG that was written to its end (its last chunk is IEND)."""
    try:
        with path.open("rb") as handle:
            if handle.read(8) != b"\x89PNG\r\n\x1a\n":
                return False
            handle.seek(-12, os.SEEK_END)
            return handle.read(12)[4:8] == b"IEND"
    except OSError:
        return False


def add_card(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Put the page's card into its metadata, as ``og:image``, before
    sphinxext-opengraph reads it; draw it if it is not there whole."""
    if app.builder.name != "html" or doctree is None or context.get("meta") is None:
        return
    faces = card_faces(app)
    if faces is None:
        return
    facts = card_facts(app, pagename, context)
    name = card_name(pagename, facts)
    path = Path(app.outdir) / CARD_FOLDER / name
    if not is_whole_png(path):
        write_atomically(path, card(facts, Path(app.srcdir) / app.config.book_mark, faces))
    alt = facts["title"] + (f", by {facts['byline']}" if facts["byline"] else "")
    context["meta"] = {
        **context["meta"],
        # Relative to the root of the book; sphinxext-opengraph prefixes it
        # with ogp_site_url (the canonical address on Read the Docs).
        "og:image": f"{CARD_FOLDER}/{name}",
        "og:image:alt": alt,
        "og:image:width": str(CARD_WIDTH),
        "og:image:height": str(CARD_HEIGHT),
    }


def card_faces(app: Sphinx) -> dict[str, Path] | None:
    faces = fonts.require(app, "cards", "Bold", "Book")
    return None if faces is None else {"bold": faces["Bold"], "regular": faces["Book"]}


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


def setup(app: Sphinx) -> None:
    app.add_config_value("book_mark", "_static/book-mark.png", "html", types=[str])
