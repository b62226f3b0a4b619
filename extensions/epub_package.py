"""The ePub's package: its metadata, its navigation document and its cover.

Sphinx's ``epub`` builder writes ``content.opf`` and ``nav.xhtml`` from fixed
templates that cannot say what a reading system, a library or Ace by DAISY asks
of a book. This extension replaces the builder with a subclass that renders
those two files from ``epub_templates/`` beside this file, with:

* a title and a subtitle (``epub_subtitle``), every author as a ``dc:creator``
  with a sort name (``epub_creators``), the editor as a ``dc:contributor``
  (Sphinx's ``epub_contributor``) with the MARC role ``edt``;
* the publication date as a day, from ``SOURCE_DATE_EPOCH`` like
  ``dcterms:modified`` (Sphinx's own), never the build's clock;
* schema.org accessibility metadata (``epub_accessibility``);
* the cover image marked ``cover-image``, as EPUB 3 requires;
* ``lang`` and the ``doc-toc`` role in the navigation document;
* in ``toc.ncx``, the book's identifier (Sphinx writes ``epub_uid`` there,
  which EPUBCheck rejects), and no cover page listed twice when a build
  reuses its output folder.

With ``epub_draw_cover = True`` the cover image named in ``epub_cover`` (an
``.svg``) is drawn at build time from the title, the authors and the publisher:
no image is kept in the repository, and the cover cannot disagree with the
metadata. It is plain SVG text, so two builds give the same bytes.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders.epub3 import Epub3Builder
from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

TEMPLATES = Path(__file__).resolve().parent / "epub_templates"


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with our package and navigation documents."""

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        config = self.config
        metadata["subtitle"] = html.escape(config.epub_subtitle)
        metadata["creators"] = [
            (html.escape(name), html.escape(file_as)) for name, file_as in config.epub_creators
        ]
        metadata["accessibility"] = [
            (html.escape(prop), html.escape(value))
            for prop, values in config.epub_accessibility.items()
            for value in values
        ]
        return metadata

    def build_content(self) -> None:
        # Sphinx renders self.template_dir / "content.opf.jinja": point it at
        # ours for this one file, then back at Sphinx's (the class attribute).
        self.template_dir = TEMPLATES
        try:
            super().build_content()
        finally:
            del self.template_dir

    def build_navigation_doc(self) -> None:
        self.template_dir = TEMPLATES  # nav.xhtml.jinja, as above
        try:
            super().build_navigation_doc()
        finally:
            del self.template_dir

    def toc_metadata(self, level: int, navpoints: list) -> dict[str, Any]:
        # toc.ncx must name the book by its identifier, as content.opf does;
        # Sphinx gives it epub_uid, the identifier's XML id.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def handle_page(self, pagename: str, addctx: dict[str, Any], *args, **kwargs) -> None:
        if pagename == Path(self.coverpage_name).stem:
            # The cover page's alt text names the authors, as the image does.
            addctx["cover_authors"] = names([n for n, _ in self.config.epub_creators])
        super().handle_page(pagename, addctx, *args, **kwargs)

    def handle_finish(self) -> None:
        # Sphinx writes the cover page while it lists the files for content.opf;
        # a cover page left by the last build would be listed twice.
        (self.outdir / self.coverpage_name).unlink(missing_ok=True)
        # The cover image must exist before content.opf lists the files.
        if self.config.epub_draw_cover:
            image = self.outdir / self.config.epub_cover[0]
            image.parent.mkdir(parents=True, exist_ok=True)
            image.write_text(
                cover_svg(
                    self.config.epub_title,
                    [name for name, _ in self.config.epub_creators],
                    self.config.epub_publisher,
                ),
                encoding="utf-8",
            )
        super().handle_finish()


# -- The cover ------------------------------------------------------------------

#: The cover's size, in SVG units: 2:3, the shape of a paperback and of most
#: reading systems' shelves.
WIDTH, HEIGHT, MARGIN = 1200, 1800, 110
#: A generous estimate of a character's width, as a share of the font size,
#: for breaking the title into lines (SVG text does not wrap). Bold serif
#: lower case averages about 0.5; capitals and "m"/"w" are wider.
CHAR_WIDTH = 0.56
#: The title's largest and smallest sizes: at 190 a title line is a tenth of
#: the cover's height, legible on a shelf a hundred pixels wide.
TITLE_SIZES = range(190, 89, -10)
#: Light text on dark blue (contrast over 7:1), with Python's two colours as
#: bands at the head and foot: a nod, not a logo.
COVER_BACKGROUND, TITLE_COLOUR, AUTHOR_COLOUR, PUBLISHER_COLOUR = (
    "#1d3557",
    "#ffffff",
    "#ffd43b",
    "#dbe4f0",
)
HEAD_BAND, FOOT_BAND = "#ffd43b", "#4b8bbe"
SERIF = "Georgia, 'TeX Gyre Pagella', 'DejaVu Serif', serif"
SANS = "'Helvetica Neue', Arial, 'TeX Gyre Heros', 'DejaVu Sans', sans-serif"


def names(people: list[str]) -> str:
    """``A``; ``A and B``; ``A, B and C``."""
    return " and ".join([", ".join(people[:-1]), people[-1]] if len(people) > 1 else people)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` at font size ``size``
    (a word longer than the width gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and len(candidate) * CHAR_WIDTH * size <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def title_layout(title: str) -> tuple[int, list[str]]:
    """The largest title size at which the title fits in four lines, and its lines."""
    width = WIDTH - 2 * MARGIN
    for size in TITLE_SIZES:
        lines = wrap(title, size, width)
        if len(lines) <= 4 and all(len(line) * CHAR_WIDTH * size <= width for line in lines):
            return size, lines
    size = TITLE_SIZES[-1]
    return size, wrap(title, size, width)


def cover_svg(title: str, authors: list[str], publisher: str) -> str:
    """The cover: the title, a rule, the authors, and the publisher at the foot."""
    if not title or not authors:
        raise ValueError("a cover needs a title and at least one author")
    esc = html.escape
    size, lines = title_layout(title)
    leading = round(size * 1.12)
    top = 330  # the first title line's baseline
    rule = top + (len(lines) - 1) * leading + round(size * 0.55)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="cover-title">',
        f'<title id="cover-title">{esc(title)}, by {esc(names(authors))}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{COVER_BACKGROUND}"/>',
        f'<rect width="{WIDTH}" height="60" fill="{HEAD_BAND}"/>',
        f'<rect y="{HEIGHT - 60}" width="{WIDTH}" height="60" fill="{FOOT_BAND}"/>',
        f'<g font-family="{SERIF}" font-weight="bold" font-size="{size}" fill="{TITLE_COLOUR}">',
        *(
            f'<text x="{MARGIN}" y="{top + n * leading}">{esc(line)}</text>'
            for n, line in enumerate(lines)
        ),
        "</g>",
        f'<rect x="{MARGIN}" y="{rule}" width="360" height="14" fill="{HEAD_BAND}"/>',
        f'<g font-family="{SANS}" font-size="92" fill="{AUTHOR_COLOUR}">',
        *(
            f'<text x="{MARGIN}" y="{rule + 170 + n * 115}">{esc(author)}</text>'
            for n, author in enumerate(authors)
        ),
        "</g>",
        f'<text x="{MARGIN}" y="{HEIGHT - 140}" font-family="{SANS}" font-size="52" '
        f'fill="{PUBLISHER_COLOUR}">{esc(publisher)}</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


# -- Configuration --------------------------------------------------------------------


def check_config(app: Sphinx, config) -> None:
    """Fail early, with the setting's name, on what would make a broken book."""
    for entry in config.epub_creators:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 2 and all(entry)):
            raise ConfigError(f"epub_creators: {entry!r} is not a (name, sort name) pair")
    for prop, values in config.epub_accessibility.items():
        if isinstance(values, str) or not values:
            raise ConfigError(f"epub_accessibility[{prop!r}] must be a non-empty list")
    if config.epub_draw_cover:
        if not config.epub_cover or not str(config.epub_cover[0]).endswith(".svg"):
            raise ConfigError("epub_draw_cover needs epub_cover = ('<path>.svg', <template>)")
        if not config.epub_creators:
            raise ConfigError("epub_draw_cover needs epub_creators for the authors' names")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.builders.epub3")
    app.add_builder(BookEpubBuilder, override=True)
    app.add_config_value("epub_subtitle", "", "epub", types=frozenset({str}))
    app.add_config_value("epub_creators", [], "epub", types=frozenset({list, tuple}))
    app.add_config_value("epub_accessibility", {}, "epub", types=frozenset({dict}))
    app.add_config_value("epub_draw_cover", False, "epub", types=frozenset({bool}))
    app.connect("config-inited", check_config)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
