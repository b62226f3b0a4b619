"""Write ``404.html``, the page for an address that is not in the book.

The page is the template ``404.html`` (in ``docs/_templates``), in the book's
look, with links to the contents, the search and the index. It is written by
the web builder only: it is not a document, so the ePub and the PDF never see
it, and it is in no table of contents, search index or sitemap.

Read the Docs serves a project's ``404.html`` for every missing address, at
any depth: the template gets ``book_base_url``, the root of the edition
(``html_baseurl``), to resolve its relative addresses from there. A local
build has no canonical address, and its 404 page lives at the root, where the
relative addresses are right as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.locale import _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def collect(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    if app.builder.name != "html":
        return
    base = app.config.html_baseurl
    if base and not base.endswith("/"):
        base += "/"
    yield "404", {"title": _("Page not found"), "book_base_url": base}, "404.html"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-collect-pages", collect)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
