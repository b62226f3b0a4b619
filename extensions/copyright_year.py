"""``%Y`` in ``copyright`` is the year of SOURCE_DATE_EPOCH, not of the build.

Sphinx replaces ``%Y`` with the year of the machine's clock, and corrects it to
SOURCE_DATE_EPOCH's year only when the line *starts* with that year. The
book's line does not ("2023–2024 the authors of each essay; edition %Y the
editors"), so without this a build in January would print a different year
from one in December, in the ePub's ``dc:rights`` and wherever the line is
shown. This substitutes ``%Y`` first, from SOURCE_DATE_EPOCH (the last
commit's date, set by the Makefile); without it (or with the Makefile's 0
outside a git checkout), Sphinx's own rule applies.

Drop this once Sphinx takes ``%Y`` from SOURCE_DATE_EPOCH itself.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata


def year_of_source_date(_app: Sphinx, config: Config) -> None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or "0"
    if not int(epoch):  # unset, or the Makefile's 0 outside a git checkout: as Sphinx
        return
    year = str(time.gmtime(int(epoch)).tm_year)
    for name in ("copyright", "epub_copyright"):
        value = config[name]
        if isinstance(value, str):
            config[name] = value.replace("%Y", year)
        elif value:
            config[name] = type(value)(line.replace("%Y", year) for line in value)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Before Sphinx's own substitution (priority 795), which uses the clock.
    app.connect("config-inited", year_of_source_date, priority=700)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
