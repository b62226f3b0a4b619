"""Describe each chapter to link previews as an article, by its author, of its date.

sphinxext-opengraph writes the ``og:`` title, description, address and image of
every page. This extension adds what it cannot know, from the chapter's front
matter (the one source of its facts, read by ``chapter_byline``):

* ``og:type`` is ``article`` for a chapter (the site stays ``ogp_type``);
* ``article:author`` and ``article:published_time`` (``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD``, as precise as known, all valid ISO 8601);
* a ``<meta name="description">`` on the pages without a summary of their
  own (the chapters' is their summary, from ``chapter_byline``): the book's
  ``epub_description``, its one description;
* a ``twitter:card`` on every page: ``summary_large_image`` where the page has
  an image (the social card), else ``summary``. Twitter and Mastodon read the
  title, description and image from the ``og:`` tags.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def _tag(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{name}" content="{escape(content, quote=True)}" />\n'


def _is_chapter(app: Sphinx, pagename: str) -> bool:
    return pagename.startswith(app.config.chapter_byline_prefix)


def before_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """A chapter is an article: sphinxext-opengraph copies ``og:`` fields of the
    page's metadata over its own. A copy, so the environment is not changed."""
    if doctree is None or not _is_chapter(app, pagename) or context.get("meta") is None:
        return
    context["meta"] = {**context["meta"], "og:type": "article"}


def after_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    if app.builder.name == "epub":
        return
    tags = ""
    metatags = context.get("metatags", "")
    if 'name="description"' not in metatags and app.config.epub_description:
        # A page with no summary of its own (the glossary, the index) is
        # described as the book is: search engines show it under the link.
        tags += _tag("name", "description", " ".join(app.config.epub_description.split()))
    if doctree is None:  # the index and search pages: no link-preview tags
        context["metatags"] = metatags + tags
        return
    meta = app.env.metadata.get(pagename, {})
    if _is_chapter(app, pagename):
        if meta.get("author"):
            tags += _tag("property", "article:author", str(meta["author"]))
        if meta.get("date"):
            tags += _tag("property", "article:published_time", str(meta["date"]))
    if 'name="twitter:card"' not in metatags:
        card = "summary_large_image" if 'property="og:image"' in metatags else "summary"
        tags += _tag("name", "twitter:card", card)
    context["metatags"] = metatags + tags


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("chapter_byline")  # its chapter_byline_prefix
    # sphinxext-opengraph listens at the default priority, 500.
    app.connect("html-page-context", before_opengraph, priority=400)
    app.connect("html-page-context", after_opengraph, priority=600)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
