"""What a chapter is, and the one record of its essay's facts.

A chapter is a Markdown document in the chapters folder (``book_chapters``,
``essays/`` in ``docs/``). Its front matter is the only place its essay's
facts are written::

    ---
    title: No Executable Is An Island      # the original's title, exactly
    author: Ann Author
    date: 2023-03-30                        # YYYY, YYYY-MM or YYYY-MM-DD
    site: Ann's Blog (blog.example.org)
    url: https://blog.example.org/…         # optional: the original's address
    source: author-no-executable.txt        # the received text, in sources/
    lede: Single-file executables are …     # the author's own summary, or:
    summary: The editors' summary …         # where the author wrote none
    ---

Every other place that states a fact of an essay (the byline, the lede, the
sources-and-rights page, the contents, the ePub's creators, the PDF's title
page and metadata, the cover, the social cards) reads it from the `Chapter`
record made here. The records are parsed once per build, from every chapter
file, before any document is read, so that every part sees the facts of the
whole book (the authors, for one) whatever the build reads again; malformed
front matter is reported here, with the file and the line of the field.

The fields (``FIELDS``) and their rules are in ``FIELDS`` below; a field this
module does not know is an error (a misspelt ``url:`` would be lost).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: field -> what it holds; the first five are required, and one of "lede" and
#: "summary".
FIELDS = {
    "title": "the original's title, exactly",
    "author": "the author's name as the original gives it",
    "date": "first publication: YYYY, YYYY-MM or YYYY-MM-DD, as precise as known",
    "site": "where it first appeared: 'Blog name (host)'",
    "source": "the received text's file name in the sources folder",
    "author_sort": "the name a library sorts by (default: 'Last, First')",
    "url": "the original's address",
    "url_verified": "false when the address is inferred, not read in a copy (default true)",
    "lede": "the author's own one-sentence summary: set under the title",
    "summary": "the editors' summary, for an essay without one of its own",
    "links": "the original's links, as verified: a list of [text, address] pairs",
    "tags": "the original's tags",
    "provenance": "what else is known of the original, for the sources page",
    # MyST's and Sphinx's own file-wide settings.
    "myst": "MyST settings for this file",
    "tocdepth": "Sphinx: depth of this file's local contents",
}
REQUIRED = ("title", "author", "date", "site", "source")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
#: An http(s) address: a host, then no space, quote, angle bracket or backslash.
URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?(?:/[^\s\"'<>\\^`{|}]*)?"
)
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")

#: On the build environment: docname -> Chapter, for this build.
_RECORDS = "book_chapters"


class FrontMatterError(ValueError):
    """A problem with a chapter's front matter, at a line of its file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Chapter:
    """The facts of one essay, from its chapter's front matter."""

    docname: str
    title: str
    author: str
    author_sort: str
    date: str
    site: str
    source: str
    url: str = ""
    url_verified: bool = True
    lede: str = ""
    summary: str = ""
    links: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    provenance: str = ""
    #: field -> line of the file, for messages.
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    @property
    def slug(self) -> str:
        return self.docname.rsplit("/", 1)[-1]

    @property
    def description(self) -> str:
        """What the page is about, for search engines and link previews."""
        return self.lede or self.summary

    @property
    def date_text(self) -> str:
        """``30 March 2023``; empty for a date that was reported as wrong."""
        try:
            return format_date(self.date)
        except ValueError:
            return ""

    @property
    def year(self) -> int | None:
        try:
            return parse_date(self.date)[0].year
        except ValueError:
            return None

    @property
    def linked_url(self) -> str:
        """The original's address, where a reader may follow it (verified)."""
        return self.url if self.url_verified else ""

    def line(self, name: str) -> int:
        return dict(self.lines).get(name, 1)


# -- Dates ------------------------------------------------------------------------------


@functools.cache  # a few dates, asked for by every page (its foot names the years)
def parse_date(text: str) -> tuple[dt.date, str]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the date and its precision
    (``"year"``, ``"month"`` or ``"day"``). ``ValueError`` for anything else."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:  # "2023-02-30"
        raise ValueError(f"date {text!r} is not a date of the calendar: {error}") from None
    return date, "day" if day else "month" if month else "year"


def latest_day(text: str) -> dt.date:
    """The last day a date can mean: ``2023-03`` -> 2023-03-31."""
    try:
        date, precision = parse_date(text)
    except ValueError:
        return dt.date.max
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        following = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return date


def format_date(text: str) -> str:
    """``2023-03-30`` -> ``30 March 2023``; ``2023-03`` -> ``March 2023``."""
    date, precision = parse_date(text)
    if precision == "day":
        return f"{date.day} {date:%B %Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def edition_date() -> dt.date:
    """The day of this edition: SOURCE_DATE_EPOCH's (the Makefile sets it from
    the project's own history), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit() and int(epoch):
        return dt.date(*time.gmtime(int(epoch))[:3])
    return dt.date.today()


def sort_name(name: str) -> str:
    """``Ann B. Author`` -> ``Author, Ann B.``: the name a library sorts by."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def names(people: list[str]) -> str:
    """``A``; ``A and B``; ``A, B and C``."""
    return " and ".join([", ".join(people[:-1]), people[-1]] if len(people) > 1 else people)


# -- Parsing front matter ------------------------------------------------------------------


#: YAML counts lines from 0, after the opening '---': a file's line is a mark's + 2.
FIRST_LINE = 2


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML as MyST reads it, except that a key given twice is an error (YAML
    would silently keep the last value). Parsed by libyaml where PyYAML has
    it (its wheels do): the same values and lines, in a quarter of the time."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + FIRST_LINE
            if key in seen:
                raise FrontMatterError(
                    line,
                    f"{key!r} is given twice, on lines {seen[key]} and {line}: "
                    "keep one (YAML would silently use the last)",
                )
            seen[key] = line
        return super().construct_mapping(node, deep)


def split_front_matter(text: str) -> tuple[str, int] | None:
    """The front matter's YAML and the line it ends on, or None without one."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == "---":
            return "\n".join(lines[1 : number - 1]), number
    raise FrontMatterError(1, "the front matter has no closing '---' line")


def load_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter of a file's text, and the line of each field.

    Raises `FrontMatterError` (with the line) for a file without front matter,
    YAML that does not parse, a key given twice or anything but fields."""
    if text.startswith("\ufeff"):
        raise FrontMatterError(
            1, "the file starts with a byte-order mark (U+FEFF): save it as UTF-8 without one"
        )
    found = split_front_matter(text)
    if found is None:
        raise FrontMatterError(
            1, "the chapter has no front matter (a '---' block of its facts on top)"
        )
    source, _end = found
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + FIRST_LINE if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(line, f"the front matter is not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError(2, "the front matter is not a list of 'field: value' lines")
    lines = {str(key.value): key.start_mark.line + FIRST_LINE for key, _value in node.value}
    return data, lines


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return ""
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""


def _one_line(name: str, value: Any, line: int) -> str:
    if isinstance(value, (list, dict)):
        raise FrontMatterError(line, f"the {name!r} field must be text, not a list or a mapping")
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, str) and _LINE_BREAK.search(value.strip()):
        raise FrontMatterError(line, f"the {name!r} field must be one line")
    return " ".join(text.split())


def check_url(value: str, line: int, what: str = "url") -> str:
    if not URL.fullmatch(value):
        raise FrontMatterError(
            line, f"{what} {value!r} is not an http(s) address (no spaces, quotes or brackets)"
        )
    return value


def chapter_from_text(docname: str, text: str, today: dt.date) -> tuple[Chapter | None, list]:
    """A chapter's record from its file's text, and the problems found, as
    ``(line, message)``. With a problem in a field, the record is still made
    from the other fields where it can be (None without a title or source)."""
    problems: list[tuple[int, str]] = []
    try:
        data, lines = load_front_matter(text)
    except FrontMatterError as error:
        return None, [(error.line, str(error))]
    for name in data:
        if name not in FIELDS:
            problems.append(
                (lines.get(str(name), 1), f"unknown field {name!r} (known: {', '.join(FIELDS)})")
            )
    facts: dict[str, Any] = {}
    for name in REQUIRED:
        value = data.get(name)
        if value is None or not _text(value):
            problems.append((lines.get(name, 1), f"the {name!r} field is missing or empty"))
            continue
        try:
            facts[name] = _one_line(name, value, lines[name])
        except FrontMatterError as error:
            problems.append((error.line, str(error)))
    if "date" in facts:
        try:
            date, _precision = parse_date(facts["date"])
            if date > today:
                raise ValueError(f"date {facts['date']!r} is after this edition's date ({today})")
        except ValueError as error:
            problems.append((lines["date"], str(error)))
            del facts["date"]
    for name in ("author_sort", "lede", "summary", "provenance"):
        if name in data:
            try:
                facts[name] = _one_line(name, data[name], lines[name])
            except FrontMatterError as error:
                problems.append((error.line, str(error)))
    if "url" in data:
        try:
            facts["url"] = check_url(_one_line("url", data["url"], lines["url"]), lines["url"])
        except FrontMatterError as error:
            problems.append((error.line, str(error)))
    if "url_verified" in data:
        if not isinstance(data["url_verified"], bool):
            problems.append((lines["url_verified"], "url_verified must be true or false"))
        elif "url" not in data:
            problems.append((lines["url_verified"], "url_verified is given without a url"))
        else:
            facts["url_verified"] = data["url_verified"]
    if bool(facts.get("lede")) == bool(facts.get("summary")):
        problems.append(
            (
                lines.get("lede", lines.get("summary", 1)),
                "give exactly one of 'lede' (the author's own summary, set under the title) "
                "and 'summary' (the editors', where the author wrote none)",
            )
        )
    if "links" in data:
        links = data["links"]
        if not isinstance(links, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in links
        ):
            problems.append((lines["links"], "links must be a list of [text, address] pairs"))
        else:
            try:
                facts["links"] = tuple(
                    (" ".join(t.split()), check_url(u, lines["links"], "link")) for t, u in links
                )
            except FrontMatterError as error:
                problems.append((error.line, str(error)))
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            problems.append((lines["tags"], "tags must be a list of words"))
        else:
            facts["tags"] = tuple(t.strip() for t in tags)
    if "author_sort" in facts and "," not in facts["author_sort"]:
        problems.append((lines["author_sort"], "author_sort is 'Last, First'"))
    if "title" not in facts or "source" not in facts:
        return None, problems
    facts.setdefault("author", "")
    facts.setdefault("date", "")
    facts.setdefault("site", "")
    facts.setdefault("author_sort", sort_name(facts["author"]))
    chapter = Chapter(docname=docname, lines=tuple(sorted(lines.items())), **facts)
    return chapter, problems


# -- The records of a build -------------------------------------------------------------------


def is_chapter(env: BuildEnvironment, docname: str) -> bool:
    """A document in the chapters folder is a chapter, and nothing else is."""
    return docname.startswith(env.config.book_chapters.strip("/") + "/")


#: The records read at config-inited, until the environment exists.
_parsed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def parse_all(app: Sphinx, config) -> None:
    """Read every chapter's front matter, once, before anything else: Sphinx's
    own settings that name the authors are derived from them (book.identity)
    before Sphinx compares the settings with the last build's."""
    folder = Path(app.srcdir) / config.book_chapters.strip("/")
    today = edition_date()
    found: dict[str, Chapter] = {}
    broken: set[str] = set()
    for path in sorted(folder.glob("*.md")):
        docname = f"{config.book_chapters.strip('/')}/{path.stem}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            broken.add(docname)  # checks.text reports a file that is not UTF-8
            continue
        chapter, problems = chapter_from_text(docname, text, today)
        for line, message in problems:
            logger.warning(
                "chapter front matter: %s",
                message,
                location=f"{path}:{line}",
                type="book",
                subtype="front-matter",
            )
        if problems:
            broken.add(docname)
        if chapter is not None:
            found[docname] = chapter
    _parsed[app] = (found, broken)


def parsed(app: Sphinx) -> list[Chapter]:
    """The chapters read at config-inited, in the book's order."""
    return ordered(_parsed[app][0].values())


def attach(app: Sphinx) -> None:
    """The records on the environment, where every part reads them."""
    env = app.env
    found, broken = _parsed.pop(app)
    previous = getattr(env, _RECORDS, None)
    setattr(env, _RECORDS, found)
    env.book_chapters_broken = broken
    # Facts shown outside their own chapter changed: every page is read again.
    env.book_chapters_changed = previous is not None and previous != found


def records(env: BuildEnvironment) -> dict[str, Chapter]:
    """Every chapter's record, by document name."""
    return getattr(env, _RECORDS, {})


def get(env: BuildEnvironment, docname: str) -> Chapter | None:
    return records(env).get(docname)


def has_broken(env: BuildEnvironment) -> bool:
    """A chapter's front matter is broken (and reported): checks that depend on
    the records say nothing more than that."""
    return bool(getattr(env, "book_chapters_broken", ()))


def book_order(env: BuildEnvironment) -> list[str]:
    """Every document, in the order a reader of the contents meets them; any
    document outside the contents last, by name."""
    order: list[str] = []
    seen: set[str] = set()

    def walk(docname: str) -> None:
        if docname in seen:
            return
        seen.add(docname)
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order + sorted(set(env.all_docs) - seen)


def ordered(found) -> list[Chapter]:
    """Chapters in the book's order: of first publication (the contents must
    list them so: `book.checks.sources`), known before any document is read,
    so that every page agrees, whenever it is read. A date known only to the
    month (or the year) sorts at its end: the essay came out by then."""
    return sorted(found, key=lambda c: (latest_day(c.date), c.title))


def in_book_order(env: BuildEnvironment) -> list[Chapter]:
    return ordered(records(env).values())


def outdated_when_facts_change(app: Sphinx, env: BuildEnvironment, *_sets) -> list[str]:
    """A chapter's facts appear on other pages (the contents, the sources page,
    the preface's mentions): when any record changed, every page is read again."""
    if getattr(env, "book_chapters_changed", False):
        return sorted(env.found_docs)
    return []


def setup(app: Sphinx) -> None:
    app.add_config_value("book_chapters", "essays", "env", types=[str])
    # Before book.identity's config-inited handler (150), which reads them,
    # and every other part's builder-inited one.
    app.connect("config-inited", parse_all, priority=100)
    app.connect("builder-inited", attach, priority=100)
    app.connect("env-get-outdated", outdated_when_facts_change)
