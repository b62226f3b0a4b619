"""Catch, in each document, the mistakes Sphinx crashes on or lets through.

* A file that is not UTF-8. Sphinx stops with a traceback that names neither
  the file nor the line. Here it is a warning naming both; the file is left
  out of the build (so the other documents are still checked, and anything
  that links to it reports the link), and ``-W`` fails the build.
* A character that is not text: a control character (a backspace, a NUL),
  which XML forbids, so the ePub would not open; a bidirectional override or
  isolate, which shows the reader other words than the file holds; a
  byte-order mark. Each is named, with its line and column.
* Anything from outside the book. No file is inserted into an edition: the
  docutils switch for file insertion is off (``include``, ``literalinclude``,
  ``csv-table :file:``, ``raw :file:``), so each is an error where it stands.
  No image or download comes from another host, or from a file outside the
  book's sources.
* Raw HTML. The LaTeX writer drops it without a word, so a reader of the PDF
  would lose it; and HTML that is not well-formed XHTML (``<br>``, ``&nbsp;``,
  an unclosed tag) makes the ePub invalid. The book has no raw HTML: what the
  editors add goes in directives (``editor-note``, ``lost-image``) that every
  format renders. HTML comments are allowed: they are not content.
* A footnote referenced but never defined. Docutils reports it as
  ``Unknown target name: "2"``; this says what is missing.

(A footnote defined but never referenced: Sphinx warns, ``Footnote [3] is not
referenced.`` [ref.footnote], and MyST keeps the note in the output, so nothing
is dropped.)
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

COMMENTS_ONLY = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.DOTALL)


def first_bad_byte(data: bytes) -> tuple[int, str] | None:
    """``(line, message)`` for the first byte that is not UTF-8, or None."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        return line, f"byte 0x{byte} at column {column} is not UTF-8 ({error.reason})"
    return None


#: Characters a text may not hold: what is not text (C0 and C1 controls but
#: tab and line ends, DEL; XML forbids them and the ePub would break), what
#: reorders text out of sight (bidirectional overrides and isolates: the
#: "Trojan Source" characters) and a byte-order mark, anywhere.
_BAD = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)


def describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if char == "\ufeff":
        return f"a byte-order mark ({code})"
    if unicodedata.category(char) == "Cc":
        return f"the control character {code}"
    return f"the invisible character {code} {name}".rstrip()


def bad_characters(text: str) -> list[tuple[int, int, str]]:
    """``(line, column, what)`` of every character a text may not hold."""
    out = []
    for match in _BAD.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        out.append((line, column, describe(match[0])))
    return out


def skip_undecodable(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Report each document that is not UTF-8 and leave it out of the build;
    report every character that is not text in the others."""
    for docname in list(docnames):
        try:
            data = env.doc2path(docname).read_bytes()
        except OSError:
            continue  # Sphinx reports it
        bad = first_bad_byte(data)
        if bad is None:
            for line, column, what in bad_characters(data.decode("utf-8")):
                logger.warning(
                    "%s at column %d: a document holds only text (delete it, or retype the "
                    "words around it)",
                    what,
                    column,
                    location=(docname, line),
                    type="input",
                    subtype="character",
                )
            continue
        line, problem = bad
        logger.warning(
            "file is not UTF-8: %s; save it as UTF-8 (it is left out of this build)",
            problem,
            location=(docname, line),
            type="input",
            subtype="encoding",
        )
        docnames.remove(docname)
        # As if the file did not exist: nothing tries to write it, and every
        # toctree or link to it reports the missing document.
        env.found_docs.discard(docname)


def line_of(node: nodes.Node) -> int | None:
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


class RawHTMLCheck(SphinxTransform):
    """Warn about every raw HTML block or inline tag, once per line."""

    default_priority = 500

    def apply(self) -> None:
        by_line: dict[int | None, list[str]] = {}
        for node in self.document.findall(nodes.raw):
            if "html" not in node.get("format", "").split():
                continue
            text = node.astext()
            if COMMENTS_ONLY.fullmatch(text):
                continue
            by_line.setdefault(line_of(node), []).append(text)
        for line, parts in by_line.items():
            html = "".join(parts).strip()
            try:
                ET.fromstring(f"<div>{html}</div>")
                breaks_epub = ""
            except ET.ParseError as error:
                breaks_epub = (
                    f"; it is not well-formed XHTML ({error.msg.split(':')[0]}), "
                    "so it would break the ePub"
                )
            snippet = html if len(html) <= 60 else html[:57] + "..."
            logger.warning(
                "raw HTML %r: the PDF drops it without a word%s. Use MyST markup or "
                "a directive (editor-note, lost-image) instead",
                snippet,
                breaks_epub,
                location=(self.env.docname, line),
                type="input",
                subtype="raw-html",
            )


class OutsideTheBook(SphinxTransform):
    """No image or download from another host or from outside the sources."""

    default_priority = 500

    def apply(self) -> None:
        srcdir = Path(self.env.srcdir).resolve()
        here = self.env.doc2path(self.env.docname).parent
        for node in self.document.findall(
            lambda n: isinstance(n, (nodes.image, addnodes.download_reference))
        ):
            uri = node.get("uri") or node.get("reftarget") or ""
            what = "image" if isinstance(node, nodes.image) else "download"
            if re.match(r"[a-z][a-z0-9+.-]*:", uri, re.I):
                problem = f"the {what} {uri!r} is not in the book: it would come from another host"
            else:
                target = (srcdir / uri.lstrip("/")) if uri.startswith("/") else (here / uri)
                if target.resolve().is_relative_to(srcdir):
                    continue
                problem = f"the {what} {uri!r} is outside the book's sources ({srcdir})"
            logger.warning(
                "%s: nothing from outside docs/ enters an edition", problem,
                location=node, type="input", subtype="outside",
            )  # fmt: skip


def no_file_insertion(app: Sphinx) -> None:
    """docutils' own switch: no directive inserts a file into a document."""
    app.env.settings["file_insertion_enabled"] = False


_INSERTION_REFUSED = re.compile(
    r'Directive ".*" disabled|File insertion disabled|File and URL access deactivated'
)


class FileInsertionRefused(SphinxTransform):
    """Say why docutils refused to insert a file, and what to do."""

    default_priority = 500

    def apply(self) -> None:
        for message in self.document.findall(nodes.system_message):
            if _INSERTION_REFUSED.search(message.astext()):
                logger.warning(
                    "no file is inserted into the book (include, literalinclude, csv-table "
                    ":file:, raw :file:): every word of an edition is in its documents. Put "
                    "the words in the document itself",
                    location=(self.env.docname, message.get("line")),
                    type="input",
                    subtype="outside",
                )


class UndefinedFootnoteCheck(SphinxTransform):
    """Name the footnote a reference points to when it has no definition."""

    # After docutils resolves footnotes (Footnotes, 620), before it turns what
    # is left into "Unknown target name" errors (DanglingReferences, 850).
    default_priority = 845

    def apply(self) -> None:
        for ref in self.document.findall(nodes.footnote_reference):
            if ref.get("refid") or not ref.get("refname"):
                continue
            label = ref["refname"]
            logger.warning(
                "footnote [^%s] is referenced here but never defined: add '[^%s]: …' "
                "at the end of the chapter",
                label,
                label,
                location=ref,
                type="input",
                subtype="footnote",
            )


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", no_file_insertion)
    app.add_transform(OutsideTheBook)
    app.add_transform(FileInsertionRefused)
    app.connect("env-before-read-docs", skip_undecodable)
    app.add_transform(RawHTMLCheck)
    app.add_transform(UndefinedFootnoteCheck)
