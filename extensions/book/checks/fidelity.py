"""The one rule, in the build: a chapter's author text is its received text.

When a chapter is read, its author text (every word of its doctree that the
editors did not mark as theirs, `book.editorial.EDITORIAL`) is compared with
its received text, word for word and mark for mark, both ways: a word lost, a
word added, a word changed (a "corrected" spelling, a straightened quote) stops
the build with the chapter's line and the received text's, and the words. What
the comparison leaves aside is markup, and only markup:

* in the received text, what the copy kept of the layout: the bullets of
  lists, the numbers and letters of numbered and lettered items, the lines of
  a code listing's gutter (lines that are only a number), the title line when
  the front matter's title is the editors' (the essay's page had no title
  line in the text);
* in the chapter, a note's number (its marker is the digit the received text
  glued to the word before it: ``start.[^1]`` is ``start.1``).

So nothing the editors add can pass for the author's, whatever it is wrapped
in: a paragraph left outside its ``editor-note`` (a fence with too few
colons), a word typed into a sentence. And nothing of the author's can be
hidden: a paragraph in a comment (``%`` or ``<!-- -->``) is lost; one in an
``{only}`` or ``{raw}`` block, which some editions would show and others not,
is reported as such. Every edition is made from this doctree.

The chapter's external links are its original's, as verified: each must be in
the front matter's ``links`` (text and address), and each listed there must be
in the chapter.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from .. import chapters
from ..editorial import author_blocks, authors_links
from . import sources
from .text import COMMENTS_ONLY

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: The received text's markup of lists: a bullet, or an item's number or letter.
_LIST_MARKER = re.compile(r"^\s*(?:•|\d+\.|[a-z]\.)\s+")
#: A code listing's gutter: a line that is only a number.
_GUTTER = re.compile(r"^\s*\d+\s*$")
#: Nodes whose text is not in every edition.
_HIDDEN = (addnodes.only, nodes.raw)
#: How many differences a message lists.
SHOWN = 3


class Words(NamedTuple):
    """A text's words, and the line of each: two lists side by side (a pair a
    word would be some 30,000 objects a build, for the few messages that need
    a line)."""

    texts: list[str]
    lines: list[int]

    def line(self, at: int) -> int:
        """The line of the word at ``at`` (or of the last word; 1 if none)."""
        return self.lines[min(at, len(self.lines) - 1)] if self.lines else 1


def received_words(text: str) -> Words:
    """The words of a received text, its list markers and gutters left aside."""
    texts: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _GUTTER.match(line):
            continue
        words = _LIST_MARKER.sub(" ", line, count=1).split()
        texts += words
        lines += [number] * len(words)
    return Words(texts, lines)


def _line_of(node: nodes.Node) -> int:
    while node is not None:
        if getattr(node, "line", None):
            return node.line
        node = node.parent
    return 0


def author_words(doctree: nodes.document) -> Words:
    """The author's words of a chapter's doctree, block by block (a block's
    inline text runs together; blocks are apart: `book.editorial.author_blocks`),
    a note's marker glued to the word before it."""
    out = Words([], [])
    for texts in author_blocks(doctree):
        words = "".join(text for text, _line in texts).split()
        out.texts.extend(words)
        out.lines.extend([next((line for _text, line in texts if line), 0)] * len(words))
    return out


def _same(texts: list[str]) -> list[str]:
    """The words, each in NFC (composed accents: "é" is "é" however it was
    typed). A text in NFC as a whole is so word by word (they are split at
    spaces, which nothing composes with): one check, not one a word."""
    if unicodedata.is_normalized("NFC", " ".join(texts)):
        return texts
    return [unicodedata.normalize("NFC", text) for text in texts]


def compare(received: Words, written: Words, title: str) -> list[tuple[str, int, int, str]]:
    """The differences, as ``(kind, received line, chapter line, words)``: kind
    "lost", "added" or "changed"."""
    title_words = title.split()
    skip = len(title_words)
    if written.texts[:skip] == title_words and received.texts[:skip] != title_words:
        # the title is the editors'
        written = Words(written.texts[skip:], written.lines[skip:])
    a, b = _same(received.texts), _same(written.texts)
    if a == b:
        return []
    out = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        here, there = written.line(j1), received.line(i1)
        if tag == "delete":
            out.append(("lost", there, here, " ".join(a[i1:i2])))
        elif tag == "insert":
            out.append(("added", there, here, " ".join(b[j1:j2])))
        elif tag == "replace":
            changed = f"{' '.join(a[i1:i2])!r} into {' '.join(b[j1:j2])!r}"
            out.append(("changed", there, here, changed))
    return out


def check_chapter(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    chapter = chapters.get(env, env.docname)
    if chapter is None:
        return
    path = sources.received_path(app, chapter)
    try:
        received_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # book.checks.sources reports a missing or undecodable text
    env.note_dependency(str(path))
    where = env.doc2path(env.docname)

    for node in doctree.findall(lambda n: isinstance(n, _HIDDEN)):
        kind = (
            "an {only} block"
            if isinstance(node, addnodes.only)
            else f"raw {node.get('format', '')}"
        )
        if isinstance(node, nodes.raw) and COMMENTS_ONLY.fullmatch(node.astext()):
            continue  # an HTML comment: its words, if any, are lost and said so below
        if isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
            continue  # book.checks.text reports raw HTML, with what it would break
        _warn(
            f"{kind} in a chapter: what it holds is in some editions and not in others; "
            "a chapter's text is the same in every edition",
            where,
            _line_of(node),
        )

    differences = compare(received_words(received_text), author_words(doctree), chapter.title)
    if differences:
        total = len(differences)
        for kind, there, here, words in differences[:SHOWN]:
            if kind == "lost":
                message = (
                    f"fidelity: the chapter loses {words!r} ({path}:{there}): every word of "
                    "the author's stays, in the author's text (not in an editor's note, a "
                    "comment or a hidden block)"
                )
            elif kind == "added":
                message = (
                    f"fidelity: {words!r} is not in the received text ({path}:{there}): "
                    "what the editors add goes in an editor's note"
                )
            else:
                message = (
                    f"fidelity: the chapter changes {words} ({path}:{there}): the author's "
                    "words stay as received"
                )
            _warn(message, where, here)
        if total > SHOWN:
            _warn(f"fidelity: and {total - SHOWN} more differences from {path}", where, 1)

    check_links(chapter, doctree, where)


def check_links(chapter: chapters.Chapter, doctree: nodes.document, where: Path) -> None:
    verified = set(chapter.links)
    seen = set()
    for ref in authors_links(doctree):
        uri = ref["refuri"]
        link = (" ".join(ref.astext().split()), uri)
        seen.add(link)
        if link not in verified:
            _warn(
                f"the link [{link[0]}]({uri}) is not one of the original's, as its front matter "
                "lists them ('links'): a link is kept only where it was verified",
                where,
                _line_of(ref),
            )
    for text, uri in sorted(verified - seen):
        _warn(
            f"the front matter lists the original's link [{text}]({uri}), which the chapter "
            "does not have",
            where,
            chapter.line("links"),
        )


def _warn(message: str, path, line: int) -> None:
    logger.warning(message, location=f"{path}:{line or 1}", type="book", subtype="fidelity")


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", check_chapter)
