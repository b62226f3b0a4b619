"""Whatever happened to the last build, the next one writes what a clean build writes.

Sphinx's HTML builder writes only what it thinks is out of date, and trusts
what the last build left. Four things it trusts can be wrong:

* ``.buildinfo``, the record of the last build's settings. Sphinx writes it
  when a build is done; an interrupted build leaves the last one's, so the
  next build takes the pages it was writing, some cut short, for finished. It
  is removed as soon as a build starts writing, so that after an interruption
  the next build writes every page again. A ``.buildinfo`` that cannot be read
  (left empty by a full disk) made Sphinx crash: it is removed too, with a
  note, and every page is written again.
* The search index. Sphinx reads the index entries of the pages it writes, and
  forgets those of the pages it does not: a build after a build that changed
  nothing lost every entry (sphinx-doc/sphinx#12599). The web edition's search
  finds pages by their words, once each; the index's entries, which named the
  same pages again and again (16 of 22 results for "telemetry"), are not in
  it, in any build, so every build's search index is the same.
* The pages of documents that were removed: Sphinx leaves them behind. They
  are removed with the document. So is ``.buildinfo.bak``, Sphinx's copy of
  the last build's settings when they changed: no clean build has one. And
  the search index keeps, for every word only a removed document had, an
  empty entry: those go too (Sphinx 9.0; drop `drop_words_of_no_page` once
  its IndexBuilder.prune removes them itself).
* The social cards of pages whose facts changed (`book.web.cards` removes them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

BUILDINFO = ".buildinfo"
_HEADER = "# Sphinx build info version 1"


def check_buildinfo(app: Sphinx) -> None:
    """A ``.buildinfo`` Sphinx cannot read is removed before it reads it."""
    if app.builder.name != "html":
        return
    path = Path(app.outdir) / BUILDINFO
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        lines = []
    if len(lines) >= 4 and lines[0] == _HEADER and lines[2].startswith("config: "):
        return
    logger.info("the last build's %s is unreadable: every page is written again", path)
    path.unlink(missing_ok=True)


def start_writing(app: Sphinx, builder) -> None:
    """Until this build is finished, the pages are not a finished build's."""
    if builder.name == "html":
        (Path(builder.outdir) / BUILDINFO).unlink(missing_ok=True)


def remove_pages_of_removed_documents(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    if app.builder.name == "html":
        for docname in removed:
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
    return []


def drop_words_of_no_page(app: Sphinx) -> list:
    """Before Sphinx writes the search index (a finish task after the
    html-collect-pages ones), make its last pruning drop the words of no page."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None or getattr(indexer, "_book_prunes_words", False):
        return []
    prune = indexer.prune

    def prune_words_too(docnames) -> None:
        prune(docnames)
        for mapping in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]

    indexer.prune = prune_words_too
    indexer._book_prunes_words = True
    return []


def remove_backup(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "html":
        (Path(app.outdir) / f"{BUILDINFO}.bak").unlink(missing_ok=True)


class LeaveIndexEntriesOutOfSearch(SphinxPostTransform):
    """The index's entries, out of the search index (they stay in the index;
    an index node that is its own target, ``book.indexing``, stays where it
    is, for its target)."""

    builders = ("html",)
    default_priority = 999

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(addnodes.index):
            node["entries"] = []


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", check_buildinfo)
    app.connect("write-started", start_writing)
    app.connect("env-get-outdated", remove_pages_of_removed_documents)
    app.connect("html-collect-pages", drop_words_of_no_page)
    app.connect("build-finished", remove_backup)
    app.add_post_transform(LeaveIndexEntriesOutOfSearch)
