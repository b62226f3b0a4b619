"""Put the ePub and the PDF one click away from every web page.

Where the files are depends on where the web edition is served:

On Read the Docs (``READTHEDOCS=True``)
    Read the Docs keeps the ePub and PDF that the same build made (its
    ``formats``) at ``/_/downloads/<language>/<version>/{epub,pdf}/`` on the
    project's own domain, taken from ``READTHEDOCS_CANONICAL_URL`` (else
    ``https://<READTHEDOCS_PROJECT>.readthedocs.io``).

Locally (``make all``)
    The builds sit side by side in the build folder: ``<builddir>/epub/*.epub``
    and ``<builddir>/latex/*.pdf`` next to ``<builddir>/html``. Those that
    exist when the HTML is written are copied beside it (``downloads/``) and
    linked; those that do not are not linked at all, so ``make html`` alone
    never ships a broken link.

Templates get ``book_downloads``: a list of ``{"format", "url", "size"}``
(``size`` is ``None`` on Read the Docs, which builds the files after the
HTML). When that list changes (a PDF appears after an earlier ``make html``),
every page is written again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sphinx.util import logging
from sphinx.util.osutil import ensuredir

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: The folder, inside the HTML output, where local builds copy the files.
FOLDER = "downloads"


def on_read_the_docs() -> bool:
    return os.environ.get("READTHEDOCS") == "True"


def rtd_downloads(environ: dict[str, str] | os._Environ = os.environ) -> list[dict]:
    """The addresses Read the Docs serves the ePub and the PDF at."""
    canonical = environ.get("READTHEDOCS_CANONICAL_URL", "")
    if canonical:
        parts = urlsplit(canonical)
        host = f"{parts.scheme}://{parts.netloc}"
    else:
        host = f"https://{environ['READTHEDOCS_PROJECT']}.readthedocs.io"
    language = environ.get("READTHEDOCS_LANGUAGE", "en")
    version = environ.get("READTHEDOCS_VERSION", "latest")
    return [
        {"format": label, "url": f"{host}/_/downloads/{language}/{version}/{kind}/", "size": None}
        for label, kind in (("ePub", "epub"), ("PDF", "pdf"))
    ]


def local_files(app: Sphinx) -> list[tuple[str, Path]]:
    """The ePub and PDF built beside this HTML build, if there are any."""
    builddir = Path(app.outdir).parent
    found = []
    epub = builddir / "epub" / f"{app.config.epub_basename}.epub"
    if epub.is_file():
        found.append(("ePub", epub))
    for entry in app.config.latex_documents:
        pdf = builddir / "latex" / (Path(entry[1]).stem + ".pdf")
        if pdf.is_file():
            found.append(("PDF", pdf))
            break
    return found


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError  # unreachable


def compute(app: Sphinx) -> None:
    if app.builder.format != "html" or app.builder.name == "epub":
        app.env.book_downloads_now = []
        app.builder.book_downloads_files = []
        return
    if on_read_the_docs():
        downloads = rtd_downloads()
        files: list[tuple[str, Path]] = []
    else:
        files = local_files(app)
        downloads = [
            {
                "format": label,
                "url": f"{FOLDER}/{path.name}",
                "size": human_size(path.stat().st_size),
            }
            for label, path in files
        ]
    app.env.book_downloads_now = downloads
    app.builder.book_downloads_files = files


def outdated_if_changed(
    app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set
) -> Iterable[str]:
    """Rewrite every page when the downloads differ from the last build's."""
    if getattr(env, "book_downloads", None) != env.book_downloads_now:
        env.book_downloads = env.book_downloads_now
        return env.found_docs
    return []


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    downloads = getattr(app.env, "book_downloads_now", [])
    context["book_downloads"] = [
        {**d, "url": d["url"] if "://" in d["url"] else context["pathto"](d["url"], 1)}
        for d in downloads
    ]


def copy_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    files = getattr(app.builder, "book_downloads_files", [])
    if not files:
        return
    target = Path(app.outdir) / FOLDER
    ensuredir(target)
    for _label, path in files:
        shutil.copyfile(path, target / path.name)
    logger.info("downloads: copied %s beside the HTML", ", ".join(p.name for _l, p in files))


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", compute)
    app.connect("env-get-outdated", outdated_if_changed)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", copy_files)
