"""Describe each page to search engines and link previews.

sphinxext-opengraph writes the ``og:`` title, description, address and image of
every page. This part adds what it cannot know, from the chapter's record
(`book.chapters`):

* ``og:type`` is ``article`` for a chapter (the site stays ``ogp_type``);
* ``article:author``, ``article:published_time`` (``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD``, as precise as known, all valid ISO 8601) and an
  ``article:tag`` for each of the original's tags;
* a ``<meta name="description">`` on the pages without a description of
  their own (a chapter's is its lede or summary, from `book.editorial`): the
  book's description;
* a ``twitter:card`` on every page: ``summary_large_image`` where the page has
  an image (the social card), else ``summary``. Twitter and Mastodon read the
  title, description and image from the ``og:`` tags.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from .. import chapters

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _tag(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{name}" content="{escape(content, quote=True)}" />\n'


def before_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """A chapter is an article: sphinxext-opengraph copies ``og:`` fields of the
    page's metadata over its own. A copy, so the environment is not changed."""
    if doctree is None or chapters.get(app.env, pagename) is None or context.get("meta") is None:
        return
    context["meta"] = {**context["meta"], "og:type": "article"}


def after_opengraph(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    tags = ""
    metatags = context.get("metatags", "")
    if 'name="description"' not in metatags:
        # A page with no description of its own (the glossary, the index) is
        # described as the book is: search engines show it under the link.
        tags += _tag("name", "description", " ".join(app.config.book_description.split()))
    if doctree is None:  # the index and search pages: no link-preview tags
        context["metatags"] = metatags + tags
        return
    chapter = chapters.get(app.env, pagename)
    if chapter is not None:
        tags += _tag("property", "article:author", chapter.author)
        if chapter.date_text:
            tags += _tag("property", "article:published_time", chapter.date)
        for tag in chapter.tags:
            tags += _tag("property", "article:tag", tag)
    if 'name="twitter:card"' not in metatags:
        card = "summary_large_image" if 'property="og:image"' in metatags else "summary"
        tags += _tag("name", "twitter:card", card)
    context["metatags"] = metatags + tags
