"""Two clean builds of the same commit, in two different folders, give the same
bytes: the web edition, the ePub and the PDF. No build date appears anywhere;
the only date is SOURCE_DATE_EPOCH, which the Makefile takes from the last
commit.

The working tree is copied twice, each copy committed as it is with a fixed
date long past (2001-02-03 04:05:06 UTC): the two commits are the same commit
(same hash), and any date of today in the output is a build date that leaked.
The copies are built with the Makefile's own targets (`make html epub pdf
BUILDDIR=...`), at different times, one in UTC with umask 022 and the other in
another time zone with umask 077, so that neither the clock, nor the folder,
nor file permissions can hide in the output.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, build_fixture_book, require
from pypdf import PdfReader
from test_bad_input import share_static

#: The commit date of both copies: 2001-02-03 04:05:06 UTC.
EPOCH = 981173106
EPOCH_DATE = dt.datetime.fromtimestamp(EPOCH, dt.UTC)
TEX = ("xelatex", "latexmk", "xindy")


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
        (book,) = (self.root / "_build" / "epub").glob("*.epub")
        return book

    @property
    def pdf(self) -> Path:
        (book,) = (self.root / "_build" / "latex").glob("*.pdf")
        return book


def working_tree_files() -> list[str]:
    """Every file of the working tree that git would commit (tracked or new,
    not ignored), as it is now."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in set(out.split("\0")) if name and (ROOT / name).is_file())


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Reproducibility test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Reproducibility test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": f"@{EPOCH} +0000",
        "GIT_COMMITTER_DATE": f"@{EPOCH} +0000",
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


def checkout(files: list[str], root: Path) -> str:
    """Copy the working tree to ``root`` and commit it; return the commit."""
    for name in files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)  # mtimes kept: make sees the venv as up to date
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "--message", "The book as it is")
    return git(root, "rev-parse", "HEAD")


def copy_env() -> dict[str, str]:
    """The environment for `make` in a copy: SOURCE_DATE_EPOCH unset (the
    Makefile takes it from the copy's commit), and this checkout's uv, so that
    the copy does not bootstrap one of its own into .tools/."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    uv = shutil.which("uv") or ROOT / ".tools" / "bin" / "uv"
    env["UV"] = str(uv)
    return env


def build(root: Path, tz: str, umask: int) -> Copy:
    with_pdf = all(shutil.which(program) for program in TEX)
    targets = ["html", "epub", *(["pdf"] if with_pdf else [])]
    env = copy_env()
    env["TZ"] = tz
    installed = f"{sys.prefix}/.installed"
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
            installed,  # never reinstall it from a copy
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


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> tuple[Copy, Copy]:
    files = working_tree_files()
    base = tmp_path_factory.mktemp("reproducible")
    first, second = base / "a", base / "second-checkout" / "in-another-folder"
    checkout(files, first)
    checkout(files, second)
    return (
        build(first, tz="UTC", umask=0o022),
        build(second, tz="Pacific/Chatham", umask=0o077),
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def first_difference(a: bytes, b: bytes) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"byte {at}: {a[max(0, at - 60) : at + 60]!r} vs {b[max(0, at - 60) : at + 60]!r}"


def assert_same_trees(a: dict[str, bytes], b: dict[str, bytes], what: str) -> None:
    assert sorted(a) == sorted(b), f"{what}: the two builds hold different files"
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"{what}: {len(differ)} file(s) differ: " + "; ".join(
        f"{name} ({first_difference(a[name], b[name])})" for name in differ[:5]
    )


# -- The same commit, the same bytes -------------------------------------------------------


def test_both_copies_are_the_same_commit(copies):
    first, second = copies
    assert first.commit == second.commit


def test_html_is_byte_identical(copies):
    first, second = copies
    assert_same_trees(tree(first.html), tree(second.html), "HTML")


def test_epub_is_byte_identical(copies):
    first, second = copies
    a, b = first.epub.read_bytes(), second.epub.read_bytes()
    if a != b:  # say which member differs, not only that the zips do
        with zipfile.ZipFile(first.epub) as za, zipfile.ZipFile(second.epub) as zb:
            assert_same_trees(
                {i.filename: za.read(i) for i in za.infolist()},
                {i.filename: zb.read(i) for i in zb.infolist()},
                "ePub members",
            )
    assert a == b, f"ePub: the zip headers differ at {first_difference(a, b)}"


def test_epub_zip_dates_and_modes_are_fixed(copies):
    with zipfile.ZipFile(copies[0].epub) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    expected = EPOCH_DATE.timetuple()[:6]
    for info in infos:
        assert info.date_time == expected, f"{info.filename}: {info.date_time}"
        assert info.external_attr >> 16 == 0o100644, f"{info.filename}: {oct(info.external_attr)}"


def test_pdf_is_byte_identical(copies):
    first, second = copies
    if not first.with_pdf:
        for program in TEX:
            require(program)
    a, b = first.pdf.read_bytes(), second.pdf.read_bytes()
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
    ePub's members and the PDF (its text and its uncompressed objects)."""
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
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(copy.pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            out["pdf (text)"] = text
    return out


def test_no_build_date_anywhere(copies):
    leaks = [
        f"{where}: {today!r}"
        for where, text in texts_of(copies[0]).items()
        for today in today_strings()
        if today in text
    ]
    assert not leaks, "a build date leaked into the output:\n" + "\n".join(leaks[:20])


def test_source_date_epoch_is_the_last_commit(copies):
    """The dates the formats carry are the commit's, which the Makefile
    passes as SOURCE_DATE_EPOCH (nobody set it for these builds)."""
    copy = copies[0]
    texts = texts_of(copy)
    # The ePub's last-modified date.
    (modified,) = re.findall(
        r'<meta property="dcterms:modified">([^<]+)</meta>', texts["epub/content.opf"]
    )
    assert modified == EPOCH_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The copyright line's "%Y" is the commit's year (extensions/copyright_year.py).
    (rights,) = re.findall(r"<dc:rights>([^<]+)</dc:rights>", texts["epub/content.opf"])
    assert f"edition {EPOCH_DATE.year} the editors" in rights
    shown = {
        year
        for name, text in texts.items()
        if name.startswith("html/") and name.endswith(".html")
        for year in re.findall(r"edition (\d{4}) the editors", text)
    }
    assert shown <= {str(EPOCH_DATE.year)}, f"the web edition's copyright line: {shown}"
    if copy.with_pdf:
        info = PdfReader(copy.pdf).metadata
        assert info.creation_date == EPOCH_DATE, info.get("/CreationDate")
        assert info.modification_date in (None, EPOCH_DATE), info.get("/ModDate")


# -- The extensions on the fixture book ------------------------------------------------------


def test_fixture_epub_is_byte_identical_with_fixed_zip_headers(tmp_path):
    """extensions/reproducible_epub.py and copyright_year.py on the small
    fixture book: two ePub builds, into two folders, with different umasks,
    some seconds apart (the zip format keeps times to 2 seconds)."""
    book = tmp_path / "book"
    shutil.copytree(Path(__file__).parent / "fixtures" / "book", book)
    share_static(book)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    epubs = []
    for name, umask in (("one", 0o022), ("two-elsewhere", 0o077)):
        out = tmp_path / name
        result = build_fixture_book(
            book,
            out,
            "epub",
            tmp_path / f"{name}-doctrees",
            env=env,
            preexec_fn=lambda umask=umask: os.umask(umask),
        )
        assert result.returncode == 0, result.stderr[-3000:]
        (epub,) = out.glob("*.epub")
        epubs.append(epub)
        time.sleep(2.1)
    assert epubs[0].read_bytes() == epubs[1].read_bytes()
    with zipfile.ZipFile(epubs[0]) as archive:
        infos = archive.infolist()
        rights = re.findall(r"<dc:rights>([^<]+)</dc:rights>", archive.read("content.opf").decode())
    assert [i.filename for i in infos[:1]] == ["mimetype"]
    assert {i.date_time for i in infos} == {EPOCH_DATE.timetuple()[:6]}
    assert rights and all(f"edition {EPOCH_DATE.year}" in r for r in rights), rights
