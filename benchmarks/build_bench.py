"""What the build costs, and how the cost grows: `make bench`.

Measured side by side, in one run, on this machine:

* the book (our conf.py, ``-n -W --keep-going``, as the Makefile builds it):
  a cold HTML build (its templates compiled by an earlier build, as
  ``book.web.template_cache`` keeps them beside conf.py, and the first build
  of a checkout, which compiles them), an incremental one after one chapter
  is touched, and a
  rebuild with nothing changed (and whether both give byte for byte what a
  clean build gives, search index included); the ePub and the PDF through
  ``make epub`` and ``make pdf``, cold and after one chapter is touched; the
  size of each output;
* the baseline: a plain Sphinx build of the same sources, with myst-parser
  (and the same MyST syntax extensions, so the same Markdown is parsed) and
  the alabaster theme, nothing else; cold and incremental;
* the packages: the baseline with the packages the book is made with (furo,
  sphinx-design, sphinxext-opengraph, sphinx-notfound-page) and nothing of
  the book's own; cold, in the same turns: what share of the book's cold
  build is theirs, and what share the book's;
* the scale run: synthetic books of 6, 60 and 240 chapters made by repeating
  the six essays (each copy with its own labels and its own copy of the
  received text, so the book's checks hold), built cold, serial and with
  ``-j auto``, and incrementally; the baseline, serial, for comparison.

Each figure is the median of ``--repeat`` runs (wall-clock seconds, and the
CPU seconds of the build's processes); the cold builds of the book, of the
baseline and of the packages take turns, run after run, and so do the
ePub's and the PDF's cold and touched builds and all the builds of the scale
run, every size in each round, and a goal that compares two of them takes
the median of each round's own ratio (`in_turns`). The table and the goals (`GOALS`) are
printed, and everything is saved as JSON (``--out``).
This is a measurement, not a test: ``make test`` does not run it.

    python benchmarks/build_bench.py [--out FILE.json] [--sizes 6 60 240]
        [--repeat 3] [--scale-repeat 1] [--no-pdf] [--profile]

``--profile`` also runs the cold and the incremental book builds (and the
largest scale book's) under pyinstrument, prints where the time goes by part
of the build, and saves each whole profile as text beside the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCES = ROOT / "sources"
STRICT = ["-n", "-W", "--keep-going"]  # as the Makefile
TOUCHED = "essays/no-executable-is-an-island"  # the chapter an incremental build re-reads

#: The settings of both baselines (the plain one and the packages'): a name of
#: their own, and the book's sources and MyST syntax, so the same Markdown is
#: parsed.
BASELINE_SETTINGS = """\
project = "Baseline"
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["attrs_block", "colon_fence"]
myst_title_to_header = True
myst_footnote_transition = False
"""
PLAIN_CONF = f"""\
# The baseline: plain Sphinx with myst-parser and alabaster, nothing else.
extensions = ["myst_parser"]
html_theme = "alabaster"
{BASELINE_SETTINGS}"""
#: The baseline with the packages the book is made with, and nothing of the
#: book's own (its extension, templates, static files): their share of a build.
PACKAGES_CONF = f"""\
# The baseline with the book's packages, and nothing of the book's own.
extensions = ["myst_parser", "sphinx_design", "sphinxext.opengraph", "notfound.extension"]
html_theme = "furo"
{BASELINE_SETTINGS}"""


@dataclass
class Timing:
    """One measured build: the median of its runs."""

    wall: float
    cpu: float
    runs: list[float] = field(default_factory=list)
    written: int | None = None  # pages written (incremental builds)
    warnings: int | None = None  # the baseline's warnings (it is not strict)

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s"


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run a command; return its wall time, its CPU time and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{log[-4000:]}")
    return wall, cpu, log


def sphinx(
    builder: str,
    srcdir: Path,
    outdir: Path,
    confdir: Path = ROOT,
    strict: bool = True,
    jobs: str | None = None,
    overrides: dict[str, str] | None = None,
) -> list[str]:
    cmd = [sys.executable, "-m", "sphinx", "-c", str(confdir), "-b", builder]
    cmd += STRICT if strict else []
    cmd += ["-j", jobs] if jobs else []
    for key, value in (overrides or {}).items():
        cmd += ["-D", f"{key}={value}"]
    cmd += ["-d", str(outdir / "doctrees"), str(srcdir), str(outdir / builder)]
    return cmd


def measure(cmd, env, repeat, fresh: Path | None = None, before=None) -> Timing:
    """Median of ``repeat`` runs; ``fresh`` is removed before each (a cold
    build), ``before`` is called before each (to touch a chapter)."""
    return side_by_side({"": (cmd, fresh, before)}, env, repeat)[""]


def side_by_side(builds: dict, env, repeat) -> dict[str, Timing]:
    """Each of ``builds`` (name: command, ``fresh``, ``before``) run in turn,
    ``repeat`` rounds: this machine's speed drifts by a third within minutes,
    so figures that are compared are measured over the same minutes."""
    walls, cpus, logs = {n: [] for n in builds}, {n: [] for n in builds}, {}
    for _ in range(repeat):
        for name, (cmd, fresh, before) in builds.items():
            if fresh is not None:
                shutil.rmtree(fresh, ignore_errors=True)
            if before is not None:
                before()
            wall, cpu, logs[name] = run(cmd, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: Timing(
            wall=statistics.median(walls[name]),
            cpu=statistics.median(cpus[name]),
            runs=[round(w, 3) for w in walls[name]],
            written=len(re.findall(r"^writing output\.\.\. \[\s*\d+%\] ", logs[name], re.M)),
            warnings=len(re.findall(r"WARNING|ERROR", logs[name])),
        )
        for name in builds
    }


def touch(path: Path):
    def bump() -> None:
        now = time.time()
        os.utime(path, (now, now))

    return bump


def differences(built: Path, clean: Path) -> list[str]:
    """The files in which two builds' trees differ (none: identical)."""

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    a, b = files(built), files(clean)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- Synthetic books ------------------------------------------------------------------------


_LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$", re.MULTILINE)
_SOURCE = re.compile(r"^source:\s*(\S+)\s*$", re.MULTILINE)


def synthetic_book(chapters: int, where: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the book with ``chapters`` chapters: the six essays, then
    copies of them (``essays/SLUG-cK``) whose labels get a ``-cK`` suffix (so
    they stay unique; references still point at the originals) and whose
    ``source`` is a copy of the received text, with its checksum. Returns the
    docs folder and the -D setting that points the book at the copied
    sources."""
    docs, sources = where / "docs", where / "sources"
    shutil.copytree(DOCS, docs)
    shutil.copytree(SOURCES, sources)
    originals = sorted((DOCS / "essays").glob("*.md"))
    docnames = [f"essays/{p.stem}" for p in originals]
    copy = 1
    while len(docnames) < chapters:
        for path in originals:
            if len(docnames) >= chapters:
                break
            text = path.read_text(encoding="utf-8")
            text = _LABEL.sub(lambda m, c=copy: f"({m[1]}-c{c})=", text)
            source = _SOURCE.search(text)[1]
            copied = source.replace(".txt", f"-c{copy}.txt")
            text = _SOURCE.sub(f"source: {copied}", text, count=1)
            shutil.copy(SOURCES / source, sources / copied)
            name = f"essays/{path.stem}-c{copy}"
            (docs / f"{name}.md").write_text(text, encoding="utf-8")
            docnames.append(name)
        copy += 1
    sums = [f"{_sha256(p)}  {p.name}" for p in sorted(sources.iterdir()) if p.name != "SHA256SUMS"]
    (sources / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")

    # The contents list every chapter, in place of the six, in the book's
    # order, as the book reads it (its records, in the order of their files).
    sys.path.insert(0, str(ROOT / "extensions"))
    from book import chapters

    records = []
    for name in sorted(docnames, key=lambda name: f"{name}.md"):
        text = (docs / f"{name}.md").read_text(encoding="utf-8")
        records.append(chapters.chapter_from_text(name, text, chapters.edition_date())[0])
    docnames = [record.docname for record in chapters.ordered(records)]
    index = (docs / "index.md").read_text(encoding="utf-8")
    listed = re.findall(r"^essays/\S+$", index, re.MULTILINE)
    block = "\n".join(listed)
    assert block in index, "docs/index.md: the essays are not listed together"
    (docs / "index.md").write_text(index.replace(block, "\n".join(docnames)), encoding="utf-8")
    return docs, synthetic_overrides(where)


def synthetic_overrides(where: Path) -> dict[str, str]:
    """The -D setting that points the book at a synthetic book's sources."""
    return {"book_sources": str(where / "sources")}


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- Profiles -----------------------------------------------------------------------------------


#: Where a build's time goes: (file fragment, function) -> what it is. Each
#: part is the time of its outermost calls (a part includes what it calls, so
#: the parts overlap the phases they belong to).
PARTS = {
    ("sphinx/application.py", "Sphinx.__init__"): "start-up: extensions, config, environment",
    ("sphinx/builders/__init__.py", "Builder.read"): "reading and parsing every document",
    ("docutils/transforms/__init__.py", "Transformer.apply_transforms"): "  transforms",
    ("book/indexing.py", "ApplyIndex.apply"): "    ours: the index's targets (book.indexing)",
    ("book/checks/fidelity.py", "check_chapter"): "    ours: fidelity to the received text",
    ("sphinx/builders/__init__.py", "Builder._write_serial"): "writing the pages (serial)",
    ("sphinx/builders/__init__.py", "Builder._write_parallel"): "writing the pages (parallel)",
    ("sphinx/environment/__init__.py", "BuildEnvironment.get_and_resolve_doctree"): (
        "  resolving references"
    ),
    ("sphinx/builders/html/__init__.py", "StandaloneHTMLBuilder.handle_page"): (
        "  rendering the pages (templates)"
    ),
    ("furo/__init__.py", "_compute_navigation_tree"): "    furo: the sidebar's global toctree",
    ("book/web/cards.py", "add_card"): "    ours: the social cards (named here, drawn apart)",
    ("sphinx/search/__init__.py", "IndexBuilder.feed"): "  the search index (every word)",
    ("sphinx/builders/html/__init__.py", "StandaloneHTMLBuilder.write_genindex"): (
        "  the general index"
    ),
    ("sphinx/application.py", "Sphinx.build"): "the build (after start-up)",
}


def _parts(frame, found: dict[str, float], inside: frozenset[str] = frozenset()) -> None:
    """Add the time of every part's outermost frames under ``frame``."""
    # By the function's own name and file (the class is the object's, which
    # may be a subclass: StandaloneHTMLBuilder.read is Builder.read).
    part = next(
        (
            label
            for (fragment, function), label in PARTS.items()
            if frame.function == function.rpartition(".")[2]
            and (frame.file_path or "").endswith(fragment)
        ),
        None,
    )
    if part is not None and part not in inside:
        found[part] = found.get(part, 0.0) + frame.time
        inside = inside | {part}
    for child in frame.children:
        _parts(child, found, inside)


def profile(cmd: list[str], label: str, env: dict[str, str], work: Path, keep: Path) -> dict:
    """Run a Sphinx build under pyinstrument (in a process of its own, with
    the same environment as the measured builds), say where the time goes,
    and keep the whole profile as text in ``keep``."""
    from pyinstrument.renderers import ConsoleRenderer
    from pyinstrument.session import Session

    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    saved = work / f"profile-{slug}.pyisession"
    run([cmd[0], "-m", "pyinstrument", "-r", "pyisession", "-o", str(saved), *cmd[1:]], env)
    session = Session.load(str(saved))
    text = keep / f"profile-{slug}.txt"
    text.write_text(
        ConsoleRenderer(unicode=True, color=False, show_all=True).render(session),
        encoding="utf-8",
    )
    found: dict[str, float] = {}
    root = session.root_frame()
    _parts(root, found)
    total = root.time
    print(f"\nProfile ({label}): {total:.2f} s, sampled by pyinstrument; whole: {text}")
    for part in PARTS.values():
        if part in found:
            print(f"  {found[part]:7.2f} s  {100 * found[part] / total:5.1f} %  {part}")
    return {part.strip(): round(seconds, 3) for part, seconds in found.items()} | {
        "total": round(total, 3),
        "profile": str(text),
    }


def instructions(builds: dict[str, Callable[[Path], list[str]]], env, work: Path) -> dict:
    """The instructions each build executes, counted by valgrind's callgrind:
    the same count for the same build whatever else the machine does (its
    drift moves wall and CPU seconds, not this), so a change's cost shows
    in one build of each. The builds run at once (the count does not depend
    on it), each with its processes counted apart: the build's own, and
    those it starts (the book's social cards, fontconfig's list). ``builds``:
    name -> the command that builds into a given folder."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt install valgrind)")
    running = {}
    for name, command in builds.items():
        where = work / f"callgrind-{name}"  # cold: a folder of its own
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        counted = [
            "valgrind", "--tool=callgrind", "--trace-children=yes",
            f"--callgrind-out-file={where}/callgrind.%p", *command(where / "out"),
        ]  # fmt: skip
        running[name] = (
            where,
            subprocess.Popen(
                counted, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            ),
        )
    counts = {}
    for name, (where, process) in running.items():
        _, error = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"failed under callgrind: {name}\n{error[-4000:]}")
        own, started = 0, 0
        for out in where.glob("callgrind.*"):
            text = out.read_text(encoding="utf-8", errors="replace")
            total = int(re.search(r"^totals: (\d+)", text, re.M)[1])
            program = re.search(r"^cmd: (.*)$", text, re.M)[1]
            if " -m sphinx " in f" {program} ":
                own += total
            else:
                started += total
        counts[name] = {"build": own, "started": started}
        shutil.rmtree(where, ignore_errors=True)
    return counts


# -- The run --------------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:  # as the Makefile sets it
        env["SOURCE_DATE_EPOCH"] = subprocess.run(
            [str(ROOT / "tools" / "edition-date")], capture_output=True, text=True, check=True
        ).stdout.strip()
    return env


def bytecode(env: dict[str, str]) -> str:
    """Whether the builds find Sphinx's modules and the book's extension
    compiled, or compile them from source at every start."""
    probe = (
        "import importlib.util, pathlib, sys, sphinx.application as m;"
        "print(*(pathlib.Path(importlib.util.cache_from_source(f)).exists()"
        " for f in (m.__file__, sys.argv[1])))"
    )
    extension = str(ROOT / "extensions" / "book" / "__init__.py")
    cached = subprocess.run(
        [sys.executable, "-c", probe, extension], env=env, capture_output=True, text=True
    ).stdout.split()
    cached = [*cached, "False", "False"][:2]  # a failed probe: not cached
    if not env.get("PYTHONDONTWRITEBYTECODE"):
        return "cached (__pycache__ written beside the modules on first use)"
    if cached == ["True", "True"]:
        return "cached (compiled at install: `make venv`)"
    missing = [
        what
        for what, found in zip(("Sphinx", "the book's extension"), cached, strict=True)
        if found != "True"
    ]
    return (
        f"NOT cached for {' and '.join(missing)}: PYTHONDONTWRITEBYTECODE is set, so every "
        "build compiles each of their modules it imports (run `make venv`, or see "
        "--bytecode-cache)"
    )


def versions() -> dict[str, str]:
    import docutils
    import myst_parser
    import sphinx

    return {
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "myst_parser": myst_parser.__version__,
        "docutils": docutils.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temp folder)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[6, 60, 240])
    parser.add_argument("--repeat", type=int, default=3, help="runs per book-size figure")
    parser.add_argument(
        "--scale-repeat", type=int, default=1, help="rounds of the scale run (every size in each)"
    )
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (no TeX Live)")
    parser.add_argument("--profile", action="store_true", help="profile the book's builds")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions of the cold builds of the book, the baseline and "
        "the packages (valgrind): figures this machine's drift does not move",
    )
    parser.add_argument(
        "--bytecode-cache",
        type=Path,
        metavar="DIR",
        help="let the builds cache compiled bytecode in DIR (PYTHONPYCACHEPREFIX), as an "
        "environment installed with UV_COMPILE_BYTECODE=1 has it beside the modules",
    )
    args = parser.parse_args(argv)

    env = environment()
    if args.bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(args.bytecode_cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    plain_conf = work / "plain-conf"
    plain_conf.mkdir(exist_ok=True)
    (plain_conf / "conf.py").write_text(PLAIN_CONF, encoding="utf-8")
    packages_conf = work / "packages-conf"
    packages_conf.mkdir(exist_ok=True)
    (packages_conf / "conf.py").write_text(PACKAGES_CONF, encoding="utf-8")
    results: dict = {
        "command": "make bench  (python benchmarks/build_bench.py "
        + " ".join(argv or sys.argv[1:])
        + ")",
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            **versions(),
        },
        "source_date_epoch": env["SOURCE_DATE_EPOCH"],
        "bytecode": bytecode(env),
    }
    say = lambda text: print(text, flush=True)  # noqa: E731

    # -- The book, and the baseline, side by side --------------------------------------------
    # Every build gets a fresh work folder, so that one build's pages cannot
    # make another's cheaper; the book's chapter is touched in a copy of docs/.
    docs = work / "book" / "docs"
    shutil.copytree(DOCS, docs)
    chapter = docs / f"{TOUCHED}.md"
    book, plain = work / "book" / "out", work / "plain" / "out"
    packages = work / "packages" / "out"
    first = work / "first" / "out"
    html_cmd = sphinx("html", docs, book)

    def first_build(out: Path) -> list[str]:
        """A checkout's first build: its compiled templates in its own folder,
        removed with it."""
        return sphinx("html", docs, out, overrides={"book_template_cache": str(out / "tc")})

    first_cmd = first_build(first)
    plain_cmd = sphinx("html", docs, plain, confdir=plain_conf, strict=False)
    packages_cmd = sphinx("html", docs, packages, confdir=packages_conf, strict=False)
    figures: dict[str, Timing] = {}
    say(f"Bytecode: {results['bytecode']}")
    say("Warming up (one unmeasured build of each) ...")
    measure(html_cmd, env, 1, fresh=book)
    measure(plain_cmd, env, 1, fresh=plain)
    measure(packages_cmd, env, 1, fresh=packages)
    say("The book and the baseline ...")
    figures["sphinx_startup"] = measure(
        [sys.executable, "-m", "sphinx", "--version"], env, args.repeat
    )
    figures |= side_by_side(
        {
            "html_cold": (html_cmd, book, None),
            "html_first": (first_cmd, first, None),
            "plain_cold": (plain_cmd, plain, None),
            "packages_cold": (packages_cmd, packages, None),
        },
        env,
        args.repeat,
    )
    if args.instructions:
        say("The same cold builds, their instructions counted (callgrind) ...")
        results["instructions"] = instructions(
            {
                "book": lambda out: sphinx("html", docs, out),
                "book_first": first_build,
                "plain": lambda out: sphinx("html", docs, out, confdir=plain_conf, strict=False),
                "packages": lambda out: sphinx(
                    "html", docs, out, confdir=packages_conf, strict=False
                ),
            },
            env,
            work,
        )
    figures |= side_by_side(
        {
            "html_incremental": (html_cmd, None, touch(chapter)),
            "plain_incremental": (plain_cmd, None, touch(chapter)),
        },
        env,
        args.repeat,
    )
    figures["html_no_change"] = measure(html_cmd, env, args.repeat)
    # Speed never at the price of stale output: the pages and the search
    # index after those rebuilds, byte for byte against a clean build's.
    clean = work / "book-clean" / "out"
    run(sphinx("html", docs, clean), env)
    results["incremental_identical"] = differences(book / "html", clean / "html")

    # The ePub and the PDF as `make` builds them (the ePub's folder written
    # anew, LaTeX's state kept after a run that succeeded), in a build
    # folder of their own: cold, then after one chapter is touched.
    def make(target: str, builddir: Path) -> list[str]:
        return [
            "make", "--no-print-directory", "-C", str(ROOT), target,
            f"SOURCEDIR={docs}", f"BUILDDIR={builddir}", f"VENV={sys.prefix}",
        ]  # fmt: skip

    ebook = work / "ebook"
    figures |= side_by_side(  # in turns: each touched build after the cold one of its round
        {
            "epub_cold": (make("epub", ebook), ebook, None),
            "epub_incremental": (make("epub", ebook), None, touch(chapter)),
        },
        env,
        args.repeat,
    )
    sizes = {
        "html_bytes": size_of(book / "html"),
        "html_files": sum(1 for p in (book / "html").rglob("*") if p.is_file()),
        "epub_bytes": size_of(next((ebook / "epub").glob("*.epub"))),
    }
    if not args.no_pdf:
        printed = work / "print"
        figures |= side_by_side(  # in turns, as the ePub's
            {
                "pdf_cold": (make("pdf", printed), printed, None),
                "pdf_incremental": (make("pdf", printed), None, touch(chapter)),
            },
            env,
            args.repeat,
        )
        sizes["pdf_bytes"] = size_of(next((printed / "latex").glob("*.pdf")))
    results["book"] = {name: asdict(t) for name, t in figures.items()}
    results["sizes"] = sizes

    # -- The scale run -----------------------------------------------------------------------
    # Every build of every size in turns, round after round, as the book's and
    # the baseline's: the cost per chapter compares the sizes, so they are
    # measured over the same minutes (one size after the other, the machine's
    # drift between them went into the slope).
    builds = {}
    for chapters in args.sizes:
        where = work / f"scale-{chapters}"
        sdocs, overrides = synthetic_book(chapters, where)
        out = where / "out"
        serial = sphinx("html", sdocs, out, overrides=overrides)
        parallel = sphinx("html", sdocs, where / "out-j", jobs="auto", overrides=overrides)
        plain_serial = sphinx("html", sdocs, where / "plain", confdir=plain_conf, strict=False)
        builds |= {
            (chapters, "serial"): (serial, out, None),
            # after the serial build of the same round, in its output
            (chapters, "incremental"): (serial, None, touch(sdocs / f"{TOUCHED}.md")),
            (chapters, "parallel"): (parallel, where / "out-j", None),
            (chapters, "plain_serial"): (plain_serial, where / "plain", None),
        }
    say(f"Books of {', '.join(map(str, args.sizes))} chapters, in turns ...")
    timed = side_by_side(builds, env, args.scale_repeat)
    scale = [
        {"chapters": chapters, **{kind: timed[(chapters, kind)] for kind in SCALE_KINDS}}
        for chapters in args.sizes
    ]
    for chapters in args.sizes:
        shutil.rmtree(work / f"scale-{chapters}" / "out-j", ignore_errors=True)
        shutil.rmtree(work / f"scale-{chapters}" / "plain", ignore_errors=True)
    results["scale"] = [
        {k: (asdict(v) if isinstance(v, Timing) else v) for k, v in row.items()} for row in scale
    ]
    results["growth"] = growth(scale)
    results["goals"] = goals(figures, results["growth"], scale, results["incremental_identical"])

    if args.profile:
        results["profile"] = {}
        keep = args.out.parent
        keep.mkdir(parents=True, exist_ok=True)
        touch(chapter)()
        results["profile"]["html_incremental"] = profile(
            html_cmd, "the book, HTML, one chapter touched", env, work, keep
        )
        shutil.rmtree(book, ignore_errors=True)
        results["profile"]["html_cold"] = profile(html_cmd, "the book, HTML, cold", env, work, keep)
        where = work / f"scale-{max(args.sizes)}"
        if (where / "docs").is_dir():
            sdocs, overrides = where / "docs", synthetic_overrides(where)
            shutil.rmtree(where / "profiled", ignore_errors=True)
            results["profile"][f"html_cold_{max(args.sizes)}"] = profile(
                sphinx("html", sdocs, where / "profiled", overrides=overrides),
                f"{max(args.sizes)} chapters, HTML, cold",
                env,
                work,
                keep,
            )

    report(figures, sizes, scale, results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"\nSaved: {args.out}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


#: The builds of each size of the scale run.
SCALE_KINDS = ("serial", "incremental", "parallel", "plain_serial")


def growth(scale: list[dict]) -> dict:
    """Least-squares fit of wall time against chapters, per kind of build:
    fixed cost, cost per chapter, and R² (1.0: a straight line)."""
    out = {}
    for kind in SCALE_KINDS:
        xs = [row["chapters"] for row in scale]
        ys = [row[kind].wall for row in scale]
        if len(xs) < 2:
            continue
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
        fixed = my - slope * mx
        ss_tot = sum((y - my) ** 2 for y in ys)
        ss_res = sum((y - fixed - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
        out[kind] = {
            "fixed_seconds": round(fixed, 3),
            "seconds_per_chapter": round(slope, 4),
            "r_squared": round(1 - ss_res / ss_tot, 4) if ss_tot else 1.0,
            # The marginal cost per chapter between each pair of sizes.
            "marginal_per_chapter": [
                round((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]), 4) for i in range(len(xs) - 1)
            ],
        }
    return out


#: The goals (the figures are this machine's; see the README).
GOALS = {
    "cold_html_vs_plain": "cold HTML build at most 1.3 x the plain-Sphinx baseline (in turns)",
    "html_touched": "one chapter touched: at most 1.2 s",
    "html_no_change": "nothing changed: at most 1.0 s",
    "incremental_identical": "those rebuilds give exactly what a clean build gives",
    "linear_in_chapters": "cost per chapter flat within 20 % (6 / 60 / 240 chapters)",
    "parallel_faster": "-j auto faster than serial at 60 and 240 chapters",
    "epub_incremental_cheaper": "a touched ePub build cheaper than a cold one",
    "pdf_incremental_cheaper": "a touched PDF build cheaper than a cold one",
}


def in_turns(a: Timing, b: Timing) -> float:
    """``a`` over ``b``, two builds that took turns: the median of each round's
    own ratio. Where the machine's speed drifts within a run, each round's two
    builds ran at about the same speed, and the medians of all of ``a``'s and
    all of ``b``'s runs, taken apart, need not come from the same minutes."""
    return statistics.median(x / y for x, y in zip(a.runs, b.runs, strict=True))


def goals(figures: dict[str, Timing], fit: dict, scale: list[dict], identical: list[str]) -> dict:
    """Each goal of `GOALS`: its figure, and whether it is met (on wall time;
    the CPU time is given beside it, for a machine shared with other work)."""
    book, plain = figures["html_cold"], figures["plain_cold"]
    touched, unchanged = figures["html_incremental"], figures["html_no_change"]
    ratio = in_turns(book, plain)
    out = {
        "cold_html_vs_plain": (round(ratio, 2), ratio <= 1.3, round(book.cpu / plain.cpu, 2)),
        "html_touched": (round(touched.wall, 2), touched.wall <= 1.2, round(touched.cpu, 2)),
        "html_no_change": (
            round(unchanged.wall, 2),
            unchanged.wall <= 1.0,
            round(unchanged.cpu, 2),
        ),
        "incremental_identical": (identical or "identical", not identical, None),
    }
    if "serial" in fit and len(fit["serial"]["marginal_per_chapter"]) >= 1:
        per_chapter = [row["serial"].wall / row["chapters"] for row in scale]
        marginal = fit["serial"]["marginal_per_chapter"]
        flat = max(marginal) <= 1.2 * min(marginal) if len(marginal) > 1 else True
        out["linear_in_chapters"] = (
            {"marginal": marginal, "per_chapter": [round(x, 4) for x in per_chapter]},
            flat,
            None,
        )
    large = [row for row in scale if row["chapters"] >= 60]
    if large:
        parallel = {row["chapters"]: in_turns(row["parallel"], row["serial"]) for row in large}
        out["parallel_faster"] = (
            {chapters: round(r, 2) for chapters, r in parallel.items()},
            all(r < 1 for r in parallel.values()),
            None,
        )
    for kind in ("epub", "pdf"):
        cold, again = figures.get(f"{kind}_cold"), figures.get(f"{kind}_incremental")
        if cold and again:
            r = in_turns(again, cold)
            cpu = round(again.cpu / cold.cpu, 2)
            out[f"{kind}_incremental_cheaper"] = (round(r, 2), r < 1, cpu)
    verdicts = {
        name: {"goal": GOALS[name], "value": value, "met": met, "value_cpu": cpu}
        for name, (value, met, cpu) in out.items()
    }
    verdicts["cold_html_vs_plain"]["medians"] = (
        f"{book.wall:.2f} / {plain.wall:.2f} s = {book.wall / plain.wall:.2f} x"
    )
    if first := figures.get("html_first"):
        verdicts["cold_html_vs_plain"]["first"] = (
            f"{in_turns(first, plain):.2f} x the baseline ({first.wall:.2f} s)"
        )
    if packages := figures.get("packages_cold"):
        verdicts["cold_html_vs_plain"]["shares"] = (
            f"the packages alone {in_turns(packages, plain):.2f} x the baseline; "
            f"the book's own over them {in_turns(book, packages):.2f} x "
            f"({book.wall - packages.wall:+.2f} s)"
        )
    return verdicts


def report(figures, sizes, scale, results) -> None:
    m = results["machine"]
    print(
        f"\nOn {m['cpus']} CPUs, Python {m['python']}, Sphinx {m['sphinx']}, "
        f"myst-parser {m['myst_parser']} (median wall seconds; CPU seconds in brackets)\n"
    )
    rows = [
        ("Python + Sphinx start-up (`sphinx --version`)", "sphinx_startup"),
        ("Book, HTML, cold", "html_cold"),
        ("Book, HTML, cold, a checkout's first (its templates compiled)", "html_first"),
        ("Book, HTML, one chapter touched", "html_incremental"),
        ("Book, HTML, nothing changed", "html_no_change"),
        ("Baseline (myst-parser + alabaster), HTML, cold", "plain_cold"),
        ("Baseline, HTML, one chapter touched", "plain_incremental"),
        ("Baseline + the book's packages (furo, sphinx-design, …), HTML, cold", "packages_cold"),
        ("Book, ePub (`make epub`), cold", "epub_cold"),
        ("Book, ePub, one chapter touched", "epub_incremental"),
        ("Book, PDF (`make pdf`: LaTeX builder, latexmk + XeLaTeX), cold", "pdf_cold"),
        ("Book, PDF, one chapter touched", "pdf_incremental"),
    ]
    print("| Build | Wall | CPU | Pages written |")
    print("| --- | ---: | ---: | ---: |")
    for label, key in rows:
        if key in figures:
            t = figures[key]
            pages = t.written if "incremental" in key or "change" in key else ""
            print(f"| {label} | {t.wall:.2f} s | {t.cpu:.2f} s | {pages} |")
    print(
        f"\nSizes: HTML {sizes['html_bytes'] / 1e6:.1f} MB in {sizes['html_files']} files; "
        f"ePub {sizes['epub_bytes'] / 1e3:.0f} kB"
        + (f"; PDF {sizes['pdf_bytes'] / 1e3:.0f} kB" if "pdf_bytes" in sizes else "")
    )
    print("\n| Chapters | Serial | -j auto | One chapter touched | Baseline, serial |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for row in scale:
        print(
            f"| {row['chapters']} | {row['serial'].wall:.2f} s | {row['parallel'].wall:.2f} s | "
            f"{row['incremental'].wall:.2f} s ({row['incremental'].written} pages) | "
            f"{row['plain_serial'].wall:.2f} s |"
        )
    print()
    for kind, fit in results["growth"].items():
        print(
            f"Growth, {kind}: {fit['fixed_seconds']:.2f} s + {fit['seconds_per_chapter']:.3f} s "
            f"per chapter (R² {fit['r_squared']}); marginal {fit['marginal_per_chapter']}"
        )
    if counted := results.get("instructions"):
        book, plain, packages = (counted[k]["build"] for k in ("book", "plain", "packages"))
        print(
            f"Instructions (callgrind; the build's own process): the book {book / 1e9:.2f} G "
            f"(+ {counted['book']['started'] / 1e9:.2f} G in the processes it starts), "
            f"the baseline {plain / 1e9:.2f} G, the packages {packages / 1e9:.2f} G: the book "
            f"{book / plain:.2f} x the baseline, the packages {packages / plain:.2f} x, "
            f"the book {book / packages:.2f} x the packages"
        )
        if "book_first" in counted:
            first = counted["book_first"]["build"]
            print(
                f"  a checkout's first build (its templates compiled): {first / 1e9:.2f} G, "
                f"{first / plain:.2f} x the baseline"
            )
    print()
    for goal in results["goals"].values():
        verdict = "met" if goal["met"] else "MISSED"
        line = f"Goal: {goal['goal']}: {goal['value']}: {verdict}"
        if goal["value_cpu"] is not None:
            line += f" (in CPU time: {goal['value_cpu']})"
        print(line)
        if "medians" in goal:
            print(f"  the median of each round's ratio; the medians' ratio: {goal['medians']}")
        if "first" in goal:
            print(f"  a checkout's first build, its templates compiled: {goal['first']}")
        if "shares" in goal:
            print(f"  whose: {goal['shares']}")
    if not all(goal["met"] for goal in results["goals"].values()):
        print(
            "A goal missed: why, and what would close it, is in README.md "
            "(Performance: the goals missed or at the line); --profile adds where "
            "the book's builds spend their time."
        )
    print(f"Bytecode: {results['bytecode']}")


if __name__ == "__main__":
    sys.exit(main())
