"""The editors' pages that state the book's facts, made from the records.

``{book-description}``
    The front page's opening: the authors and years (from the chapters) and
    the book's description (from conf.py).
``{book-contents}``
    The front page's essays as cards (the web edition's; the ePub and the PDF
    have their own contents).
``{book-sources}``
    The sources-and-rights page: each essay's title, author, date of first
    publication and the original's address as far as it is known (cards on
    the web, a list in the ePub and the PDF, which read at any width), and the notes on what
    else is known of each original.
``{book-rights}``
    Whose copyright each essay is: one clause per author, with the sites.
``{book-received}``
    Where the texts as received can be read: links to them on the web (they
    are published with it, `book.web.received`), the web edition's address
    in the ePub and the PDF where it is known.

Nothing here is typed twice: an essay added with ``make new-essay`` appears
on both pages with no other edit. The directives write MyST, which is parsed
where they stand, so every edition sets it as it sets the editors' own text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

from . import chapters, identity
from .checks.sources import CHECKSUMS
from .web.received import FOLDER as RECEIVED

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: In the metadata of the document that lists the sources (``{book-sources}``).
SOURCES_PAGE = "book-sources-page"
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~^$%&:])")


def escape(text: str) -> str:
    """Text as MyST prints it, whatever punctuation it holds."""
    return _MARKUP.sub(r"\\\1", text)


def count(n: int, noun: str) -> str:
    """``the essay``, ``five essays``."""
    if n == 1:
        return f"the {noun}"
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n} {noun}s"


def site_markup(site: str) -> str:
    """``Blog Name (host)`` -> ``*Blog Name* (host)``."""
    name, _, host = site.partition(" (")
    return f"*{escape(name)}*" + (f" ({escape(host.rstrip(')'))})" if host else "")


class BookDescription(SphinxDirective):
    """The front page's opening: who wrote the essays, when, and what they are."""

    def run(self) -> list[nodes.Node]:
        book = identity.book(self.env)
        text = f"*{escape(book.byline)}*\n\n{escape(book.description)}\n"
        return self.parse_text_to_nodes(text)


def for_editions(html: str, epub: str, latex: str) -> str:
    """MyST that gives each edition its own form of the same facts: the web
    edition cards (sphinx-design: a grid that stacks on a phone), the ePub a
    list (a reading system cannot scroll a wide table, nor draw cards), the
    PDF a list too (an A5 page has no room for a table's columns), or
    nothing where it has its own (the contents)."""
    out = ""
    for expression, text in (("html and not epub", html), ("epub", epub), ("latex", latex)):
        if text:
            out += f"`````{{only}} {expression}\n{text}\n`````\n\n"
    return out


class BookContents(SphinxDirective):
    """The front page's essays, each with its author, its date and what it is
    about: cards on the web, a list in the ePub, under a caption like the
    contents' others. (The toctree beside it, hidden, makes the navigation;
    the PDF has its own contents.)"""

    def run(self) -> list[nodes.Node]:
        found = chapters.in_book_order(self.env)
        caption = nodes.paragraph(classes=["caption", "book-contents-caption"])
        caption += nodes.inline(_("The essays"), _("The essays"), classes=["caption-text"])
        cards = "".join(
            f":::{{grid-item-card}}\n:class-card: book-chapter\n:link: /{c.docname}\n"
            f":link-type: doc\n\n**{escape(c.title)}**\n\n{escape(c.author)} · "
            f"{escape(c.date_text)}\n\n{about(c)}\n:::\n\n"
            for c in found
        )
        grid = f"::::{{grid}} 1 1 2 2\n:gutter: 3\n:class-container: book-contents\n\n{cards}::::"
        listing = "".join(f"- {{doc}}`/{c.docname}`, by {escape(c.author)}\n" for c in found)
        return [caption, *self.parse_text_to_nodes(for_editions(grid, listing, ""))]


def about(chapter: chapters.Chapter) -> str:
    """What a chapter is about: the author's own lede, or the editors'
    summary, each in its own voice."""
    if chapter.lede:
        return f"{{.book-card-lede}}\n{escape(chapter.lede)}"
    return f"{{.book-card-summary .editorial}}\n{escape(chapter.summary)}"


class BookSources(SphinxDirective):
    """Each essay's source: its title, author, date of first publication and
    the original's address as far as it is known; then what else is known."""

    def run(self) -> list[nodes.Node]:
        # The PDF's copyright page refers to this page by its page number.
        self.env.metadata[self.env.docname][SOURCES_PAGE] = True
        found = chapters.in_book_order(self.env)
        cards = "".join(
            f":::{{grid-item-card}} {{doc}}`/{c.docname}`\n:class-card: book-source\n\n"
            f"{escape(c.author)} · {escape(c.date_text)}\n\nOriginal: {original(c)}\n:::\n\n"
            for c in found
        )
        grid = f"::::{{grid}} 1 1 2 2\n:gutter: 3\n:class-container: book-sources\n\n{cards}::::"
        items = "".join(
            f"- {{doc}}`/{c.docname}`, by {escape(c.author)}, first published "
            f"{escape(c.date_text)}. Original: {original(c)}\n"
            for c in found
        )
        listing = "{.book-sources}\n" + items
        text = for_editions(grid, listing, listing)
        notes = [(c, note(c)) for c in found if note(c)]
        if notes:
            text += "".join(f"- *{escape(c.title)}*: {n}\n" for c, n in notes) + "\n"
        return self.parse_text_to_nodes(text)


def original(chapter: chapters.Chapter) -> str:
    if chapter.linked_url:
        return f"<{chapter.linked_url}>"
    return "Not verified (see below)" if chapter.url else "Not recovered"


def note(chapter: chapters.Chapter) -> str:
    """What else is known of an original: the address it probably had, and
    the front matter's provenance."""
    parts = []
    if chapter.url and not chapter.linked_url:
        shown = re.sub(r"^https?://", "", chapter.url)
        parts.append(f"probably at `{shown}` (not verified, so not linked).")
    if chapter.provenance:
        parts.append(escape(chapter.provenance))
    return " ".join(parts)


class BookRights(SphinxDirective):
    """Whose copyright each essay is: one clause per author."""

    def run(self) -> list[nodes.Node]:
        by_author: dict[str, list[chapters.Chapter]] = {}
        for chapter in chapters.in_book_order(self.env):
            by_author.setdefault(chapter.author, []).append(chapter)
        clauses = []
        for author, written in by_author.items():
            sites = list(dict.fromkeys(c.site for c in written))
            where = " and ".join(site_markup(s) for s in sites)
            clauses.append(
                f"{escape(author)} for {count(len(written), 'essay')} first published on {where}"
            )
        text = (
            "**The copyright in each essay stays with its author**: "
            + ", ".join(clauses)
            + ". This collection credits every original and claims no right in the authors’ "
            "words. What the editors wrote (the preface, the notes, the glossary, the index "
            "and this page) is the editors’.\n"
        )
        return self.parse_text_to_nodes(text)


class BookReceived(SphinxDirective):
    """The texts as received: each chapter's, and the checksums."""

    def run(self) -> list[nodes.Node]:
        up = "../" * self.env.docname.count("/")
        files = [(c.title, c.source) for c in chapters.in_book_order(self.env)]
        listing = nodes.bullet_list()
        for title, name in [*files, (_("Their checksums (SHA-256)"), CHECKSUMS)]:
            item = nodes.paragraph()
            item += nodes.emphasis(title, title) if name != CHECKSUMS else nodes.Text(title)
            item += nodes.Text(": ")
            # A file of the web edition, not a document: no cross-reference.
            item += nodes.reference(name, name, refuri=f"{up}{RECEIVED}/{name}")
            listing += nodes.list_item("", item)
        web = addnodes.only(expr="html and not epub")
        web += listing
        base = self.config.html_baseurl
        if base:
            url = f"{base.rstrip('/')}/{RECEIVED}/"
            where = nodes.paragraph()
            where += nodes.Text(_("They are published with the web edition, at "))
            where += nodes.reference(url, url, refuri=url)
            where += nodes.Text(".")
        else:
            text = _("They are published with the web edition, on the same page there.")
            where = nodes.paragraph(text, text)
        elsewhere = addnodes.only(expr="not html or epub")
        elsewhere += where
        return [web, elsewhere]


def setup(app: Sphinx) -> None:
    app.add_directive("book-received", BookReceived)
    app.add_directive("book-description", BookDescription)
    app.add_directive("book-contents", BookContents)
    app.add_directive("book-sources", BookSources)
    app.add_directive("book-rights", BookRights)
