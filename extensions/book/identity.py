"""The book's own identity: written once, in conf.py, and read by every edition.

conf.py gives what only the editors can say: the title (Sphinx's ``project``),
``book_subtitle``, ``book_editors``, ``book_imprint``, ``book_description``,
``book_subjects`` and the edition (Sphinx's ``version``, ``YEAR.NUMBER``).
Everything else about the book is derived from the chapters' records
(`book.chapters`): its authors, in the order of the book, with the names a
library sorts them by; the years of the essays; the rights lines, one per
author. The title page, the copyright page, the ePub's package, the PDF's
metadata, the cover, the front page and the social cards all read `Book`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

from . import chapters

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth")


@dataclass(frozen=True)
class Book:
    title: str
    subtitle: str
    editors: str
    imprint: str
    description: str
    subjects: tuple[str, ...]
    edition: str  # "2026.1"
    #: (name, sort name) of each author, in the order of the book.
    authors: tuple[tuple[str, str], ...]
    #: (author, first year, last year) of the essays each wrote.
    years_by_author: tuple[tuple[str, int, int], ...]

    @property
    def year(self) -> int:
        """The edition's year."""
        return int(self.edition.split(".")[0])

    @property
    def edition_text(self) -> str:
        """``First edition, 2026``."""
        number = int(self.edition.split(".")[1])
        ordinal = _ORDINALS[number - 1] if number <= len(_ORDINALS) else f"{number}th"
        return f"{ordinal} edition, {self.year}"

    @property
    def author_names(self) -> list[str]:
        return [name for name, _sort in self.authors]

    @property
    def byline(self) -> str:
        """``by A and B, 2023–2024``."""
        return f"by {chapters.names(self.author_names)}, {self.essay_years}"

    @property
    def essay_years(self) -> str:
        years = [y for _a, first, last in self.years_by_author for y in (first, last)]
        if not years:
            return ""
        low, high = min(years), max(years)
        return f"{low}–{high}" if high != low else str(low)

    @property
    def author_rights(self) -> list[str]:
        """``© 2023 Ann Author``, one line per author, in the order of the book."""
        return [
            f"© {first if first == last else f'{first}–{last}'} {author}"
            for author, first, last in self.years_by_author
        ]

    @property
    def editors_rights(self) -> str:
        return (
            f"The editors’ matter (preface, notes, glossary and index) © {self.year} {self.editors}"
        )

    @property
    def rights(self) -> str:
        """The rights statement, in one line (the ePub's ``dc:rights``)."""
        return (
            f"Essays {', '.join(self.author_rights)}; the copyright in each essay stays with its "
            f"author. {self.editors_rights}."
        )


def book(env: BuildEnvironment) -> Book:
    """The book's identity, with the authors of the chapters as they are now."""
    return of(env.config, chapters.in_book_order(env))


def of(config: Config, in_order: list[chapters.Chapter]) -> Book:
    """The book's identity from its settings and its chapters, in order."""
    years: dict[str, list[int]] = {}
    authors: dict[str, str] = {}
    for chapter in in_order:
        if chapter.author:
            authors.setdefault(chapter.author, chapter.author_sort)
        if chapter.author and chapter.year is not None:
            years.setdefault(chapter.author, []).append(chapter.year)
    return Book(
        title=config.project,
        subtitle=config.book_subtitle,
        editors=config.book_editors,
        imprint=config.book_imprint,
        description=" ".join(config.book_description.split()),
        subjects=tuple(config.book_subjects),
        edition=config.version,
        authors=tuple(authors.items()),
        years_by_author=tuple((a, min(ys), max(ys)) for a, ys in years.items()),
    )


def check_config(app: Sphinx, config: Config) -> None:
    """What every edition needs, present and well formed: fail at once, naming
    the setting."""
    for name in ("project", "book_subtitle", "book_editors", "book_imprint", "book_description"):
        if not str(config[name]).strip():
            raise ConfigError(f"conf.py: {name} is empty; every edition shows it")
    parts = str(config.version).split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[1]) < 1:
        raise ConfigError(f"conf.py: version {config.version!r} is not an edition YEAR.NUMBER")
    # Sphinx's own settings that state the book's identity, from the one record.
    config.html_title = config.project
    config.epub_title = config.project
    config.epub_publisher = config.book_imprint
    config.epub_contributor = config.book_editors
    config.epub_description = " ".join(config.book_description.split())


def derive(app: Sphinx, config: Config) -> None:
    """Sphinx's own settings that name the authors or the rights, from the
    chapters' records (book.chapters reads them just before), set before
    Sphinx compares the settings with the last build's: the same on every
    build, they never make it read everything again."""
    the_book = of(config, chapters.parsed(app))
    config.author = config.epub_author = chapters.names(the_book.author_names)
    config.copyright = config.epub_copyright = the_book.rights


def setup(app: Sphinx) -> None:
    app.add_config_value("book_subtitle", "", "env", types=[str])
    app.add_config_value("book_editors", "", "env", types=[str])
    app.add_config_value("book_imprint", "", "env", types=[str])
    app.add_config_value("book_description", "", "env", types=[str])
    app.add_config_value("book_subjects", [], "env", types=[list, tuple])
    app.connect("config-inited", check_config)
    # After book.chapters has read the records (100).
    app.connect("config-inited", derive, priority=150)
