"""Sphinx configuration for the book.

The sources live in docs/ and this file at the repository root, so every build
passes ``-c .`` (see the Makefile, the one build path, which nox, CI and Read
the Docs call). Strictness (``-n -W --keep-going``) is set there, once, for
every builder.

The book's own extension is the package ``extensions/book`` (its
``__init__.py`` says what each part does). An essay's facts are not here: each
chapter's front matter is their one record.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "extensions"))

# sphinxext-opengraph prints "matplotlib is not installed" at import, on
# every build: the book draws its own cards (book.artwork) without matplotlib.
# Drop this once it logs instead of printing (0.13 prints).
with contextlib.redirect_stdout(io.StringIO()):
    import sphinxext.opengraph  # noqa: F401

# -- The book: its identity, written once; every edition reads it from here ------

project = "Six Essays from the Python Community"
book_subtitle = "On open source work, Python and its community, 2023–2024"
book_editors = "The editors of Python Community Essays"
book_imprint = "Python Community Essays"
book_description = (
    "Six essays from the Python community, edited into one book: on independent "
    "open source work, on managing people who try their best, on shipping Python "
    "programs to their users, on telemetry, on PyCon US 2023, and on a ban and the "
    "private messages behind it."
)
# The book's subjects: the ePub's dc:subject and the PDF's keywords.
book_subjects = [
    "Python",
    "open source",
    "software packaging",
    "telemetry",
    "management",
    "PyCon",
    "community governance",
    "codes of conduct",
]
# The edition, YEAR.NUMBER: "First edition, 2026" on the copyright page. The
# ePub builder requires `version`; no page shows it as a release.
version = release = "2026.1"
language = "en"

# -- Sources --------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinxext.opengraph",
    "notfound.extension",  # sphinx-notfound-page: the 404 page
    "book",  # ours: extensions/book/
]
root_doc = "index"
exclude_patterns = ["_build", ".venv", "**/.DS_Store"]
source_suffix = {".md": "markdown"}
# Relative to this file: the received texts, and their checksums (SHA256SUMS).
book_sources = "sources"
# Relative to docs/: the chapters (one per received text).
book_chapters = "essays"

myst_enable_extensions = [
    "attrs_block",  # {attribution="…"} on a quotation
    "colon_fence",  # :::{editor-note} blocks, readable without a renderer
]
# The authors' punctuation is theirs: no straight quote or "--" is "smartened".
smartquotes = False
# The chapter title is the `title` of the front matter: one place, not two.
myst_title_to_header = True
# Footnotes stay where MyST puts them, at the end of the chapter, with no
# rule before them: a rule would read as one more of the authors' section
# breaks (the web and ePub styles set the notes apart, book.css).
myst_footnote_transition = False
# nitpicky (-n) reports every unresolved reference, so a broken term, label or
# link cannot ship; -W makes it an error.
nitpicky = True

# The typefaces: (family, the Debian package that installs it). The PDF sets
# main, sans and mono; the ePub's cover is drawn in main and sans; the social
# cards in cards (a face every machine of ours has).
book_fonts = {
    "main": ("TeX Gyre Pagella", "fonts-texgyre"),
    "sans": ("TeX Gyre Heros", "fonts-texgyre"),
    "mono": ("DejaVu Sans Mono", "fonts-dejavu-core"),
    "cards": ("DejaVu Serif", "fonts-dejavu-core"),
}

# -- HTML (furo) ------------------------------------------------------------------

html_theme = "furo"
# furo's own dark code style (native) underlines class and module names in
# blue, as links are: GitHub's dark style underlines nothing in code.
pygments_dark_style = "github-dark"
html_copy_source = False  # readers get the book, not its markup
html_show_sourcelink = False
# The rights, one line per author, are in the footer (book.web), not Sphinx's
# one "Copyright ©" line.
html_show_copyright = False
html_last_updated_fmt = None  # no build dates anywhere
# Canonical URLs on Read the Docs; locally there is no canonical host.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
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

# -- The 404 page (sphinx-notfound-page) --------------------------------------------

# Our template, in the book's look (extensions/book/web/templates/404.html);
# book.web makes its addresses absolute from the edition's root.
notfound_template = "404.html"
notfound_context = {"title": "Page not found"}

# -- OpenGraph --------------------------------------------------------------------

ogp_site_url = html_baseurl
ogp_site_name = project
ogp_type = "book"
ogp_enable_meta_description = False  # book.editorial writes the description
# The social cards (the PNG that link previews show) are drawn by
# book.artwork in the book's look: sphinxext-opengraph's own layout prints a
# page's first words (here the byline) instead of its summary.
ogp_social_cards = {"enable": False}

# -- ePub ---------------------------------------------------------------------------

# A fixed identifier: the same book in every build, not a fresh random UUID.
# epub_uid is only the XML id that names it in content.opf.
epub_identifier = "urn:uuid:5a0e3f62-7c1d-4d8e-9b3a-2f6c1e0b9d47"
epub_uid = "book-id"
epub_scheme = "uuid"  # only EPUB 3.1 printed it; kept for the record
epub_basename = "six-essays-python-community"
# Schema.org accessibility metadata (EPUB Accessibility 1.1), which reading
# systems and stores show to readers before they buy or borrow the book.
book_epub_accessibility = {
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
        "described in text. The cover image carries only the title, subtitle, "
        "authors and imprint, which the book also gives as text. No hazards."
    ],
}
# Links stay links: e-readers follow them, and URL footnotes would be numbered
# among the authors' own notes.
epub_show_urls = "no"
# Chapters and their sections; the sub-headings repeated under every project
# of "What Would You Say You Do Here?" would bury the contents.
epub_tocdepth = 2
# The essays' toctree is hidden on the front page (its cards list them), but
# the ePub's contents must have them.
epub_tocscope = "includehidden"
# The index, as the web edition has it (book.web's genindex.html, valid XHTML:
# entries linked by chapter), listed in the contents.
epub_use_index = True
epub_exclude_files = [
    "search.html",  # no search in an e-reader
    # Files the web edition's themes and extensions copy, which no ePub page
    # uses (EPUBCheck -u lists them): the basic theme's, the favicon, and
    # sphinx-design's (its cards are the web edition's only).
    "_static/basic.css",
    "_static/file.png",  # a search page's icon (book.epub drops epub.css's one rule for it)
    "_static/minus.png",
    "_static/plus.png",
    "_static/favicon.svg",
    "_static/sphinx-design.min.css",
]

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
        "",  # the authors come from the chapters (book.pdf)
        "manual",  # chapters, a title page, front and back matter
        True,  # toctree_only: the front page's own text is for the web edition
    )
]
latex_toplevel_sectioning = "chapter"
# The book class, not report: \frontmatter, \mainmatter and \backmatter.
latex_docclass = {"manual": "book"}
# The authors' notes are the only numbered notes: a link's address is not a
# footnote but a line of the editors' "Links in this chapter" (book.pdf).
latex_show_urls = "no"
latex_show_pagerefs = True
latex_domain_indices = False
latex_elements = {
    "papersize": "a5paper",
    "pointsize": "10pt",
    # A book printed on both sides: chapters open on a right-hand page, the
    # blank left-hand page before one carries nothing (book.pdf's preamble).
    "extraclassoptions": "twoside,openright",
    # The text block of an A5 book: inner margin narrower than the outer,
    # a whole number of lines high (heightrounded), so facing pages align.
    "geometry": r"\usepackage[a5paper,inner=17mm,outer=21mm,top=19mm,bottom=23mm,"
    r"headsep=5mm,footskip=9mm,heightrounded]{geometry}",
    # Everything black for print: headings, links, contents and index (the
    # links still work on screen). Code listings: a thin grey frame within
    # the text block, no wrap markers, no "continued" hints (book.pdf keeps
    # a listing whole and fits its longest line). Inline code breaks only
    # after a slash (book.pdf's preamble).
    "sphinxsetup": ", ".join(
        [
            "TitleColor={named}{black}",
            "InnerLinkColor={named}{black}",
            "OuterLinkColor={named}{black}",
            "verbatimhintsturnover=false",
            r"verbatimvisiblespace={\ }",
            r"verbatimcontinued={\makebox[2\fontcharwd\font`\x][r]{\tiny$\hookrightarrow$}}",
            "pre_border-width=0.4pt",
            "pre_padding=4pt",
            "pre_border-radius=0pt",
            "pre_background-TeXcolor={gray}{0.96}",
            "pre_border-TeXcolor={gray}{0.6}",
        ]
    ),
    # The contents, from the book's own layout (book.pdf's preamble).
    "tableofcontents": r"\booktableofcontents",
    # Our own chapter heads (book.pdf's preamble.tex), not fncychap's "Sonny".
    "fncychap": "",
    "releasename": "",
    # A section break of the authors': a short rule, centred.
    "transition": "\n\n\\booktransition\n\n",
    "printindex": r"\bookprintindex",
}
