"""Show each chapter's facts, read from its front matter, as the editor's byline.

A chapter's front matter is the one place its facts live::

    ---
    title: No Executable Is An Island
    author: Glyph Lefkowitz
    date: 2023-03-30
    site: Deciphering Glyph (blog.glyph.im)
    url: https://blog.glyph.im/2023/03/no-exe-is-an-island.html
    source: glyph-no-executable-is-an-island.txt
    summary: Single-file executables are neither necessary nor sufficient …
    ---

From those fields this extension puts a byline under the chapter title (author,
date of first publication, where it first appeared) in every format, and makes
the summary the page's description (``<meta name="description">`` and, through
sphinxext-opengraph, ``og:description``).  ``url`` is optional: it is given only
where the original's address was verified; a byline never invents one.

Front matter that is missing or malformed is reported with the chapter's file
and the field's line, as a warning, which the build's ``-W`` turns into a
failure: no front matter at all, YAML that does not parse (at the line of the
error), a required field missing or empty, a date that is not ``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``, a URL that is not http(s), and a field this
extension does not know (a misspelt ``url:`` would otherwise be dropped
without a word).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

#: The fields every chapter must have; ``url`` is the only optional one.
REQUIRED_FIELDS = ("title", "author", "date", "site", "source", "summary")
#: Fields a chapter may have besides those: ``url`` (only if verified), and the
#: file-wide settings of MyST and Sphinx.
OPTIONAL_FIELDS = ("url", "myst", "orphan", "nocomments", "nosearch", "tocdepth")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def parse_date(text: str) -> tuple[dt.date, str]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; return the date and its
    precision (``"year"``, ``"month"`` or ``"day"``).

    Raises ``ValueError`` for anything else.
    """
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:  # "2023-02-30"
        raise ValueError(f"date {text!r} is not a date of the calendar: {error}") from None
    return date, "day" if day else "month" if month else "year"


def format_date(text: str) -> str:
    """``2023-03-30`` -> ``30 March 2023``; ``2023-03`` -> ``March 2023``."""
    date, precision = parse_date(text)
    if precision == "day":
        return f"{date.day} {date:%B %Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def field_line(source_path: str, field: str) -> int | None:
    """The line of ``field:`` in a file's front matter (1-based), if present."""
    try:
        with open(source_path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return None
        if line.startswith(f"{field}:"):
            return number
    return None


def read_front_matter(source_path: str) -> tuple[dict, None] | tuple[None, tuple[int, str]]:
    """A file's front matter as a mapping, or ``(line, message)`` saying why
    there is none: no ``---`` block, or YAML that does not parse into fields.
    A file that cannot be read as UTF-8 gives an empty mapping (Sphinx and
    ``input_checks`` report it)."""
    try:
        with open(source_path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return {}, None
    if not lines or lines[0].rstrip() != "---":
        return None, (1, "the chapter has no front matter (a '---' block of its facts on top)")
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"), None)
    if end is None:
        return None, (1, "the front matter has no closing '---' line")
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # 0-based, after the '---'
        problem = getattr(error, "problem", None) or str(error)
        return None, (line, f"the front matter is not valid YAML: {problem}")
    if not isinstance(data, dict):
        return None, (2, "the front matter is not a list of 'field: value' lines")
    return data, None


def is_chapter(docname: str, config) -> bool:
    return docname.startswith(config.chapter_byline_prefix)


class InsertByline(SphinxTransform):
    """Insert the byline under the title of every chapter."""

    # After MyST has turned the front matter into docinfo (DocInfo, 340),
    # before Sphinx's MetadataCollector reads the page's metadata.
    default_priority = 880

    def apply(self) -> None:
        docname = self.env.docname
        if not is_chapter(docname, self.config):
            return
        meta = self.env.metadata[docname]
        path = str(self.env.doc2path(docname))

        def warn(line: int, message: str) -> None:
            logger.warning(
                "chapter front matter: %s",
                message,
                location=(docname, line),
                type="chapter",
                subtype="front-matter",
            )

        def problem(field: str, message: str) -> None:
            warn(field_line(path, field) or 1, message)

        fields, broken = read_front_matter(path)
        if broken is not None:
            warn(*broken)
            return
        known = {*REQUIRED_FIELDS, *OPTIONAL_FIELDS}
        for field in fields:
            if field not in known:
                problem(field, f"unknown field {field!r} (known: {', '.join(sorted(known))})")
        missing = [f for f in REQUIRED_FIELDS if not str(meta.get(f, "")).strip()]
        for field in missing:
            problem(field, f"the {field!r} field is missing or empty")
        try:
            date = format_date(str(meta.get("date", "")))
        except ValueError as error:
            if "date" not in missing:
                problem("date", str(error))
            date = None
        url = str(meta.get("url", "")).strip()
        if url and not _URL.match(url):
            problem("url", f"url {url!r} is not an http(s) address")
            url = ""
        if missing or date is None:
            return

        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None or not isinstance(section[0], nodes.title):
            problem("title", "the chapter has no title")
            return
        section.insert(1, build_byline(meta["author"], date, meta["site"], url))
        # The summary describes the page to search engines and link previews.
        summary = " ".join(str(meta["summary"]).split())
        self.document.insert(0, nodes.meta(name="description", content=summary))
        meta["og:description"] = summary


def build_byline(author: str, date: str, site: str, url: str) -> nodes.container:
    """The byline: ``Glyph Lefkowitz · 30 March 2023 · First published on …``."""
    para = nodes.paragraph()
    para += nodes.inline(author, author, classes=["byline-author"])
    para += nodes.Text(" · ")
    para += nodes.inline(date, date, classes=["byline-date"])
    para += nodes.Text(" · First published on ")
    if url:
        para += nodes.reference(site, site, refuri=url, classes=["byline-source"])
    else:
        para += nodes.inline(site, site, classes=["byline-source"])
    # "editorial" marks everything the editor wrote, in every format.
    return nodes.container("", para, classes=["byline", "editorial"])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("chapter_byline_prefix", "essays/", "env", types=[str])
    app.add_transform(InsertByline)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
