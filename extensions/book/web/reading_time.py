"""Tell the web reader how long a chapter is: its words and a reading time.

Every chapter's byline (`book.editorial`) gets one more line, computed
when the page is written::

    5,120 words · about 22 minutes

Only the authors' words are counted: whatever the editor added (every element
with the ``editorial`` class: the byline itself, editor's notes, the labels of
lost images) and the footnote numbers are left out. The reading time assumes
``book_reading_wpm`` words a minute (238 by default: the average for silent
reading of non-fiction in Brysbaert, "How many words do we read per minute?",
*Journal of Memory and Language* 109, 2019), rounded up to whole minutes.

The line is for the web edition only (the ``html`` builders): an e-reader and a
printed book show their own length.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..editorial import BYLINE, EDITORIAL, NOT_TEXT, author_blocks

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: A word: a run of letters or digits, with the apostrophes and hyphens inside
#: it ("don't", "single-file"). Punctuation alone ("–", "·") is not a word.
WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")


#: What is not counted: what is not the text (`book.editorial.NOT_TEXT`:
#: notes' labels among it), and the notes' markers.
NOT_COUNTED = (*NOT_TEXT, nodes.footnote_reference)


def count_words(doctree: nodes.Node) -> int:
    """The number of the authors' words in a chapter's doctree: in each of its
    blocks (`book.editorial.author_blocks`: the editor's additions left out),
    read with its inline children as written (so "word" and a following
    paragraph never run together; inline markup inside a word, rare, is
    counted as written); footnote numbers are not words."""
    return sum(
        len(WORD.findall("".join(text for text, _line in texts)))
        for texts in author_blocks(doctree, NOT_COUNTED)
    )


def minutes(words: int, wpm: int) -> int:
    return max(1, math.ceil(words / wpm))


def reading_line(words: int, wpm: int) -> nodes.paragraph:
    n = minutes(words, wpm)
    para = nodes.paragraph(classes=["reading-time", EDITORIAL])
    para += nodes.inline(text=f"{words:,} words", classes=["reading-time-words"])
    para += nodes.Text(" · ")
    para += nodes.inline(
        text=f"about {n} minute{'s' if n != 1 else ''}",
        classes=["reading-time-minutes"],
    )
    return para


class AddReadingTime(SphinxPostTransform):
    """Append the length of the chapter to its byline, in the web edition."""

    default_priority = 900
    builders: ClassVar = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        byline = next(
            (
                node
                for node in self.document.findall(nodes.container)
                if BYLINE in node.get("classes", [])
            ),
            None,
        )
        if byline is None:  # not a chapter
            return
        words = count_words(self.document)
        byline += reading_line(words, self.config.book_reading_wpm)


def setup(app: Sphinx) -> None:
    app.add_config_value("book_reading_wpm", 238, "html", types=[int])
    app.add_post_transform(AddReadingTime)
