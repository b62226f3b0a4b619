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
subtitle = "On open source work, Python and its community, 2023–2024"
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
    "glossary_concordance",  # "Used in" under each glossary entry
    "epub_package",  # the ePub's metadata, contents and cover
    "epub_semantics",  # the ePub's lang, pop-up notes and roles
    "latex_book_matter",
    # Bad input stops the build with its file and line (issue 7):
    "book_checks",  # chapters vs sources/, essays.toml, checksums, contents
    "input_checks",  # non-UTF-8 files, raw HTML, undefined footnotes
    "sticky_warnings",  # a document that warned is read again next build
    "reproducible_epub",  # the ePub's zip headers from SOURCE_DATE_EPOCH
    "copyright_year",  # "%Y" in copyright from SOURCE_DATE_EPOCH, not the clock
    # The web edition's, in extensions/ (see "HTML (furo)" below):
    "reading_time",  # words and minutes under each chapter's byline
    "downloads",  # the ePub and PDF linked from every page
    "notfound_page",  # 404.html
    "sitemap",  # sitemap.xml and robots.txt, with a canonical address
    "social_meta",  # article:* and twitter:card for link previews
    "social_cards",  # the og:image of every page, drawn at build time
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
# Our overrides of furo's templates (page.html, search.html, the 404 page,
# the downloads) are in docs/_templates (templates_path, set in the ePub
# section below); each says why in a comment at its top.
# Footnote and glossary previews (our own script, no other host's); deferred,
# so it never holds up the page.
html_js_files = [("previews.js", {"defer": "defer"})]
# An SVG icon: one small file, sharp at every size (every current browser).
html_favicon = "docs/_static/favicon.svg"
# furo's sidebar less what only Read the Docs' old theme integration filled:
# the ethical-ads slot (it would load ads from another host) and the version
# menu (Read the Docs' own flyout does that now). The downloads go below the
# contents.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/downloads.html",
        "sidebar/scroll-end.html",
    ]
}
html_theme_options = {
    # No "view source" or "edit" button: readers get the book, not its markup.
    "top_of_page_buttons": [],
}

# -- OpenGraph --------------------------------------------------------------------

ogp_site_url = html_baseurl
ogp_site_name = project
ogp_type = "book"
ogp_enable_meta_description = False  # chapter_byline writes the description
# A social card per page (the PNG that link previews on Mastodon, Bluesky,
# Slack… show) is drawn offline at build time by extensions/social_cards.py
# in the book's look, not by sphinxext-opengraph's generic layout, which
# prints the page's first words (here the byline) instead of its summary.
ogp_social_cards = {"enable": False}
social_cards_subtitle = subtitle

# -- ePub ---------------------------------------------------------------------------

# The package document (content.opf) is written by extensions/epub_package.py
# from these settings; the pages' EPUB semantics by extensions/epub_semantics.py.
epub_title = project
epub_subtitle = subtitle
epub_author = author  # Sphinx's one creator; epub_creators lists each author
# Every author a dc:creator, in the order of the byline, with the name a
# library sorts by.
epub_creators = [("Glyph Lefkowitz", "Lefkowitz, Glyph"), ("Tim Peters", "Peters, Tim")]
epub_contributor = editor  # with the MARC role "edt" (editor)
epub_publisher = publisher
epub_copyright = copyright
epub_language = language
# A fixed identifier: the same book in every build, not a fresh random UUID.
# epub_uid is only the XML id that names it in content.opf.
epub_identifier = "urn:uuid:5a0e3f62-7c1d-4d8e-9b3a-2f6c1e0b9d47"
epub_uid = "book-id"
epub_scheme = "uuid"  # only EPUB 3.1 printed it; kept for the record
# The cover is drawn at build time from the title, authors and publisher (an
# SVG: text, so it stays legible at any size and two builds are identical);
# the cover page is docs/_templates/book-epub-cover.html.
epub_cover = ("_static/cover.svg", "book-epub-cover.html")
epub_draw_cover = True
# Our templates, for every builder: the ePub's cover page, and furo's
# overrides (see the HTML section).
templates_path = ["docs/_templates"]
# Schema.org accessibility metadata (EPUB Accessibility 1.1), which reading
# systems and stores show to readers before they buy or borrow the book.
epub_accessibility = {
    # Text, and one image: the cover, whose words are the title and authors.
    "accessMode": ["textual", "visual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeature": [
        "structuralNavigation",  # headings for every chapter and section
        "tableOfContents",
        "readingOrder",
        "alternativeText",  # the cover's; lost images are described in text
        "ARIA",  # DPUB-ARIA roles on notes, references and the contents
        "displayTransformability",  # reflowable text, no fixed fonts or sizes
    ],
    "accessibilityHazard": ["none"],
    "accessibilitySummary": [
        "Six essays as reflowable text, with a table of contents and a heading "
        "for every chapter and section. Notes are linked to and from their "
        "references and open in place in reading systems that support "
        "pop-up notes. The original images that were not recovered are "
        "described in text. The cover image carries only the title, authors "
        "and publisher, which the book also gives as text. No hazards."
    ],
}
epub_basename = "six-essays-python-community"
epub_description = (
    "Five essays by Glyph Lefkowitz (2023) and one by Tim Peters (2024) on "
    "open source work, Python packaging, telemetry, management and community "
    "governance, edited into one book."
)
# The web's stylesheets, then the ePub's own (furo's variables, note numbers,
# the editor's notes as set apart as on the web).
epub_css_files = [*html_css_files, "book-epub.css"]
# Links stay links: e-readers follow them, and URL footnotes would be numbered
# among the authors' own notes.
epub_show_urls = "no"
# Chapters and their sections; the sub-headings repeated under every project
# of "What Would You Say You Do Here?" would bury the contents.
epub_tocdepth = 2
epub_use_index = False  # Sphinx's genindex pages are not valid XHTML for EPUBCheck
epub_exclude_files = [
    "search.html",  # no search in an e-reader
    # Sphinx keeps the last build's settings here when conf.py changes; it is
    # the builder's, not the book's (and an unknown type would be a warning).
    ".buildinfo.bak",
    # The basic theme's files that no ePub page uses (EPUBCheck -u lists them).
    "_static/basic.css",
    "_static/minus.png",
    "_static/plus.png",
]

# -- LaTeX / PDF ------------------------------------------------------------------

# XeLaTeX with OpenType fonts: the essays use curly quotes, dashes, ellipses,
# ™, accented letters and no-break spaces, which TeX Gyre Pagella covers.
latex_engine = "xelatex"
# Debian's xindy is in `make system-deps`; makeindex cannot sort UTF-8 names.
latex_use_xindy = True
# Our xindy module (page ranges in the printed index); the Makefile loads it.
latex_additional_files = ["docs/_latex/book-index.xdy"]
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
