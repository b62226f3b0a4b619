"""Repeat a document's warnings on every build until they are fixed.

Sphinx reads again only the documents that changed. A build that failed on a
warning (``-W``) is followed, if the editor runs ``make html`` again without
touching the file, by a build that reads nothing, warns about nothing and
succeeds: the mistake is still there and nobody is told. This extension
remembers which documents warned (in the doctree folder, next to Sphinx's own
cache) and has Sphinx read them again on the next build, so their warnings
come back. A warning outside any document (a received text, ``essays.toml``)
has the root document read again, which runs the book-wide checks again.
"""

from __future__ import annotations

import json
import logging as stdlib_logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

STATE = "warned-documents.json"
_LINE = re.compile(r":\d*$")


class Recorder(stdlib_logging.Handler):
    """Collects the documents that warnings name, for one build."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(stdlib_logging.WARNING)
        # Not the warnings that conf.py's suppress_warnings silences.
        self.addFilter(logging.WarningSuppressor(app))
        self.app = app
        self.docnames: set[str] = set()
        self.elsewhere = False

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        docname = self.docname(getattr(record, "location", None))
        if docname:
            self.docnames.add(docname)
        else:
            self.elsewhere = True

    def docname(self, location) -> str | None:
        """The document a warning's location names, in any form Sphinx uses."""
        env = self.app.env
        if isinstance(location, tuple):
            return location[0]
        if isinstance(location, nodes.Node):
            location = logging.get_node_location(location)
        if not location:
            return None
        location = str(location)
        if location in env.found_docs:
            return location
        return env.path2doc(_LINE.sub("", location))


def state_file(app: Sphinx) -> Path:
    return Path(app.doctreedir) / STATE


def start_recording(app: Sphinx) -> None:
    app._sticky_warnings = Recorder(app)  # type: ignore[attr-defined]
    stdlib_logging.getLogger(logging.NAMESPACE).addHandler(app._sticky_warnings)


def read_again(app: Sphinx, env: BuildEnvironment, *_docs) -> list[str]:
    """The documents that warned last time (and the root document if a
    warning named no document)."""
    try:
        state = json.loads(state_file(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    again = set(state.get("documents", []))
    if state.get("elsewhere"):
        again.add(app.config.root_doc)
    return sorted(again & env.found_docs)


def remember(app: Sphinx, exception: Exception | None) -> None:
    recorder: Recorder = app._sticky_warnings  # type: ignore[attr-defined]
    stdlib_logging.getLogger(logging.NAMESPACE).removeHandler(recorder)
    path = state_file(app)
    if not recorder.docnames and not recorder.elsewhere:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"documents": sorted(recorder.docnames), "elsewhere": recorder.elsewhere}
    path.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", start_recording)
    app.connect("env-get-outdated", read_again)
    # Last, after every other extension has had its say.
    app.connect("build-finished", remember, priority=999)
