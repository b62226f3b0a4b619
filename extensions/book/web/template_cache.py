"""furo's templates compiled once, not again in every build.

Sphinx gives Jinja no bytecode cache, so every build compiles the theme's
templates from their source before it writes a page: in a rebuild that
changes one chapter (or nothing), most of the writing. Jinja's own cache
keeps each compiled template in the builder's doctrees folder (never
published), under its name, with a checksum of its source and the Python
that compiled it: a template that changed, or another Python, is compiled
anew, so a build never renders a stale template. Each file is written
whole or not at all (Jinja writes a temporary file and renames it), so
parallel writers and an interrupted build leave nothing half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FOLDER = "jinja-bytecode"


def use_bytecode_cache(app: Sphinx) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:  # a builder that renders no template
        return
    folder = Path(app.doctreedir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", use_bytecode_cache)
