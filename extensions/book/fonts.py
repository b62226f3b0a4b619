"""The book's typefaces: named once (``book_fonts`` in conf.py), found by name.

Each role is a family and the Debian package that installs it::

    book_fonts = {"main": ("TeX Gyre Pagella", "fonts-texgyre"), ...}

The PDF sets ``main``, ``sans`` and ``mono`` (XeLaTeX finds them through
fontconfig, by name); the ePub's cover is drawn in ``main`` and ``sans``; the
web edition's social cards in ``cards``. Before an edition uses a face, this
finds its file with fontconfig and, if it is not installed, stops the build
with the family's name and the package that installs it, before XeLaTeX or
the drawing can fail on it with a message that names neither.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def font_file(family: str, style: str | None = None) -> Path | None:
    """The file of an installed face, by exact family and style (``fc-list``;
    not ``fc-match``, which answers with a substitute), or None. Without a
    style: any face of the family."""
    files = sorted(
        Path(path)
        for face_family, face_style, path in _listing()
        if face_family == family and (style is None or face_style == style) and Path(path).is_file()
    )
    return files[0] if files else None


#: fc-list's answer for every installed face: asked once a process, when a
#: build begins (it runs while the build reads the chapters), read when an
#: edition first needs a face.
_FC_LIST = ["fc-list", "--format", "%{file}\t%{family[0]}\t%{style[0]}\n"]
_asked: subprocess.Popen | None = None
_installed: list[tuple[str, str, str]] | None = None  # (family, style, file)


def ask(*_args) -> None:
    """Start fontconfig's listing of the installed faces, unless it is known."""
    global _asked
    if _installed is None and _asked is None and shutil.which("fc-list") is not None:
        _asked = subprocess.Popen(
            _FC_LIST, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )


def _listing() -> list[tuple[str, str, str]]:
    global _asked, _installed
    if _installed is None:
        ask()
        listed = _asked.communicate()[0].splitlines() if _asked is not None else []
        _asked = None
        _installed = [
            (parts[1], parts[2], parts[0])
            for parts in (line.split("\t") for line in listed)
            if len(parts) == 3
        ]
    return _installed


def _read_the_answer(app: Sphinx, exception: Exception | None) -> None:
    """A build that needed no face leaves no listing unread."""
    if _asked is not None:
        _listing()


def require(app: Sphinx, role: str, *styles: str) -> dict[str | None, Path] | None:
    """The files of a role's face in each style (without styles: any face of
    the family, under None), or None after a warning that names the face, the
    package to install and the command that does it."""
    family, package = app.config.book_fonts[role]
    found = {style: font_file(family, style) for style in styles or (None,)}
    missing = [style for style, path in found.items() if path is None]
    if not missing:
        return found  # type: ignore[return-value]
    if shutil.which("fc-list") is None:
        detail = "fontconfig's fc-list is not installed (Debian: fontconfig)"
    else:
        styles_missing = ", ".join(s for s in missing if s)
        detail = f"{family}{f' ({styles_missing})' if styles_missing else ''} is not installed"
    logger.warning(
        "the %s typeface (%s) is missing: %s. Install the Debian package %s "
        "(sudo make system-deps installs it)",
        role,
        {"latex": "the PDF", "epub": "the ePub's cover", "html": "the social cards"}.get(
            app.builder.name, app.builder.name
        ),
        detail,
        package,
        type="book",
        subtype="font",
    )
    return None


def setup(app: Sphinx) -> None:
    app.add_config_value("book_fonts", {}, "env", types=[dict])
    app.connect("builder-inited", ask)
    app.connect("build-finished", _read_the_answer)
