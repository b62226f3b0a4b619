"""What the tests share: the book, built once per edition by the same `make`
targets a reader's copy comes from, and one helper that builds a fixture book in
this process.

`make test` exports the strictness flags (SPHINXOPTS, set once in the
Makefile); fixture books are built exactly as strictly as the book.
"""

from __future__ import annotations

import functools
import io
import os
import shlex
import shutil
import socket
import subprocess
import sys
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import background
import pytest
import yaml
from background import EARLY, NOT_YIELDING, early
from bs4 import BeautifulSoup
from visit_pages import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent.parent
# The book's own extension, for the tests that call its parts directly and the
# fixture books built in this process.
sys.path.insert(0, str(ROOT / "extensions"))
FIXTURES = Path(__file__).parent / "fixtures"
ESSAYS_DIR = ROOT / "docs" / "essays"
SOURCES = ROOT / "sources"

#: Every build the tests make is dated this moment, 2030-02-03 04:05:06 UTC
#: (SOURCE_DATE_EPOCH, which the Makefile takes from the environment when it is
#: set): a date of today in an edition is a build date that leaked, and a copy
#: of the project committed at this moment must give the very same bytes.
EDITION_EPOCH = 1896321906
os.environ["SOURCE_DATE_EPOCH"] = str(EDITION_EPOCH)

# Sphinx colours its messages when CI=true (or on a terminal); the tests read
# those messages, so every build they start writes plain text: in a process
# of its own (NO_COLOR), and in this one (Sphinx has no public switch).
os.environ["NO_COLOR"] = "1"
import sphinx._cli.util.colour  # noqa: E402

sphinx._cli.util.colour.disable_colour()


@functools.cache
def book_conf() -> dict:
    """conf.py's settings, as Sphinx reads them (run once)."""
    namespace: dict = {"__file__": str(ROOT / "conf.py")}
    exec(compile((ROOT / "conf.py").read_text(encoding="utf-8"), "conf.py", "exec"), namespace)
    return namespace


def sphinxopts() -> list[str]:
    """The strictness flags the Makefile sets once and exports."""
    flags = os.environ.get("SPHINXOPTS")
    if flags is None:
        pytest.exit(
            "run the tests with `make test`: it exports SPHINXOPTS, the build's strictness", 2
        )
    return shlex.split(flags)


#: Java for a checker that runs once, for seconds: the JIT's last tier costs
#: more than it saves, one garbage-collector thread is enough; the Nu checker
#: needs a deeper stack than the quicker tier leaves it.
QUICK_JAVA = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss16m"]


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


# -- The chapters, as the tests know them: from their front matter ------------------


@dataclass(frozen=True)
class Chapter:
    docname: str  # "essays/no-executable-is-an-island"
    source: str  # "glyph-no-executable-is-an-island.txt"
    title: str
    front_matter: dict

    @property
    def slug(self) -> str:
        return self.docname.rsplit("/", 1)[-1]

    @property
    def author(self) -> str:
        return self.front_matter["author"]

    @property
    def description(self) -> str:
        return " ".join(str(self.front_matter.get("lede") or self.front_matter["summary"]).split())


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    return yaml.safe_load(text.split("---\n", 2)[1])


def chapters(folder: Path = ESSAYS_DIR) -> list[Chapter]:
    """Every chapter of a book, from its front matter, by file name."""
    out = []
    for path in sorted(folder.glob("*.md")):
        fm = front_matter(path)
        out.append(Chapter(f"essays/{path.stem}", fm["source"], fm["title"], fm))
    return out


CHAPTERS = chapters()


def chapters_in_book_order() -> list[Chapter]:
    """The chapters in the order of the contents (docs/index.md)."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    return sorted(CHAPTERS, key=lambda c: index.index(c.docname))


# -- Pages, as a browser parses them -----------------------------------------------------


@functools.lru_cache(maxsize=256)
def _parsed(content: bytes) -> BeautifulSoup:
    return BeautifulSoup(content, "lxml")


def soup_of(path: Path) -> BeautifulSoup:
    """A page of an edition (HTML, or the ePub's XHTML) parsed as a browser
    parses it: once for its bytes, shared by every test that reads the same
    bytes (the tests read the same pages hundreds of times, and parsing them
    was a third of the tests' own thread's time). So a check never changes
    it: it takes a copy (`copy.copy`) of what it must change."""
    return _parsed(path.read_bytes())


# -- The book, built by `make` -----------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One edition: where it is, and what the build printed."""

    outdir: Path
    log: str


def make(
    target: str, builddir: Path, *, root: Path = ROOT, env: dict | None = None, jobs: int = 1
) -> Build:
    """`make <target…>` (several, space-separated) in a build folder."""
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"-j{jobs}",
            "-C",
            str(root),
            *target.split(),
            f"BUILDDIR={builddir}",
            f"VENV={sys.prefix}",  # the environment these tests run in
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"make {target} failed:\n{log[-6000:]}"
    return Build(builddir, log)


#: Where the editions are built, in their early fixture's folder: a folder
#: whose name has a space, as an editor's often does (the Makefile quotes
#: every path).
BUILD_FOLDER = "book build"
TEX = ("xelatex", "latexmk", "xindy")


@early(yields=False)
def editions(where: Path) -> Build:
    """The three editions, as a reader's copy of the book is made: `make -j4
    all`, the ePub and the PDF side by side, then the web edition that links
    them (where TeX is missing, the PDF is left out)."""
    if all(shutil.which(program) for program in TEX):
        return make("all", where / BUILD_FOLDER, jobs=4)
    return make("epub html", where / BUILD_FOLDER)  # one after the other


@pytest.fixture(scope="session")
def pdf_build(editions) -> Build:
    for program in TEX:
        require(program)
    return editions


def epub_file(build: Build) -> Path:
    """The ePub a `make` build wrote: exactly one file in epub/."""
    books = list((build.outdir / "epub").glob("*.epub"))
    assert len(books) == 1, f"expected exactly one .epub, found {books}"
    return books[0]


def pdf_file(build: Build) -> Path:
    """The PDF a `make` build wrote: exactly one file in latex/."""
    pdfs = list((build.outdir / "latex").glob("*.pdf"))
    assert len(pdfs) == 1, f"expected exactly one .pdf, found {pdfs}"
    return pdfs[0]


@pytest.fixture(scope="session")
def html(editions) -> Build:
    return Build(editions.outdir / "html", editions.log)


@pytest.fixture(scope="session")
def epub(editions) -> Build:
    """The ePub, unpacked as a reading system sees it."""
    unpacked = editions.outdir / "epub-unpacked"
    with zipfile.ZipFile(epub_file(editions)) as archive:
        archive.extractall(unpacked)
    return Build(unpacked, editions.log)


@pytest.fixture(scope="session")
def pdf(pdf_build) -> Build:
    """The PDF; needs TeX Live (XeLaTeX, latexmk, xindy: pdf_build requires them)."""
    return Build(pdf_file(pdf_build), pdf_build.log)


def pytest_collection_modifyitems(items):
    """The tests that wait for early work that yields (all but the editions,
    which the real book's tests all need first) run after those that do not:
    that work has then had the longest time to finish, and the tests' own
    thread does not sit waiting for it while tests it could run are left for
    the end. Each group keeps the order it was collected in."""
    waits = {name for name in EARLY if name not in NOT_YIELDING}
    items.sort(key=lambda item: not waits.isdisjoint(item.fixturenames))


@pytest.fixture(scope="session", autouse=True)
def start_early_work(request, tmp_path_factory):
    """Start, with the session, the early fixtures (background.early) that
    the selected tests use; they run beside the tests."""
    needed = set().union(*(item.fixturenames for item in request.session.items))
    for name in EARLY:
        if name in needed:
            background.start(name, tmp_path_factory)
    yield
    background.shutdown()


def pytest_terminal_summary(terminalreporter):
    """Where the early work's time went: what a faster suite would shorten."""
    if background.TIMES:
        terminalreporter.section("early work (seconds after the start, and taken)")
        for name, (began, took) in sorted(background.TIMES.items(), key=lambda t: t[1][0]):
            terminalreporter.write_line(f"{name:>24}  from {began:6.1f} s  took {took:6.1f} s")


# -- Copies of the project, as another checkout would be ------------------------------------


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


def git(root: Path, *args: str, epoch: int = EDITION_EPOCH) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Reproducibility test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Reproducibility test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": f"@{epoch} +0000",
        "GIT_COMMITTER_DATE": f"@{epoch} +0000",
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


def checkout(files: list[str], root: Path, epoch: int = EDITION_EPOCH) -> str:
    """Copy the working tree to ``root`` and commit it; return the commit."""
    for name in files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)  # mtimes kept: make sees the venv as up to date
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "--message", "The book as it is", epoch=epoch)
    return git(root, "rev-parse", "HEAD")


def copy_env() -> dict[str, str]:
    """The environment for `make` in a copy: SOURCE_DATE_EPOCH unset (the
    Makefile takes it from the copy's commit), and this checkout's uv, so that
    the copy does not bootstrap one of its own into .tools/."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    uv = shutil.which("uv") or ROOT / ".tools" / "bin" / "uv"
    env["UV"] = str(uv)
    return env


# -- The book as Read the Docs builds it -----------------------------------------------------

#: Read the Docs' stages, in the order it runs them (build.jobs may override each).
RTD_STAGES = (
    "post_checkout", "post_system_dependencies", "pre_create_environment",
    "post_create_environment", "pre_install", "install", "post_install", "pre_build", "build",
    "post_build",
)  # fmt: skip
#: Where Read the Docs serves a version: the canonical address's path.
RTD_PATH = "/en/latest/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class ReadTheDocsBuild:
    checkout: Path
    output: Path  # $READTHEDOCS_OUTPUT
    canonical: str
    port: int
    log: str


@early
def read_the_docs(where: Path) -> ReadTheDocsBuild:
    """The book built as Read the Docs builds it: the jobs of .readthedocs.yaml,
    in Read the Docs' order, in a clean copy of the project, with Read the Docs'
    environment variables, in a fresh virtual environment that has only what
    the jobs install (the docs group: an extension that imports a test-only
    package fails here). The canonical address names a port on this machine,
    where the web edition's tests serve the result."""
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    clone = where / "checkouts" / "latest"
    checkout(working_tree_files(), clone)
    venv = where / "envs" / "latest"
    # create_environment (without pip, which no job uses: uv installs)
    subprocess.run(["python3", "-m", "venv", "--without-pip", str(venv)], check=True)
    port = free_port()
    canonical = f"http://127.0.0.1:{port}{RTD_PATH}"
    output = clone / "_readthedocs"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "VIRTUAL_ENV")},
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "READTHEDOCS": "True",
        "READTHEDOCS_PROJECT": "six-essays",
        "READTHEDOCS_LANGUAGE": "en",
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_VERSION_NAME": "latest",
        "READTHEDOCS_VERSION_TYPE": "branch",
        "READTHEDOCS_CANONICAL_URL": canonical,
        "READTHEDOCS_OUTPUT": str(output),
        "READTHEDOCS_VIRTUALENV_PATH": str(venv),
        "READTHEDOCS_GIT_CLONE_URL": str(ROOT),
        "READTHEDOCS_GIT_IDENTIFIER": "main",
        "READTHEDOCS_GIT_COMMIT_HASH": git(clone, "rev-parse", "HEAD"),
    }
    env.pop("SPHINXOPTS", None)  # the Makefile's own, as on Read the Docs
    jobs = config["build"].get("jobs", {})
    log = []
    for stage in RTD_STAGES:
        steps = jobs.get(stage) or []
        commands = [c for fmt in steps.values() for c in fmt] if isinstance(steps, dict) else steps
        for command in commands:
            result = subprocess.run(
                ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True,
                check=False,
            )  # fmt: skip
            log.append(f"$ {command}\n{result.stdout}{result.stderr}")
            assert result.returncode == 0, (
                f"Read the Docs' {stage} job failed: {command}\n"
                + (result.stdout + result.stderr)[-6000:]
            )
    return ReadTheDocsBuild(clone, output, canonical, port, "\n".join(log))


# -- Comparing builds ------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, by its relative path: a build's output."""
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
    """Two builds' files (`tree`), byte for byte; the first differences shown."""
    assert sorted(a) == sorted(b), (
        f"{what}: the two builds hold different files: {sorted(set(a) ^ set(b))[:10]}"
    )
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"{what}: {len(differ)} file(s) differ: " + "; ".join(
        f"{name} ({first_difference(a[name], b[name])})" for name in differ[:5]
    )


# -- Fixture books, built in this process --------------------------------------------------


@dataclass(frozen=True)
class Built:
    """A fixture book's build: its output, Sphinx's messages, its exit status."""

    outdir: Path
    status: int
    messages: list[str]  # the warnings and errors, one per line
    log: str  # everything Sphinx printed

    def __str__(self) -> str:
        return self.log[-6000:]


def copy_book(where: Path, book: Path | None = None) -> Path:
    """A copy of a fixture book (tests may edit it), sharing the real book's
    docs/_static (the mark and the favicon, which conf.py names)."""
    book = book or FIXTURES / "book"
    copy = where / book.name
    shutil.copytree(book, copy, symlinks=True)
    static = copy / "docs" / "_static"
    if not static.exists():
        static.symlink_to(ROOT / "docs" / "_static", target_is_directory=True)
    return copy


def build_book(
    book: Path,
    builder: str = "html",
    outdir: Path | None = None,
    *,
    conf: Path = ROOT,
    doctrees: Path | None = None,
    overrides: dict | None = None,
    options: list[str] | None = None,
    parallel: int = 0,
    ready: Callable[[Sphinx], None] | None = None,
) -> Built:
    """Build a fixture book (its docs/ and sources/) with the book's conf.py,
    as strictly as `make` builds the book (or with the command line's
    ``options``), in this process. With a ``conf`` folder of its own, the book
    is its sources, with that conf.py. ``ready`` is given the application once
    it is ready to build (a test's look at it).

    It never changes the process's environment variables: the early work's
    subprocesses, started from other threads, would inherit them (a build
    that needs variables of its own runs in a process of its own:
    `build_books.in_a_process`)."""
    from sphinx.application import Sphinx
    from sphinx.cmd.build import get_parser
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir = outdir or book / "_build" / builder
    doctrees = doctrees or book / "_build" / "doctrees" / builder
    srcdir = book / "docs" if conf == ROOT else book
    flags = sphinxopts() if options is None else options
    args = get_parser().parse_args([*flags, str(srcdir), str(outdir)])
    confoverrides = {"book_sources": str(book / "sources")} if conf == ROOT else {}
    confoverrides.update(overrides or {})
    if args.nitpicky:
        confoverrides["nitpicky"] = True
    status, warning = io.StringIO(), io.StringIO()
    code = 0
    with patch_docutils(conf), docutils_namespace():
        try:
            app = Sphinx(
                srcdir,
                conf,
                outdir,
                doctrees,
                builder,
                confoverrides,
                status,
                warning,
                warningiserror=args.warningiserror,
                parallel=parallel,
            )
            if ready is not None:
                ready(app)
            app.build()
            code = app.statuscode
        except Exception:
            code = 2
            warning.write("Traceback (most recent call last):\n" + traceback.format_exc())
    log = status.getvalue() + warning.getvalue()
    messages = [
        line for line in warning.getvalue().splitlines() if "WARNING" in line or "ERROR" in line
    ]
    return Built(outdir, code, messages, log)


@pytest.fixture(scope="session")
def browser():
    """Chromium (Debian's), driven by playwright: one for the session's tests
    (the web edition's pages, the ePub's as a reading system draws them)."""
    require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def fixture_book(tmp_path_factory) -> Path:
    """One copy of the fixture book for the tests that only read its builds."""
    return copy_book(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="session")
def fixture_html(fixture_book) -> Built:
    built = build_book(fixture_book, "html")
    assert built.status == 0, built
    return built
