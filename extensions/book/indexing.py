"""The index of names, projects and topics: kept as data, applied by the build.

The chapters hold no index markup: an editor reading an essay reads the essay.
``docs/book-index.toml`` (``book_index``) lists each entry, the words that name
it and, for a topic the essay discusses without naming it, the passages where
it does (see the file's own header). When a chapter is read, every use of an
entry's words in it (outside the byline and code) gets an index target at the
word itself, and each listed passage one at its start; every edition's index
is made from those: the web edition's general index, the PDF's printed index
(page by page, ranges joined by xindy).

Mistakes in the data stop the build at the data file's line: TOML that does
not parse, an unknown key, a word that is not a valid regular expression, a
chapter that does not exist, a passage that is not in its chapter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from . import chapters
from .editorial import BYLINE, LEDE

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

KEYS = {"words", "ignore_case", "chapters", "passages", "see"}
#: Where no index target may go: the front matter (MyST's docinfo, which
#: Sphinx removes), code listings, raw text, notes' numbers.
_SKIP = (nodes.docinfo, nodes.literal_block, nodes.raw, nodes.comment, addnodes.index, nodes.label)
_WORD_START = r"(?<!\w)"  # how every entry's words begin
#: Inline elements a target may not be put inside (links, terms, inline
#: code): it goes just before them.
_WHOLE = (nodes.reference, addnodes.pending_xref, nodes.footnote_reference, nodes.literal)


@dataclass(frozen=True)
class Entry:
    name: str
    words: re.Pattern | None
    alternatives: tuple[str, ...]  # the words' regular expressions, as ``words`` tries them
    chapters: frozenset[str] | None
    passages: tuple[tuple[str, str, int], ...]  # (chapter slug, opening words, line)
    see: str


@dataclass(frozen=True)
class Index:
    path: Path
    entries: tuple[Entry, ...]


_cache: dict[tuple[str, int], Index] = {}


def data_path(app_or_env) -> Path:
    return Path(app_or_env.srcdir) / app_or_env.config.book_index


def load(env) -> Index:
    """The index data, parsed once per version of the file; problems are
    reported at their line and the entry is left out."""
    path = data_path(env)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        logger.warning("the index data %s is missing", path, type="book", subtype="index")
        return Index(path, ())
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = _parse(path, {c.slug for c in chapters.records(env).values()})
    return _cache[stamp]


def _warn(path: Path, line: int, message: str) -> None:
    logger.warning(
        "index data: %s", message, location=f"{path}:{line}", type="book", subtype="index"
    )


def _parse(path: Path, slugs: set[str]) -> Index:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        _warn(path, int(match[1]) if match else 1, f"not valid TOML: {error}")
        return Index(path, ())
    lines = text.splitlines()
    headers = {}
    for number, line in enumerate(lines, start=1):
        if match := re.fullmatch(r'\[\s*"((?:[^"\\]|\\.)*)"\s*\]\s*', line):
            headers[match[1]] = number
    entries = []
    for name, fields in data.items():
        line = headers.get(name, 1)
        if not isinstance(fields, dict):
            _warn(path, line, f'{name!r} is not an entry: write it as ["{name}"] with its words')
            continue
        if unknown := set(fields) - KEYS:
            _warn(
                path,
                line,
                f"{name!r}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(KEYS))})",
            )
            continue
        words, alternatives = None, []
        if fields.get("words"):
            flags = re.IGNORECASE if fields.get("ignore_case") else 0
            alternatives = longest_first(fields["words"])
            try:
                words = _whole_words("|".join(alternatives), flags)
            except re.error as error:
                _warn(path, line, f"{name!r}: a word is not a valid regular expression: {error}")
                continue
        where = fields.get("chapters")
        if where is not None and (bad := sorted(set(where) - slugs)):
            _warn(
                path,
                line,
                f"{name!r}: no chapter {bad[0]!r} (chapters: {', '.join(sorted(slugs))})",
            )
            continue
        passages = []
        for slug, opening in fields.get("passages", []):
            at = next((n for n in range(line, len(lines) + 1) if opening in lines[n - 1]), line)
            if slug not in slugs:
                _warn(path, at, f"{name!r}: no chapter {slug!r}")
                continue
            passages.append((slug, " ".join(opening.split()), at))
        if not (words or passages or fields.get("see")):
            _warn(
                path, line, f"{name!r} has neither words, passages nor see: it would index nothing"
            )
            continue
        entries.append(
            Entry(
                name=name,
                words=words,
                alternatives=tuple(alternatives),
                chapters=frozenset(where) if where is not None else None,
                passages=tuple(passages),
                see=str(fields.get("see", "")),
            )
        )
    return Index(path, tuple(entries))


#: What a word's first character must not be, or be followed by, to be read
#: as that character: a regular expression's syntax.
_SYNTAX = frozenset("\\.^$*+?{}[]()|")
_QUANTIFIERS = frozenset("?*+{")


def _first_character(word: str) -> str | None:
    """The character every match of ``word`` begins with, if its first
    character is a plain one (None: not so simple)."""
    if not word or "|" in word or word[0] in _SYNTAX or word[1:2] in _QUANTIFIERS:
        return None
    return word[0]


def _one_pass(entries: list[Entry]) -> re.Pattern:
    """One pattern for every entry's words, for one pass over each text. Where
    a word begins, the longest words are tried first (the entries' words
    together, not entry by entry: "Apple silicon" before "Apple", so that the
    longer entry is found, and the shorter one within it); what it matches is
    what the words one after the other would match, ``(?<!\\w)(?:word|…)``
    (case ignored if any entry ignores it).

    One after the other, the matcher would try every word at every word's
    start. So the words are grouped by their first character, in order within
    each group: where a word begins, only the words that can begin there are
    tried (the others cannot match there at all, so the first that matches is
    the same). Where a word does not begin with a plain character, the words
    are left one after the other."""
    flags = re.IGNORECASE if any(e.words.flags & re.IGNORECASE for e in entries) else 0
    words = longest_first([word for entry in entries for word in entry.alternatives])
    firsts = [_first_character(word) for word in words]
    if None in firsts:
        return _whole_words("|".join(words), flags)
    groups: dict[str, list[str]] = {}
    keys: dict[str, str] = {}  # a first character: its group's
    for word, first in zip(words, firsts, strict=True):
        # Characters the matcher takes for one another (case ignored) share a group.
        if first not in keys:
            keys[first] = next(
                (k for k in groups if re.fullmatch(re.escape(k), first, flags)), first
            )
        groups.setdefault(keys[first], []).append(word[1:])
    body = "|".join(f"{re.escape(k)}(?:{'|'.join(rests)})" for k, rests in groups.items())
    return _whole_words(body, flags)


def _whole_words(alternatives: str, flags: int) -> re.Pattern:
    """``alternatives`` (``word|word…``) matched as whole words only."""
    return re.compile(_WORD_START + "(?:" + alternatives + r")(?!\w)", flags)


def longest_first(words: list[str]) -> list[str]:
    """Words in the order a match tries them: the longest first (as written;
    words of the same length in the data's order)."""
    return sorted(words, key=len, reverse=True)


class ApplyIndex(SphinxTransform):
    """Index targets at the words and passages of the data, in a chapter."""

    # After the byline and the lede are in place (book.editorial, 830; the
    # byline is never indexed), before Sphinx's domains collect the page's
    # index entries (SphinxDomains, 850).
    default_priority = 840

    def apply(self) -> None:
        chapter = chapters.get(self.env, self.env.docname)
        if chapter is None:
            return
        index = load(self.env)
        self.env.note_dependency(str(index.path))
        wanted = [e for e in index.entries if e.chapters is None or chapter.slug in e.chapters]
        with_words = [entry for entry in wanted if entry.words is not None]
        texts = self._texts()
        if with_words:
            self._mark_words(_one_pass(with_words), with_words, texts)
        self._mark_passages(chapter, wanted, index.path, texts)
        self._mark_see(index)

    def _new_target(self, entries: list[tuple]) -> addnodes.index:
        """An index node that is its own target: one node where Sphinx's
        ``index`` directive makes two (an index node and a target), for each
        of a build's 700 marks (every later step of the build walks, pickles
        and writes them)."""
        target_id = f"index-{self.env.new_serialno('index')}"
        node = addnodes.index(
            entries=[(kind, value, target_id, "", None) for kind, value in entries],
            ids=[target_id],
        )
        self.document.ids[target_id] = node
        return node

    def _texts(self) -> list[tuple[nodes.Text, list[nodes.Element]]]:
        """The texts a target may go at, in the document's order, each with
        its ancestors (nearest first): one walk, which leaves out whole the
        subtrees where none may go (all listed before any is marked: marking
        adds nodes)."""
        out = []
        stack: list[tuple[nodes.Node, list[nodes.Element]]] = [(self.document, [])]
        while stack:
            node, ancestors = stack.pop()
            if isinstance(node, nodes.Text):
                out.append((node, ancestors))
            elif not isinstance(node, _SKIP) and BYLINE not in node.get("classes", ()):
                inner = [node, *ancestors]
                stack += [(child, inner) for child in reversed(node.children)]
        return out

    def _mark_words(
        self, pattern: re.Pattern, entries: list[Entry], texts: list[tuple[nodes.Text, list]]
    ) -> None:
        # Every entry whose words are in a match: "performance management" is
        # also a use of "management". The same words match again and again
        # ("Python"), so each matched spelling is looked up once.
        within: dict[str, list[tuple[int, Entry]]] = {}
        for text, ancestors in texts:
            hits = []
            for match in pattern.finditer(str(text)):
                if (found := within.get(match[0])) is None:
                    found = within[match[0]] = [
                        (inner.start(), entry)
                        for entry in entries
                        if (inner := entry.words.search(match[0]))
                    ]
                hits += [(match.start() + offset, entry) for offset, entry in found]
            if not hits:
                continue
            hits.sort(key=lambda hit: hit[0])
            whole = next((a for a in reversed(ancestors) if isinstance(a, _WHOLE)), None)
            title = next((a for a in ancestors if isinstance(a, nodes.title)), None)
            if title is not None and isinstance(title.parent, nodes.section):
                # No target inside a title (it would be copied into the contents):
                # it goes at the top of the section's text, after a byline and lede.
                section = title.parent
                at = section.index(title) + 1
                while at < len(section) and {BYLINE, LEDE} & set(section[at].get("classes", ())):
                    at += 1
                for _start, entry in reversed(hits):
                    section.insert(at, self._new_target([("single", entry.name)]))
            elif whole is not None:
                parent = whole.parent
                for _start, entry in hits:
                    parent.insert(parent.index(whole), self._new_target([("single", entry.name)]))
            else:
                self._split(text, hits)

    def _split(self, text: nodes.Text, hits: list[tuple[int, Entry]]) -> None:
        parent = text.parent
        value, position, pieces = str(text), 0, []
        for start, entry in hits:
            if start > position:
                pieces.append(nodes.Text(value[position:start]))
            pieces.append(self._new_target([("single", entry.name)]))
            position = start
        pieces.append(nodes.Text(value[position:]))
        at = parent.index(text)
        parent.remove(text)
        for offset, piece in enumerate(pieces):
            parent.insert(at + offset, piece)

    def _mark_passages(
        self,
        chapter: chapters.Chapter,
        wanted: list[Entry],
        path: Path,
        texts: list[tuple[nodes.Text, list]],
    ) -> None:
        """A target at the start of each passage's paragraph (one a target may
        go in: not the front matter's, the byline's or code's)."""
        passages = [
            (entry, opening, line)
            for entry in wanted
            for slug, opening, line in entry.passages
            if slug == chapter.slug
        ]
        if not passages:
            return
        # Each paragraph's words, from the texts as they were listed before
        # the words were marked: the same words (a target has none).
        paragraphs: dict[nodes.paragraph, list[str]] = {}
        for text, ancestors in texts:
            if block := next((a for a in ancestors if isinstance(a, nodes.paragraph)), None):
                paragraphs.setdefault(block, []).append(str(text))
        blocks = [(b, " ".join("".join(pieces).split())) for b, pieces in paragraphs.items()]
        for entry, opening, line in passages:
            block = next((b for b, text in blocks if text.startswith(opening)), None)
            if block is None:
                _warn(
                    path,
                    line,
                    f"{entry.name!r}: no paragraph of {chapter.docname} begins {opening!r}",
                )
                continue
            block.insert(0, self._new_target([("single", entry.name)]))

    def _mark_see(self, index: Index) -> None:
        """A ``see`` entry goes where its heading's first target is."""
        names = {entry.see: entry.name for entry in index.entries if entry.see}
        if not names:
            return
        for node in list(self.document.findall(addnodes.index)):
            for _kind, value, _target, _main, _key in node["entries"]:
                if value in names:
                    node["entries"].append(
                        ("see", f"{names.pop(value)}; {value}", _target, "", None)
                    )
                    break


def visit_index(self, node: addnodes.index) -> None:
    """In the web edition and the ePub, an index node's own target (if it has
    one) is where its entries link to: written as docutils writes a target's
    (Sphinx's HTML writer writes nothing for an index node)."""
    if node["ids"]:
        self.body.append(self.starttag(node, "span", "", CLASS="target") + "</span>")
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    app.add_config_value("book_index", "book-index.toml", "env", types=[str])
    app.add_transform(ApplyIndex)
    app.add_node(addnodes.index, override=True, html=(visit_index, None))
