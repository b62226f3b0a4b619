"""The book's pictures, drawn from its facts: the ePub's cover and the web
edition's social cards.

Both are PNGs drawn with Pillow (its own FreeType, from the lock) in faces
found by name (`book.fonts`): the same fonts and the same Pillow give the same
bytes on every machine, and no picture is kept in the repository, so none can
disagree with the book's facts. This module draws only, from what it is
given, and imports nothing of the book or of Sphinx: a build runs it as a
process of its own to draw the cards while it writes the pages
(`book.web.cards` says which cards, and names them; `book.epub` asks for the
cover).

The cover
    1600 × 2400 (2:3, the shape of a paperback and of reading systems'
    shelves, and the size stores ask for): the title, the subtitle, the
    authors and the imprint, in the PDF's faces, light on the book's blue with
    Python's two colours as bands. Large enough to read on a shelf 100 pixels
    wide: the title's size is at least 9 pixels there, the authors' 6.

The social cards
    1200 × 630 (what Mastodon, Bluesky, Slack and Twitter's large card
    expect), one a page: the book's mark and name, the page's title and, for
    a chapter, its author and date, on the book's paper colour.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import PIL
from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from book.identity import Book


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


def _cover_plan(book: Book, faces: dict[str, Path]) -> list[tuple] | None:
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


def cover(book: Book, faces: dict[str, Path]) -> tuple[bytes, list[Line]]:
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


# -- The social cards ------------------------------------------------------------------------

CARD_WIDTH, CARD_HEIGHT = 1200, 630
PAPER, INK, TEXT, MUTED = "#fbf8f1", "#24324a", "#1f2328", "#555b66"
#: What the drawing depends on besides a card's facts and what it is given:
#: this module and the Pillow that runs it. Part of every card's name
#: (`book.web.cards`), so that a change to either draws every card again (a
#: card already drawn is otherwise kept).
CARD_STYLE = (
    hashlib.sha1(Path(__file__).read_bytes(), usedforsecurity=False).hexdigest(),
    PIL.__version__,
)


@functools.cache
def _face(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@functools.cache
def _logo(mark: Path) -> Image.Image:
    """The book's mark, as every card shows it (read once: the drawing process
    lives for one build)."""
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
    palette = _palette(mark, tuple(sorted(faces.items())))
    return png_bytes(image.quantize(palette=palette, dither=Image.Dither.NONE))


#: What `_palette` draws: a card with the book's name, a title and a byline.
_EVERY_PART = {"book": "Book", "title": "A title", "byline": "An author · 1 January 2000"}


@functools.cache
def _palette(mark: Path, faces: tuple[tuple[str, Path], ...]) -> Image.Image:
    image = _draw(_EVERY_PART, mark, dict(faces))
    return image.quantize(64, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _draw(facts: dict[str, str], mark: Path, faces: dict[str, Path]) -> Image.Image:
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    left, width = 80, CARD_WIDTH - 160
    logo = _logo(mark)
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


def draw_cards(job: dict[str, Any]) -> None:
    """Draw the cards of ``job`` (the mark, the faces, and each card's facts
    and file) and write each whole. Stops when the build that asked is gone:
    nobody would name the rest."""
    mark, faces = Path(job["mark"]), {role: Path(path) for role, path in job["faces"].items()}
    for facts, path in job["cards"]:
        if os.getppid() != job["build"]:
            return
        try:
            write_atomically(Path(path), card(facts, mark, faces))
        except Exception as error:
            raise SystemExit(f"{path}: {type(error).__name__}: {error}") from error


if __name__ == "__main__":
    # `python -P artwork.py < JOB`: a build's cards, drawn in a process of their
    # own while the build writes its pages (book.web.cards).
    draw_cards(json.load(sys.stdin))
