"""Whatever happened to the last build, the next one gives exactly what a clean
build gives: after a build that changed nothing, after one chapter was touched,
after a build that failed and was fixed (a chapter's mistake, a social card
that could not be drawn), after one that was interrupted or that left a
damaged record of itself, after the book's mark changed, and under
`make -j all`.

The fixture book is built in this process (and, to be interrupted, in a
process of its own); the PDF's case is the book's, through `make`.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from background import early
from conftest import (
    ROOT,
    TEX,
    Built,
    assert_same_trees,
    book_conf,
    build_book,
    copy_book,
    make,
    pdf_file,
    require,
    soup_of,
    sphinxopts,
    tree,
)
from jinja2.bccache import bc_magic
from PIL import Image


def assert_same_output(clean: Path, other: Path, what: str) -> None:
    assert_same_trees(tree(clean), tree(other), f"{what}, against a clean build")


def build(book: Path, where: Path, builder: str = "html", **options) -> Built:
    return build_book(book, builder, where / builder, doctrees=where / "doctrees", **options)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture book and its clean web edition."""
    where = tmp_path_factory.mktemp("clean")
    book = copy_book(where)
    built = build(book, where / "out")
    assert built.status == 0, built
    return book, built.outdir


def test_a_rebuild_that_changes_nothing_is_a_clean_build(clean, tmp_path):
    book, clean_html = clean
    for _ in range(2):
        built = build(book, tmp_path)
        assert built.status == 0, built
    assert "no targets are out of date" in built.log
    assert_same_output(clean_html, built.outdir, "a rebuild with nothing changed")


def compiled(folder: Path) -> dict[str, int]:
    """The compiled templates in a folder, and when each was written."""
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.cache")}


@pytest.fixture(scope="module")
def templates_compiled(clean, tmp_path_factory) -> Path:
    """The templates one build compiled, in a folder of their own (each test
    takes a copy, the files' times kept)."""
    book, _clean_html = clean
    where = tmp_path_factory.mktemp("templates")
    folder = where / "compiled"
    built = build(book, where / "out", overrides={"book_template_cache": str(folder)})
    assert built.status == 0, built
    return folder


def test_a_cold_build_compiles_no_template_an_earlier_build_compiled(
    clean, templates_compiled, tmp_path
):
    """The compiled templates are kept outside the build folder
    (book.web.template_cache): a cold build, in a new folder, renders what an
    earlier one compiled without compiling it again (Jinja writes a template's
    file only when it compiles it), and writes the same pages."""
    book, clean_html = clean
    shutil.copytree(templates_compiled, tmp_path / "compiled")
    overrides = {"book_template_cache": str(tmp_path / "compiled")}
    kept = compiled(tmp_path / "compiled")
    assert len(kept) >= 10, f"furo's and the book's templates, compiled: {sorted(kept)}"
    second = build(book, tmp_path / "second", overrides=overrides)
    assert second.status == 0, second
    assert compiled(tmp_path / "compiled") == kept, "a template was compiled again"
    assert_same_output(clean_html, second.outdir, "a cold build with the templates compiled")


def test_a_damaged_compiled_template_is_compiled_anew(clean, templates_compiled, tmp_path):
    """A compiled template's file cut short after its header (a disk that
    filled, a crash before the file reached the disk), or not one at all: the
    build compiles the template again and writes what a clean build writes."""
    book, clean_html = clean
    shutil.copytree(templates_compiled, tmp_path / "compiled")
    overrides = {"book_template_cache": str(tmp_path / "compiled")}
    files = sorted((tmp_path / "compiled").glob("*.cache"))
    for number, path in enumerate(files):
        header = path.read_bytes()[: len(bc_magic) + 1]  # Jinja's mark, then a cut
        path.write_bytes(header if number % 2 else b"not a compiled template")
    built = build(book, tmp_path / "second", overrides=overrides)
    assert built.status == 0, built
    assert_same_output(
        clean_html, built.outdir, "a build after its compiled templates were damaged"
    )
    assert all(path.stat().st_size > 100 for path in files), "a damaged file was not written again"


def test_a_template_changed_between_builds_is_rendered_anew(clean, tmp_path):
    """The compiled templates are kept between builds (book.web.template_cache):
    one whose source changed, at the same path, is compiled again, never
    rendered stale."""
    book, _clean_html = clean
    templates = tmp_path / "templates"
    brand = templates / "sidebar" / "brand.html"  # furo's, in every page's sidebar
    brand.parent.mkdir(parents=True)
    overrides = {
        "templates_path": [str(templates)],
        "book_template_cache": str(tmp_path / "compiled"),
    }
    for later, words in enumerate(("The first brand", "The second brand")):
        brand.write_text(f'<p class="test-brand">{words}</p>\n', encoding="utf-8")
        stamp = time.time_ns() + later * 10**9  # newer than the pages just written
        os.utime(brand, ns=(stamp, stamp))
        built = build(book, tmp_path, overrides=overrides)
        assert built.status == 0, built
        page = (built.outdir / "index.html").read_text(encoding="utf-8")
        assert f'<p class="test-brand">{words}</p>' in page
    assert compiled(tmp_path / "compiled"), "no template kept"


def test_a_rebuild_after_touching_a_chapter_is_a_clean_build(clean, tmp_path):
    book, clean_html = clean
    assert build(book, tmp_path).status == 0
    os.utime(book / "docs" / "essays" / "first.md")
    built = build(book, tmp_path)
    assert built.status == 0, built
    assert "essays/first" in built.log
    assert_same_output(clean_html, built.outdir, "a rebuild after one chapter was touched")


def test_a_failed_build_once_fixed_gives_a_clean_build(clean, tmp_path):
    _book, clean_html = clean
    book = copy_book(tmp_path)
    chapter = book / "docs" / "essays" / "second.md"
    good = chapter.read_text(encoding="utf-8")
    chapter.write_text(good.replace("naïve.", "{term}`naïve`."), encoding="utf-8")
    assert build(book, tmp_path).status != 0
    assert gc.get_freeze_count() == 0, "the failed build left its objects frozen"
    chapter.write_text(good, encoding="utf-8")
    built = build(book, tmp_path)
    assert built.status == 0, built
    assert_same_output(clean_html, built.outdir, "a build after a failed one")


def test_a_build_lets_go_of_what_it_froze(clean, tmp_path):
    """While it builds, what the process held when the build began, what
    each document's reading adds and what each page's resolving adds, is kept
    out of the garbage collector's walks (book.collector); when it ends (the
    failed build above too), it is let go, so a process that builds again and
    again (these tests, a live-reload server) collects as before. A freeze the
    process made itself is its own: left as it was."""
    book, clean_html = clean
    assert gc.get_freeze_count() == 0
    frozen, resolved = [], []

    def watch(app) -> None:
        frozen.append(gc.get_freeze_count())  # the builder ready
        # After book.collector's own handlers (900): each document read, then
        # all, then each doctree made ready for its page.
        app.connect("doctree-read", lambda app, doctree: frozen.append(gc.get_freeze_count()), 990)
        app.connect("env-updated", lambda app, env: frozen.append(gc.get_freeze_count()), 990)
        app.connect(
            "doctree-resolved",
            lambda app, doctree, docname: resolved.append(gc.get_freeze_count()),
            990,
        )

    built = build(book, tmp_path, ready=watch)
    assert built.status == 0, built
    assert frozen[0] > 0, "nothing was frozen while the book was built"
    # A frozen object that is freed leaves the count: it is compared read by read.
    ready, *read, complete = frozen
    assert all(now > before for before, now in zip([ready, *read[:-1]], read, strict=True)), (
        f"what each document's reading made was not frozen as it was read: {frozen}"
    )
    assert complete > ready, frozen
    pages = zip([complete, *resolved[:-1]], resolved, strict=True)
    assert all(now > before for before, now in pages), (
        f"what each page's resolving made was not frozen as it was resolved: {complete}, {resolved}"
    )
    assert gc.get_freeze_count() == 0, "the build left its objects frozen"
    gc.freeze()
    try:
        built = build(book, tmp_path / "again")
        assert built.status == 0, built
        assert gc.get_freeze_count() > 0, "the build let go of the process's own freeze"
    finally:
        gc.unfreeze()
    assert_same_output(clean_html, built.outdir, "a build in a process that froze its own")


def test_an_interrupted_build_resumes_to_a_clean_build(clean, tmp_path):
    """Killed while it writes the pages (some written, some not, one perhaps
    cut short), then run again: the same pages as a clean build."""
    book, clean_html = clean
    out = tmp_path / "html"
    assert build(book, tmp_path).status == 0
    for path in (book / "docs").rglob("*.md"):
        os.utime(path)  # every page to write again
    with subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-c", str(ROOT), *sphinxopts(), "-b", "html",
         "-D", f"book_sources={book / 'sources'}", "-d", str(tmp_path / "doctrees"),
         str(book / "docs"), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ) as process:  # fmt: skip
        for line in process.stdout:
            if line.startswith("writing output... ["):
                process.send_signal(signal.SIGKILL)
                break
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the build ended before it could be interrupted"
    built = build(book, tmp_path)
    assert built.status == 0, built
    assert_same_output(clean_html, built.outdir, "a build after an interrupted one")


def test_an_unreadable_record_of_the_last_build_is_written_again(clean, tmp_path):
    """A .buildinfo left empty (a full disk) made Sphinx crash with a traceback."""
    book, clean_html = clean
    assert build(book, tmp_path).status == 0
    (tmp_path / "html" / ".buildinfo").write_bytes(b"")
    built = build(book, tmp_path)
    assert built.status == 0 and "Traceback" not in built.log, built
    assert_same_output(clean_html, built.outdir, "a build after an empty .buildinfo")


def test_a_removed_chapter_leaves_no_page_behind(tmp_path):
    book = copy_book(tmp_path)
    assert build(book, tmp_path).status == 0
    assert (tmp_path / "html" / "essays" / "third.html").exists()
    (book / "docs" / "essays" / "third.md").unlink()
    (book / "sources" / "third.txt").unlink()
    sums = book / "sources" / "SHA256SUMS"
    kept = [line for line in sums.read_text().splitlines(True) if "third" not in line]
    sums.write_text("".join(kept))
    index = book / "docs" / "index.md"
    index.write_text(index.read_text().replace("essays/third\n", ""))
    built = build(book, tmp_path)
    assert built.status == 0, built
    clean = build(book, tmp_path / "clean")
    assert_same_output(clean.outdir, built.outdir, "a build after a chapter was removed")


def test_a_build_without_a_face_stops_naming_it_then_succeeds(tmp_path):
    """The ePub's cover needs the book's faces; a missing one stops the build
    with its name and the package that installs it. Installed (here: named
    right again), the next build is a clean build."""
    book = copy_book(tmp_path)
    faces = dict(book_conf()["book_fonts"])  # conf.py's own faces
    missing = {**faces, "main": ("No Such Face", "fonts-no-such-face")}
    failed = build(book, tmp_path, "epub", overrides={"book_fonts": missing})
    assert failed.status != 0
    assert any(
        "No Such Face" in m and "fonts-no-such-face" in m and "system-deps" in m
        for m in failed.messages
    ), failed.messages
    built = build(book, tmp_path, "epub")
    assert built.status == 0, built
    clean = build(book, tmp_path / "clean", "epub")
    assert (built.outdir / "six-essays-python-community.epub").read_bytes() == (
        clean.outdir / "six-essays-python-community.epub"
    ).read_bytes()


@early
def pdf_after_a_failed_run(where: Path):
    """XeLaTeX made to fail (its fonts cannot be found: fontconfig is given no
    font folder at all, and the book's own check of the faces is relaxed so
    that LaTeX runs), then `make pdf` again with the fonts back (beside the
    other tests): both runs, and the PDF."""
    for program in TEX:
        require(program)
    empty = where / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig/>\n')
    env = {**os.environ, "FONTCONFIG_FILE": str(empty), "SPHINXOPTS": "-n --keep-going"}
    failed = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "pdf", f"BUILDDIR={where}",
         f"VENV={sys.prefix}"], capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    rebuilt = make("pdf", where)
    return failed, rebuilt, pdf_file(rebuilt)


def test_the_pdf_after_a_failed_latex_run_is_a_clean_build(pdf_after_a_failed_run, pdf):
    """Once the fonts are back, `make pdf` succeeds on the first try and gives
    the very PDF of a clean build (the session's)."""
    failed, rebuilt, book = pdf_after_a_failed_run
    assert failed.returncode != 0, "XeLaTeX found the fonts"
    assert "TeX Gyre Pagella" in failed.stdout + failed.stderr
    assert "Nothing to do" not in rebuilt.log
    assert book.read_bytes() == pdf.outdir.read_bytes(), "not the PDF of a clean build"


def test_make_j_all_links_the_downloads(pdf_build):
    """`make -j4 all` (the session's own build of the editions) builds the
    web edition after the ePub and the PDF it links."""
    page = soup_of(pdf_build.outdir / "html" / "index.html")
    links = {a.get_text(strip=True) for a in page.select(".book-downloads a")}
    assert links == {"ePub", "PDF"}


def own_static(book: Path) -> Path:
    """The fixture book's docs/_static as a copy of its own (a test may change it)."""
    static = book / "docs" / "_static"
    static.unlink()
    shutil.copytree(ROOT / "docs" / "_static", static)
    return static


def test_a_card_that_cannot_be_drawn_stops_the_build_then_succeeds(clean, tmp_path):
    """The social cards are drawn by a process of their own while the pages
    are written (book.web.cards): one it cannot draw is the build's error,
    naming its file and why; the next build, the mistake mended, is a clean
    build."""
    _book, clean_html = clean
    book = copy_book(tmp_path)
    mark = own_static(book) / "book-mark.png"
    good = mark.read_bytes()
    mark.write_bytes(b"not a picture")
    failed = build(book, tmp_path)
    assert failed.status != 0
    assert any(
        "a social card could not be drawn" in m and "_images/cards/" in m and "book-mark.png" in m
        for m in failed.messages
    ), failed.messages
    mark.write_bytes(good)
    built = build(book, tmp_path)
    assert built.status == 0, built
    assert_same_output(clean_html, built.outdir, "a build after a card could not be drawn")


def test_a_new_mark_draws_every_card_again(clean, tmp_path):
    """Every card shows the book's mark: new bytes at the same path (which
    Sphinx does not see as a change) draw them all again, as a clean build.
    (The first build's mark is another; the second's, the book's own.)"""
    _book, clean_html = clean
    book = copy_book(tmp_path)
    mark = own_static(book) / "book-mark.png"
    own = mark.read_bytes()
    with Image.open(mark) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mark)
    assert build(book, tmp_path).status == 0
    before = {p.name for p in (tmp_path / "html" / "_images" / "cards").iterdir()}
    mark.write_bytes(own)
    built = build(book, tmp_path)
    assert built.status == 0, built
    after = {p.name for p in (built.outdir / "_images" / "cards").iterdir()}
    assert before and not before & after, "cards of the old mark are kept"
    assert_same_output(clean_html, built.outdir, "a build after the mark changed")
