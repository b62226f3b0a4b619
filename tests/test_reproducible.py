"""A copy of the project, committed and built elsewhere, gives the same bytes as
this checkout's own editions: the web edition, the ePub and the PDF. No build
date appears anywhere; the only date is the edition's.

The session's editions are built with SOURCE_DATE_EPOCH set to a fixed moment
far from today (conftest.EDITION_EPOCH). The working tree is copied into
another folder and committed there at that very moment, and the copy is built
with the Makefile's own targets and no SOURCE_DATE_EPOCH at all (the Makefile
takes the date from the copy's own history, tools/edition-date), in another
time zone, with another umask: so neither the clock, nor the folder, nor file
permissions, nor where the date comes from can hide in the output.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from background import early
from conftest import (
    EDITION_EPOCH,
    TEX,
    Build,
    assert_same_trees,
    book_conf,
    build_book,
    checkout,
    copy_book,
    copy_env,
    epub_file,
    first_difference,
    git,
    pdf_file,
    require,
    tree,
    working_tree_files,
)
from pdf_reader import pdftotext
from pypdf import PdfReader

EPOCH_DATE = dt.datetime.fromtimestamp(EDITION_EPOCH, dt.UTC)


@dataclass(frozen=True)
class Copy:
    root: Path
    commit: str
    log: str
    with_pdf: bool

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"

    @property
    def epub(self) -> Path:
        return epub_file(Build(self.root / "_build", self.log))

    @property
    def pdf(self) -> Path:
        return pdf_file(Build(self.root / "_build", self.log))


def build(root: Path, tz: str, umask: int) -> Copy:
    with_pdf = all(shutil.which(program) for program in TEX)
    # As the session's editions are made (conftest.editions).
    targets = ["-j4", "all"] if with_pdf else ["epub", "html"]
    env = copy_env()
    env["TZ"] = tz
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(root),
            *targets,
            f"BUILDDIR={root / '_build'}",
            f"VENV={sys.prefix}",  # the environment these tests run in
            "-o",
            f"{sys.prefix}/.installed",  # never reinstall it from a copy
        ],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=lambda: os.umask(umask),
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"make {' '.join(targets)} failed in {root}:\n{log[-6000:]}"
    return Copy(root, git(root, "rev-parse", "HEAD"), log, with_pdf)


@early
def copy(where: Path) -> Copy:
    """Another checkout, committed at the edition's moment and built, beside
    the other tests."""
    root = where / "another-checkout" / "elsewhere"
    checkout(working_tree_files(), root)
    return build(root, tz="Pacific/Chatham", umask=0o077)


# -- The same commit, the same bytes -------------------------------------------------------


def test_the_copy_takes_its_date_from_its_own_history(copy):
    assert git(copy.root, "log", "-1", "--format=%ct") == str(EDITION_EPOCH)
    shown = subprocess.run(
        [str(copy.root / "tools" / "edition-date")], capture_output=True, text=True, check=True,
        env=copy_env(),
    ).stdout.strip()  # fmt: skip
    assert shown == str(EDITION_EPOCH)


def test_html_is_byte_identical(copy, html):
    assert_same_trees(tree(html.outdir), tree(copy.html), "HTML")


def test_epub_is_byte_identical(copy, editions):
    a, b = epub_file(editions).read_bytes(), copy.epub.read_bytes()
    if a != b:  # say which member differs, not only that the zips do
        with zipfile.ZipFile(epub_file(editions)) as za, zipfile.ZipFile(copy.epub) as zb:
            assert_same_trees(
                {i.filename: za.read(i) for i in za.infolist()},
                {i.filename: zb.read(i) for i in zb.infolist()},
                "ePub members",
            )
    assert a == b, f"ePub: the zip headers differ at {first_difference(a, b)}"


def test_epub_zip_dates_and_modes_are_fixed(copy):
    with zipfile.ZipFile(copy.epub) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    expected = EPOCH_DATE.timetuple()[:6]
    for info in infos:
        assert info.date_time == expected, f"{info.filename}: {info.date_time}"
        assert info.external_attr >> 16 == 0o100644, f"{info.filename}: {oct(info.external_attr)}"


def test_pdf_is_byte_identical(copy, pdf):
    if not copy.with_pdf:
        for program in TEX:
            require(program)
    a, b = pdf.outdir.read_bytes(), copy.pdf.read_bytes()
    assert a == b, f"PDF: {first_difference(a, b)}"


# -- No build date anywhere ---------------------------------------------------------------


def today_strings() -> set[str]:
    """Today's date, written the ways a tool might write it."""
    out = set()
    for day in {dt.datetime.now(dt.UTC).date(), dt.date.today()}:
        out |= {
            day.isoformat(),
            f"{day:%Y%m%d}",
            f"{day:%B} {day.day}, {day.year}",
            f"{day:%b} {day.day}, {day.year}",
            f"{day:%b} {day:%d}, {day.year}",
            f"{day.day} {day:%B} {day.year}",
            f"{day:%d}/{day:%m}/{day.year}",
            f"{day:%m}/{day:%d}/{day.year}",
        }
    return out


def texts_of(copy: Copy) -> dict[str, str]:
    """Every text a reader or a tool can see: the web edition's files, the
    ePub's members and the PDF (its text and its metadata)."""
    out = {
        f"html/{name}": data.decode("utf-8", "replace") for name, data in tree(copy.html).items()
    }
    with zipfile.ZipFile(copy.epub) as book:
        for info in book.infolist():
            out[f"epub/{info.filename}"] = book.read(info).decode("utf-8", "replace")
    if copy.with_pdf:
        info = PdfReader(copy.pdf).metadata or {}
        out["pdf (info)"] = " ".join(f"{key} {value}" for key, value in info.items())
        if shutil.which("pdftotext"):
            out["pdf (text)"] = pdftotext(copy.pdf)
    return out


def test_no_build_date_anywhere(copy):
    leaks = [
        f"{where}: {today!r}"
        for where, text in texts_of(copy).items()
        for today in today_strings()
        if today in text
    ]
    assert not leaks, "a build date leaked into the output:\n" + "\n".join(leaks[:20])


def test_the_editions_carry_the_edition_date_and_year(copy):
    """The dates the editions carry are the commit's, which the Makefile
    passes as SOURCE_DATE_EPOCH (nobody set it for this build); the
    copyright years are the essays' and the edition's, never the clock's."""
    texts = texts_of(copy)
    (modified,) = re.findall(
        r'<meta property="dcterms:modified">([^<]+)</meta>', texts["epub/content.opf"]
    )
    assert modified == EPOCH_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    (rights,) = re.findall(r"<dc:rights>([^<]+)</dc:rights>", texts["epub/content.opf"])
    edition_year = book_conf()["release"].split(".")[0]
    assert f"© {edition_year} " in rights
    assert str(EPOCH_DATE.year) not in rights and str(dt.date.today().year + 5) not in rights
    if copy.with_pdf:
        info = PdfReader(copy.pdf).metadata
        assert info.creation_date == EPOCH_DATE, info.get("/CreationDate")
        assert info.modification_date in (None, EPOCH_DATE), info.get("/ModDate")


# -- Where the date comes from without a history of its own --------------------------------


def test_a_git_archive_knows_its_commit_date(tmp_path):
    """A tarball made by `git archive` has no history; git writes the commit's
    date into .edition-date as it makes it (export-subst). Unpacked inside
    another repository, the book still takes its own date, not that one's."""
    source = tmp_path / "source"
    checkout(working_tree_files(), source, epoch=EDITION_EPOCH - 86400)
    archive = tmp_path / "book.tar"
    git(source, "archive", "--format=tar", "--output", str(archive), "HEAD")
    other = tmp_path / "another-repository"
    other.mkdir()
    git(other, "init", "--quiet")
    (other / "README").write_text("another project\n")
    git(other, "add", "README")
    git(other, "commit", "--quiet", "-m", "another project")  # dated EDITION_EPOCH
    (other / "book").mkdir()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(other / "book")], check=True)
    shown = subprocess.run(
        [str(other / "book" / "tools" / "edition-date")], capture_output=True, text=True,
        check=True, env=copy_env(),
    ).stdout.strip()  # fmt: skip
    assert shown == str(EDITION_EPOCH - 86400)


# -- The ePub's archive, on the fixture book ----------------------------------------------------


def test_fixture_epub_is_byte_identical_with_fixed_zip_headers(tmp_path):
    """book.epub's archive on the fixture book: two builds, into two folders,
    with different umasks, give the same bytes, every member dated
    SOURCE_DATE_EPOCH."""
    book = copy_book(tmp_path)
    epubs = []
    for name, umask in (("one", 0o022), ("two-elsewhere", 0o077)):
        before = os.umask(umask)
        try:
            built = build_book(
                book, "epub", tmp_path / name, doctrees=tmp_path / f"{name}-doctrees"
            )
        finally:
            os.umask(before)
        assert built.status == 0, built
        (epub,) = built.outdir.glob("*.epub")
        epubs.append(epub)
    assert epubs[0].read_bytes() == epubs[1].read_bytes()
    with zipfile.ZipFile(epubs[0]) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos[:1]] == ["mimetype"]
    assert {i.date_time for i in infos} == {EPOCH_DATE.timetuple()[:6]}
