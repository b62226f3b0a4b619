"""Sphinx configuration for the book.

The sources live in docs/ and this file at the repository root, so every build
passes ``-c .`` (see the Makefile, the one build path used locally, by nox, CI
and Read the Docs). Strictness (``-n -W --keep-going``) is set there, once, for
every builder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Our own extensions: small, one job each, in one place.
sys.path.insert(0, str(ROOT / "extensions"))

# -- The book -----------------------------------------------------------------

project = "Six Essays from the Python Community"
subtitle = "by Glyph Lefkowitz and Tim Peters, 2023–2024"
author = "Glyph Lefkowitz and Tim Peters"
editor = "The editors of this collection"
publisher = "Python Community Essays"
# The authors keep their copyright; "%Y" honours SOURCE_DATE_EPOCH, so two builds
# of one commit print the same year.
copyright = "2023–2024 the authors of each essay; edition %Y the editors"
# A book has editions, not releases. The ePub builder requires `version`; no
# page shows it (the LaTeX title page is our own, below).
version = release = "2026.1"
language = "en"

# -- Sources --------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxext.opengraph",
    # Our own, in extensions/:
    "chapter_byline",
    "editorial",
    "latex_book_matter",
]

root_doc = "index"
exclude_patterns = ["_build", ".venv", "**/.DS_Store"]
source_suffix = {".md": "markdown"}
# Paths are relative to this file, not to docs/.

# -- MyST -----------------------------------------------------------------------

myst_enable_extensions = [
    "attrs_block",  # {.lede} on the paragraph that opens a chapter
    "colon_fence",  # :::{editor-note} blocks, readable without a renderer
]
# The authors' punctuation is theirs: no straight quote or "--" is "smartened".
smartquotes = False
# The chapter title is the `title` of the front matter: one place, not two.
myst_title_to_header = True
# Footnotes stay where MyST puts them: at the end of the chapter.
myst_footnote_transition = True

# Every warning is an error (-W); nitpicky (-n) reports every unresolved
# reference, so a broken term, label or link cannot ship.
nitpicky = True

# -- HTML (furo) ------------------------------------------------------------------

html_theme = "furo"
html_title = project
html_static_path = ["docs/_static"]
html_css_files = ["book.css"]
html_copy_source = False  # readers get the book, not its markup
html_show_sourcelink = False
html_last_updated_fmt = None  # no build dates anywhere
# Canonical URLs on Read the Docs; locally there is no canonical host.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")

# -- OpenGraph --------------------------------------------------------------------

ogp_site_url = html_baseurl
ogp_site_name = project
ogp_type = "book"
# No network at build time and no social cards yet: keep the extension offline.
ogp_enable_meta_description = False  # chapter_byline writes the description
ogp_social_cards = {"enable": False}

# -- ePub ---------------------------------------------------------------------------

epub_title = project
epub_author = author
epub_publisher = publisher
epub_copyright = copyright
epub_language = language
# A fixed identifier: the same book in every build, not a fresh random UUID.
epub_scheme = "uuid"
epub_uid = "urn:uuid:5a0e3f62-7c1d-4d8e-9b3a-2f6c1e0b9d47"
epub_basename = "six-essays-python-community"
epub_description = (
    "Five essays by Glyph Lefkowitz (2023) and one by Tim Peters (2024) on "
    "open source work, Python packaging, telemetry, management and community "
    "governance, edited into one book."
)
# Links stay links: e-readers follow them, and URL footnotes would be numbered
# among the authors' own notes.
epub_show_urls = "no"
epub_use_index = False  # Sphinx's genindex pages are not valid XHTML for EPUBCheck
epub_exclude_files = ["search.html"]  # no search in an e-reader

# -- LaTeX / PDF ------------------------------------------------------------------

# XeLaTeX with OpenType fonts: the essays use curly quotes, dashes, ellipses,
# ™, accented letters and no-break spaces, which TeX Gyre Pagella covers.
latex_engine = "xelatex"
# Debian's xindy is in `make system-deps`; makeindex cannot sort UTF-8 names.
latex_use_xindy = True
latex_documents = [
    (
        root_doc,
        "six-essays-python-community.tex",
        project,
        author,
        "manual",  # chapters, a title page, front and back matter
        True,  # toctree_only: the front page's own text is for the web edition
    )
]
latex_toplevel_sectioning = "chapter"
# The book class, not report: \frontmatter, \mainmatter and \backmatter
# (see extensions/latex_book_matter.py).
latex_docclass = {"manual": "book"}
latex_show_urls = "footnote"
latex_show_pagerefs = True
latex_domain_indices = False
latex_elements = {
    "papersize": "a5paper",
    # Long URLs in footnotes may break after a hyphen too, not only after "/".
    "passoptionstopackages": r"\PassOptionsToPackage{hyphens}{url}",
    # Black headings, dark-blue links: a book, not a manual.
    "sphinxsetup": "TitleColor={named}{black}, InnerLinkColor={rgb}{0.1,0.2,0.45}, "
    "OuterLinkColor={rgb}{0.1,0.2,0.45}",
    "pointsize": "10pt",
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}[Scale=MatchLowercase]
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
""",
    # Chapters start on the next page, not on a blank right-hand one.
    "extraclassoptions": "openany,oneside",
    "preamble": (ROOT / "docs" / "_latex" / "preamble.tex").read_text(encoding="utf-8"),
    "maketitle": (ROOT / "docs" / "_latex" / "titlepage.tex").read_text(encoding="utf-8"),
    # Sphinx's \sphinxtableofcontents restarts the page numbers; a book's front
    # matter runs on in roman numerals from the title page to the preface.
    "tableofcontents": r"\begingroup\parskip 0pt\sphinxtableofcontentshook"
    r"\tableofcontents\endgroup\clearpage",
    # Our own chapter heads (preamble.tex), not fncychap's "Sonny" style.
    "fncychap": "",
    "releasename": "",
    "printindex": r"\footnotesize\raggedright\printindex",
}
