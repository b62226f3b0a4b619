"""Shared fixtures: the book is built once per test run, by the same `make`
targets a reader's copy comes from, into a temporary folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# Sphinx colours its messages when CI=true (or on a terminal); the tests read
# those messages, so every build they start writes plain text.
os.environ["NO_COLOR"] = "1"
ESSAYS_DIR = ROOT / "docs" / "essays"


def _makefile_sphinxopts() -> list[str]:
    """The strictness flags, read from the Makefile, where they are set once:
    fixture books are built exactly as strictly as the book."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^SPHINXOPTS \?= (.+)$", makefile, re.MULTILINE)
    assert match, "the Makefile no longer sets SPHINXOPTS"
    return match.group(1).split()


SPHINX_STRICT = _makefile_sphinxopts()  # ["-n", "-W", "--keep-going"]


def require(program: str) -> str:
    """The path of a system program a check needs. Missing, it fails the check
    under CI (where `.ci/run` installs it) and skips it locally, naming it."""
    path = shutil.which(program)
    if path is None:
        message = f"{program!r} is not installed (install it with: sudo make system-deps)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def build_fixture_book(
    book: Path, out: Path, builder: str, doctrees: Path, **run: object
) -> subprocess.CompletedProcess:
    """Build a fixture book (a copy of tests/fixtures/book, with its own docs/
    and sources/) with the book's conf.py, as strictly as the book."""
    sources = book / "sources"
    return subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-c", str(ROOT), *SPHINX_STRICT),
            *("-b", builder, "-d", str(doctrees)),
            *("-D", f"book_sources={sources}", "-D", f"book_facts={sources / 'essays.toml'}"),
            *(str(book / "docs"), str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
        **run,
    )


@dataclass(frozen=True)
class Chapter:
    docname: str  # "essays/no-executable-is-an-island"
    source: str  # "glyph-no-executable-is-an-island.txt"
    title: str
    front_matter: dict

    @property
    def slug(self) -> str:
        return self.docname.rsplit("/", 1)[-1]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    return yaml.safe_load(text.split("---\n", 2)[1])


def chapters() -> list[Chapter]:
    """Every chapter of the book, from its front matter."""
    out = []
    for path in sorted(ESSAYS_DIR.glob("*.md")):
        fm = front_matter(path)
        out.append(Chapter(f"essays/{path.stem}", fm["source"], fm["title"], fm))
    return out


CHAPTERS = chapters()


def essays_toml() -> list[dict]:
    return tomllib.loads((ROOT / "sources" / "essays.toml").read_text(encoding="utf-8"))["essay"]


@dataclass(frozen=True)
class Build:
    """One `make` target's result."""

    outdir: Path
    log: str


def make(target: str, builddir: Path) -> Build:
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            target,
            f"BUILDDIR={builddir}",
            # The environment these tests run in (.venv, or a nox session's).
            f"VENV={sys.prefix}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"make {target} failed:\n{log[-6000:]}"
    return Build(builddir, log)


@pytest.fixture(scope="session")
def builddir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def html(builddir) -> Build:
    build = make("html", builddir)
    return Build(builddir / "html", build.log)


@pytest.fixture(scope="session")
def epub(builddir) -> Build:
    """The ePub, built and unpacked as a reading system sees it."""
    build = make("epub", builddir)
    books = list((builddir / "epub").glob("*.epub"))
    assert len(books) == 1, f"expected exactly one .epub, found {books}"
    unpacked = builddir / "epub-unpacked"
    with zipfile.ZipFile(books[0]) as archive:
        archive.extractall(unpacked)
    return Build(unpacked, build.log)


@pytest.fixture(scope="session")
def pdf(builddir) -> Build:
    """The PDF; needs TeX Live (XeLaTeX, latexmk, xindy)."""
    for program in ("xelatex", "latexmk", "xindy"):
        require(program)
    build = make("pdf", builddir)
    pdfs = list((builddir / "latex").glob("*.pdf"))
    assert len(pdfs) == 1, f"expected exactly one .pdf, found {pdfs}"
    return Build(pdfs[0], build.log)
