"""The ePub: one builder, Sphinx's EPUB 3 builder with the book's package.

Sphinx writes ``content.opf`` and ``nav.xhtml`` from fixed templates that cannot
say what a reading system, a library or Ace by DAISY asks of a book, zips the
files with the times and permissions it finds on disk, and writes its pages
without the semantics reading systems use. `BookEpubBuilder` (the ``epub``
builder) adds, from the book's identity and records (`book.identity`):

* in ``content.opf`` (``templates/``): a title and a subtitle, every author a
  ``dc:creator`` with the name a library sorts by, the editors a
  ``dc:contributor`` with the MARC role ``edt``, the subjects as ``dc:subject``,
  the rights line, schema.org accessibility metadata
  (``book_epub_accessibility``), the publication date as a day from
  ``SOURCE_DATE_EPOCH`` (never the clock), and the cover marked
  ``cover-image``;
* in ``nav.xhtml``: ``lang`` and the ``doc-toc`` role; in ``toc.ncx``, the
  book's identifier (Sphinx writes ``epub_uid`` there, which EPUBCheck
  rejects);
* the cover: a PNG drawn at build time (`book.artwork`), and a cover page
  with its alt text;
* on every page: ``lang`` and ``xml:lang``; ``epub:type="noteref"`` and
  ``"footnote"`` beside the ARIA roles, so that reading systems show a note
  in place; an ``aria-level`` for the contents' captions;
* every XHTML document parsed as XML before it is packed: a page that is not
  well-formed stops the build, naming the file and the line;
* the archive itself: the same members in the same order (``mimetype`` first
  and stored), with the time of ``SOURCE_DATE_EPOCH`` and mode 0644, so two
  builds of one commit are byte-identical.
"""

from __future__ import annotations

import html
import os
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from .. import artwork, chapters, fonts, identity

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
#: The cover image, inside the ePub.
COVER = "_static/cover.png"
#: The level of a toctree caption ("The essays"): under the page's <h1>.
CAPTION_LEVEL = 2
#: The earliest time a zip header can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _add_attribute(tag: str, name: str, value: str) -> str:
    """Add ``name="value"`` to the start tag that opens ``tag``, the text
    ``starttag()`` returned (it may go on with spans for the node's extra ids).
    Attribute values are escaped, so the first ``>`` ends the start tag."""
    end = tag.index(">")
    if tag[end - 1] == "/":  # an empty element: <br />
        end -= 1
    return f'{tag[:end].rstrip()} {name}="{html.escape(value)}"{tag[end:]}'


class EpubTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, with EPUB structural semantics."""

    def _mark_last_tag(self, name: str, value: str, expected: str) -> None:
        # starttag() is the writer's one way to open an element, and it has
        # just appended this node's start tag; check that before changing it.
        index = max(i for i, part in enumerate(self.body) if part.startswith(expected))
        self.body[index] = _add_attribute(self.body[index], name, value)

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        super().visit_footnote_reference(node)
        self._mark_last_tag("epub:type", "noteref", "<a ")

    def visit_footnote(self, node: nodes.footnote) -> None:
        super().visit_footnote(node)
        self._mark_last_tag("epub:type", "footnote", "<aside ")

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self._mark_last_tag("aria-level", str(CAPTION_LEVEL), "<p ")


def zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return ZIP_EPOCH
    return max(ZIP_EPOCH, tuple(time.gmtime(int(epoch))[:6]))


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with the book's package, pages and cover."""

    default_translator_class = EpubTranslator

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        book = identity.book(self.env)
        esc = html.escape
        metadata["subtitle"] = esc(book.subtitle)
        metadata["creators"] = [(esc(name), esc(sort)) for name, sort in book.authors]
        metadata["contributor"] = esc(book.editors)
        metadata["subjects"] = [esc(subject) for subject in book.subjects]
        metadata["copyright"] = esc(book.rights)
        metadata["accessibility"] = [
            (esc(prop), esc(value))
            for prop, values in self.config.book_epub_accessibility.items()
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

    def navigation_doc_metadata(self, navlist: list) -> dict[str, Any]:
        """The landmarks a reading system offers: the cover, the contents, and
        where the essays begin."""
        metadata = super().navigation_doc_metadata(navlist)
        first = next(iter(chapters.in_book_order(self.env)), None)
        # The contents: the front page, a spine item (the navigation document is not one).
        contents = self.config.root_doc + self.out_suffix
        landmarks = [("cover", self.coverpage_name, "Cover"), ("toc", contents, "Contents")]
        if first is not None:
            landmarks.append(("bodymatter", first.docname + self.out_suffix, first.title))
        metadata["landmarks"] = [tuple(html.escape(v) for v in landmark) for landmark in landmarks]
        return metadata

    def toc_metadata(self, level: int, navpoints: list) -> dict[str, Any]:
        # toc.ncx must name the book by its identifier, as content.opf does;
        # Sphinx gives it epub_uid, the identifier's XML id.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def handle_page(self, pagename: str, addctx: dict[str, Any], *args, **kwargs) -> None:
        lang = html.escape(self.config.epub_language)
        # lang and xml:lang on every page's <html> (XHTML needs both).
        addctx["html_tag"] = (
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f'lang="{lang}" xml:lang="{lang}">'
        )
        if pagename == Path(self.coverpage_name).stem:
            addctx["cover_alt"] = cover_alt(identity.book(self.env))
        super().handle_page(pagename, addctx, *args, **kwargs)

    def handle_finish(self) -> None:
        # Sphinx's epub.css styles a search page's results with file.png; an
        # e-reader has no search page (epub_exclude_files leaves both out).
        css = self.outdir / "_static" / "epub.css"
        if css.is_file():
            text = css.read_text(encoding="utf-8")
            css.write_text(re.sub(r"ul\.search li \{[^}]*\}\s*", "", text), encoding="utf-8")
        sheets = [self.outdir / "_static" / name for name in ("book.css", "book-epub.css")]
        sheets = [sheet for sheet in sheets if sheet.is_file()]
        texts = without_custom_properties([sheet.read_text(encoding="utf-8") for sheet in sheets])
        for sheet, text in zip(sheets, texts, strict=True):
            sheet.write_text(text, encoding="utf-8")
        # Sphinx writes the cover page while it lists the files for content.opf;
        # a cover page left by an earlier build would be listed twice.
        (self.outdir / self.coverpage_name).unlink(missing_ok=True)
        # The cover image must exist before content.opf lists the files.
        faces = cover_faces(self._app)
        if faces is not None:
            try:
                png, _lines = artwork.cover(identity.book(self.env), faces)
            except ValueError as error:
                logger.warning("the ePub's cover: %s", error, type="book", subtype="cover")
            else:
                artwork.write_atomically(self.outdir / COVER, png)
        super().handle_finish()

    def build_epub(self) -> None:
        """Check every XHTML document, then zip the book with fixed headers."""
        documents = ["nav.xhtml", *(f for f in self.files if f.endswith(".xhtml"))]
        if not all(self._well_formed(name) for name in documents):
            return  # reported; the build fails
        outname = self.config.epub_basename + ".epub"
        logger.info("writing %s file...", outname)
        members = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        partial = self.outdir / f".{outname}.part"
        date_time = zip_time()
        with zipfile.ZipFile(partial, "w") as epub:
            for name in members:
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = (
                    zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                )
                info.create_system = 3  # Unix, on every platform
                info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
                epub.writestr(info, (self.outdir / name).read_bytes())
        os.replace(partial, self.outdir / outname)

    def _well_formed(self, name: str) -> bool:
        try:
            ET.parse(self.outdir / name)
        except ET.ParseError as error:
            line, _column = error.position
            logger.warning(
                "the ePub's %s is not well-formed XML (%s): a reading system would refuse it",
                name,
                error.msg.split(":")[0],
                location=f"{self.outdir / name}:{line}",
                type="book",
                subtype="epub",
            )
            return False
        return True


_ROOT_RULE = re.compile(r"^:root\s*\{([^}]*)\}", re.MULTILINE)
_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
_UNKNOWN = re.compile(r"[\w-]+\s*:[^;{}]*var\([^;{}]*;?[ \t]*\n?")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)")


def without_custom_properties(sheets: list[str]) -> list[str]:
    """The stylesheets with every ``var()`` written out as its value: the
    values their top-level ``:root`` rules give (a later sheet's win), else
    the fallback, else the declaration is left out. Not every reading system
    or converter knows custom properties (calibre's conversions drop them),
    and without them the editor's styles would fall back to the authors'."""
    values: dict[str, str] = {}
    for text in sheets:
        for rule in _ROOT_RULE.findall(text):
            values.update((name, value.strip()) for name, value in _PROPERTY.findall(rule))

    def resolve(text: str, depth: int = 0) -> str:
        def value(match: re.Match) -> str:
            name, fallback = match[1], match[2]
            if name in values and depth < 8:
                return resolve(values[name], depth + 1)
            return fallback.strip() if fallback else match[0]

        return _VAR.sub(value, text)

    # A declaration whose value is still unknown (furo's variables: the web
    # edition's) is dropped, as a browser would ignore it.
    return [_UNKNOWN.sub("", resolve(text)) for text in sheets]


def check_config(app: Sphinx, config) -> None:
    """Fail early, with the setting's name, on what would make a broken book."""
    for prop, values in config.book_epub_accessibility.items():
        if isinstance(values, str) or not values:
            raise ConfigError(f"book_epub_accessibility[{prop!r}] must be a non-empty list")
    config.epub_cover = (COVER, "book-epub-cover.html")
    # Relative to conf.py's folder, as the settings' own paths (book.web).
    config.templates_path = [*config.templates_path, os.path.relpath(TEMPLATES, app.confdir)]
    # The ePub's own stylesheet, after the web edition's (book.web).
    config.epub_css_files = [*config.epub_css_files, "book-epub.css"]


def add_static_files(app: Sphinx) -> None:
    """The ePub's stylesheet, in the ePub only."""
    if app.builder.name == "epub":
        static = os.path.relpath(HERE / "static", app.confdir)
        app.config.html_static_path = [*app.config.html_static_path, static]


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


def setup(app: Sphinx) -> None:
    app.setup_extension("sphinx.builders.epub3")
    app.add_builder(BookEpubBuilder, override=True)
    app.add_config_value("book_epub_accessibility", {}, "epub", types=[dict])
    app.connect("config-inited", check_config)
    app.connect("builder-inited", add_static_files)
