"""The web edition's Content-Security-Policy, in a ``<meta>`` of every page.

A page may load scripts, styles, images and fonts from the edition's own
host only (``default-src 'self'``). What furo writes into the page itself is
allowed by its hash, page by page, and nothing else:

* its inline script (the saved light or dark theme, before the page is
  drawn) and its inline ``<style>`` (the code blocks' colours): a hash each;
* the ``style="opacity: 50%"`` attributes of its theme button's icons:
  their hashes, which count for attributes only with ``'unsafe-hashes'``
  (an attribute whose hash is not listed is still refused);
* ``data:`` images: furo's stylesheet draws its icons (the menu, the
  contents, external links) as ``data:`` SVG images in ``url(…)``; the
  stylesheet itself is our host's, and an image cannot run code.

Read the Docs serves its own scripts (the flyout) from the same host
(``/_/``), which ``'self'`` allows.

The policy is written into every page when the build is done (the hashes
are those of what was written): a page that has one is left as it is, so a
build after a build that changed nothing does not touch a file.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MARK = '<meta http-equiv="Content-Security-Policy"'
CHARSET = '<meta charset="utf-8">'
_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"(?!text/javascript|module)[^\"]*\")[^>]*>(.*?)</script>",
    re.S,
)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
#: An attribute: found by its name alone (a literal the matcher looks for
#: quickly; the space before it is checked after), then only after a space.
_STYLE_ATTRIBUTE = re.compile(r"style=\"([^\"]*)\"")


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(page: str) -> str:
    scripts = sorted({digest(s) for s in _SCRIPT.findall(page)})
    styles = sorted({digest(s) for s in _STYLE.findall(page)})
    attributes = sorted(
        {
            digest(html.unescape(match[1]))
            for match in _STYLE_ATTRIBUTE.finditer(page)
            if page[match.start() - 1 : match.start()].isspace()
        }
    )
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *scripts],
        "style-src": ["'self'", *(["'unsafe-hashes'"] if attributes else []), *styles, *attributes],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def write_policies(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    for path in app.builder.outdir.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        if MARK in page or CHARSET not in page:
            continue
        # After the character set, which must come first; before anything
        # the policy governs.
        meta = f'{MARK} content="{policy(page)}">'
        path.write_text(page.replace(CHARSET, f"{CHARSET}\n    {meta}", 1), encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("build-finished", write_policies)
