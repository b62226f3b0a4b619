"""`make new-essay` (tools/new_essay.py), end to end, in a copy of the repository.

The copy gets a received text (tests/fixtures/new_essay/received.txt, written
for the tests, full of characters Markdown would take for markup) by an author
the book does not have yet; then the copy's own tests run on it: the chapter is
in the contents and on the sources page, its text matches its checksum, every
word of it is in the HTML, the ePub and the PDF, in order, and the new author
is in every place the book names its authors (the ePub's creators and cover,
the PDF's metadata and title page, the social card) with no other edit. The
real sources/ and docs/ are never touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import background
import pytest
import yaml
from background import early
from conftest import ROOT, build_book, checkout, copy_env, require, working_tree_files

RECEIVED = Path(__file__).parent / "fixtures" / "new_essay" / "received.txt"
SLUG = "on-keeping-texts-as-received"
FILE = "example-on-keeping-texts-as-received.txt"
FACTS = {
    "title": "On Keeping Texts As Received",
    "author": "Dana Example",
    "date": "2024-06-15",  # between the last Glyph essay and Tim Peters's
    "site": "An Example Blog (example.org)",
    "url": "https://example.org/keeping-texts.html",
}


def new_essay(root: Path, text: Path, **facts: str) -> subprocess.CompletedProcess:
    args = [f"--{key}={value}" for key, value in facts.items()]
    return subprocess.run(
        [sys.executable, str(root / "tools" / "new_essay.py"), str(text), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )


def changed_files(root: Path) -> list[str]:
    out = subprocess.run(
        # safe.directory: the editor's copy belongs to another user than the tests'.
        [
            "git",
            "-c",
            "safe.directory=*",
            "-C",
            str(root),
            "status",
            "--porcelain",
            "--untracked-files=all",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in out.splitlines())


@early
def repo(where: Path) -> Path:
    """A copy of the repository, with the essay added by the command."""
    root = where / "book"
    checkout(working_tree_files(), root)
    result = new_essay(root, RECEIVED, **FACTS)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_the_command_writes_exactly_these_files(repo):
    assert changed_files(repo) == sorted(
        [
            f"docs/essays/{SLUG}.md",
            "docs/index.md",
            "sources/SHA256SUMS",
            f"sources/{FILE}",
            "tests/footnote_markers.toml",
        ]
    )


def test_the_text_is_stored_as_received_with_its_checksum(repo):
    stored = (repo / "sources" / FILE).read_bytes()
    assert stored == RECEIVED.read_bytes()
    sums = (repo / "sources" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(stored).hexdigest()}  {FILE}" in sums.splitlines()
    # The other texts' checksums are kept, not recomputed.
    old = (ROOT / "sources" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert set(old) <= set(sums.splitlines())
    # And the whole manifest checks out, as `make lint` checks it.
    subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=repo / "sources", check=True
    )


def test_the_chapter_is_the_one_record_of_its_facts(repo):
    text = (repo / "docs" / "essays" / f"{SLUG}.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert {key: front[key] for key in FACTS} == FACTS
    assert front["source"] == FILE
    lede = RECEIVED.read_text(encoding="utf-8").split("\n\n")[1]
    assert front["lede"] == lede
    body = text.split("---\n", 2)[2]
    assert lede not in body, "the lede is the front matter's, not typed twice"
    assert FACTS["title"] not in body, "the title line is the chapter's title, not a paragraph"


def test_the_chapter_is_in_the_contents_in_order(repo):
    index = (repo / "docs" / "index.md").read_text(encoding="utf-8").splitlines()
    chapters = [line.strip() for line in index if line.strip().startswith("essays/")]
    assert chapters[-2:] == [f"essays/{SLUG}", "essays/dispelling-information-asymmetry"]


@early
def copy_own_tests(where: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """The book's tests, run in the copy as `make test` runs them (beside
    the other tests): they build the copy and check the new chapter in every
    edition, and the new author wherever the book names its authors."""
    repo = background.result("repo")
    selected = " or ".join(
        [
            # every test parametrized by chapter (words, contents, byline, sources, card),
            # but the browser's (the copy has no node_modules; test_web checks every page)
            f"({SLUG} and not axe and not nu_html and not leaves_the_host"
            " and not content_security_policy)",
            "every_received_text",
            "checksums",
            "emits_no_warning",
            "every_author_a_creator",  # the ePub's creators
            "cover_page_opens_the_book",  # the cover's alt text
            "pdf_names_every_author",  # the PDF's metadata and title page
        ]
    )
    report = where / "report.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--junitxml={report}",
            "tests/test_fidelity.py",
            "tests/test_book.py",
            "tests/test_epub.py",
            "tests/test_pdf.py",
            "tests/test_web.py",
            "-k",
            selected,
        ],
        cwd=repo,
        env=copy_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return result, report


def test_the_copy_own_tests_cover_the_new_chapter_and_author(copy_own_tests):
    """The copy's own tests pass, and those of its new chapter and author ran."""
    result, report = copy_own_tests
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        skipped = case.find("skipped")
        outcomes[case.get("name")] = "skipped" if skipped is not None else "passed"
    # The new chapter's own checks, and the new author's, ran and passed.
    for name in [
        f"test_every_word_in_order_in_html[{SLUG}]",
        f"test_every_word_in_order_in_epub[{SLUG}]",
        f"test_the_front_matter_is_what_the_sources_page_states[html-{SLUG}]",
        f"test_chapter_in_html_contents[{SLUG}]",
        f"test_chapter_in_epub_contents[{SLUG}]",
        f"test_chapter_link_preview_metadata[{SLUG}]",
        "test_every_received_text_has_exactly_one_chapter",
        "test_received_texts_match_their_checksums",
        "test_every_author_a_creator_and_the_editor_a_contributor",
        "test_cover_page_opens_the_book",
    ]:
        assert outcomes.get(name) == "passed", f"{name}: {outcomes.get(name, 'did not run')}"
    for name in (f"test_every_word_in_full_in_pdf[{SLUG}]", "test_pdf_names_every_author"):
        if outcomes.get(name) != "passed":
            require("xelatex")  # skipped only where TeX is missing, never in CI
            pytest.fail(f"{name}: {outcomes.get(name, 'did not run')}")


def test_the_command_refuses_a_second_copy_and_writes_nothing(repo):
    before = {p: p.read_bytes() for p in (repo / "sources").iterdir()}
    result = new_essay(repo, RECEIVED, **FACTS)
    assert result.returncode != 0
    assert "exists already" in result.stderr and "Nothing was written" in result.stderr
    assert {p: p.read_bytes() for p in (repo / "sources").iterdir()} == before


def test_the_command_refuses_a_text_that_is_not_utf8(repo, tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\u00e9 society\n".encode("latin-1"))
    before = changed_files(repo)
    result = new_essay(repo, latin1, **{**FACTS, "title": "Another", "slug": "another"})
    assert result.returncode != 0
    assert f"{latin1}:1: byte 0xe9" in result.stderr
    assert changed_files(repo) == before


def test_the_command_refuses_a_bad_date_or_url(repo):
    for facts, message in [
        ({**FACTS, "date": "15 June 2024"}, "is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ({**FACTS, "url": "ftp://example.org/x"}, "is not an http(s) address"),
    ]:
        result = new_essay(repo, RECEIVED, **{**facts, "title": "Other", "slug": "other"})
        assert result.returncode != 0 and message in result.stderr, result.stderr


# -- All or nothing -----------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path) -> Path:
    """A copy of the repository as it is, for one test."""
    root = tmp_path / "book"
    checkout(working_tree_files(), root)
    return root


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"title": "A Title\nWith a Second Line"}, "the title is more than one line"),
        ({"url": 'https://example.org/"><script>alert(1)</script>'}, "is not an http(s) address"),
        ({"date": "2099-01-01"}, "is after today"),
        ({"author": "Ann\u202eAuthor"}, "the author holds the invisible character U+202E"),
    ],
)
def test_the_command_refuses_bad_facts_and_writes_nothing(fresh, facts, message):
    result = new_essay(fresh, RECEIVED, **{**FACTS, **facts, "slug": "other"})
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert changed_files(fresh) == []


def as_an_editor(root: Path) -> list[str]:
    """The command prefix that runs a command as an ordinary user, who owns
    the copy: root may write into any folder, an editor may not (CI runs as
    root; the copy is handed to nobody, who may read the environment)."""
    if os.geteuid() != 0:
        return []
    subprocess.run(["chown", "-R", "nobody:nogroup", str(root)], check=True)
    return [shutil.which("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def editors_copy() -> Path:
    """A copy of the repository in a folder an ordinary user can reach
    (pytest's own are root's alone)."""
    where = Path(tempfile.mkdtemp(prefix="new-essay-"))
    where.chmod(0o755)
    try:
        checkout(working_tree_files(), where / "book")
        yield where / "book"
    finally:
        shutil.rmtree(where)


def test_a_read_only_folder_changes_nothing_and_a_second_run_works(editors_copy):
    fresh = editors_copy
    prefix = as_an_editor(fresh)
    docs = fresh / "docs" / "essays"
    docs.chmod(0o555)
    args = [f"--{key}={value}" for key, value in FACTS.items()]
    command = [*prefix, sys.executable, str(fresh / "tools" / "new_essay.py"), str(RECEIVED), *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=fresh)
    assert result.returncode != 0 and "docs/essays/ is not writable" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert changed_files(fresh) == []
    docs.chmod(0o755)
    again = subprocess.run(command, capture_output=True, text=True, check=False, cwd=fresh)
    assert again.returncode == 0, again.stderr
    assert f"docs/essays/{SLUG}.md" in changed_files(fresh)


def test_a_failure_while_writing_puts_everything_back(fresh, monkeypatch):
    """The last file cannot be moved into place: the ones already moved are
    restored, the partial files removed."""
    sys.path.insert(0, str(fresh / "tools"))
    import new_essay as tool

    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 4:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(tool.os, "replace", failing_replace)
    essay = tool.Essay(RECEIVED, FACTS["title"], FACTS["author"], FACTS["date"], FACTS["site"],
                       FACTS["url"], "", SLUG, FILE)  # fmt: skip
    with pytest.raises(tool.Refused, match="No space left on device"):
        tool.add_essay(essay, fresh)
    assert changed_files(fresh) == []


def test_a_text_with_markup_and_a_final_backslash_scaffolds_a_chapter_that_builds(fresh, tmp_path):
    text = tmp_path / "odd.txt"
    text.write_text(
        "Odd Text\n\nIts summary, with *stars* and _underscores_.\n\n"
        "A {role}`x` and `code`, a line ending in a backslash\\\n\nand a last one \\\n",
        encoding="utf-8",
    )
    result = new_essay(
        fresh, text, **{**FACTS, "title": "Odd Text", "slug": "odd", "file": "odd.txt"}
    )
    assert result.returncode == 0, result.stderr
    built = build_book(fresh, "html", tmp_path / "html", doctrees=tmp_path / "doctrees")
    assert built.status == 0, "\n".join(built.messages) or built
    page = (tmp_path / "html" / "essays" / "odd.html").read_text(encoding="utf-8")
    assert "ending in a backslash\\" in page and "a last one \\" in page
