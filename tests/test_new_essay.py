"""`make new-essay` (tools/new_essay.py), end to end, in a copy of the repository.

The copy gets a received text (tests/fixtures/new_essay/received.txt, written
for the tests, full of characters Markdown would take for markup) and its
facts; then the copy's own tests run on it: the chapter is in the contents and
on the sources page, its facts match essays.toml, its text matches its
checksum, and every word of it is in the HTML, the ePub and the PDF, in order.
The real sources/ and docs/ are never touched.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from conftest import ROOT, require
from test_reproducible import checkout, copy_env, working_tree_files

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
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in out.splitlines())


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the repository, with the essay added by the command."""
    root = tmp_path_factory.mktemp("new-essay") / "book"
    checkout(working_tree_files(), root)
    result = new_essay(root, RECEIVED, **FACTS)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_the_command_writes_exactly_these_files(repo):
    assert changed_files(repo) == sorted(
        [
            f"docs/essays/{SLUG}.md",
            "docs/index.md",
            "docs/sources.md",
            "sources/SHA256SUMS",
            "sources/essays.toml",
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
    kept = [line for line in old if not line.endswith("  essays.toml")]
    assert set(kept) <= set(sums.splitlines())
    # And the whole manifest checks out, as `make lint` checks it.
    subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=repo / "sources", check=True
    )


def test_the_facts_join_essays_toml_in_order_of_publication(repo):
    essays = tomllib.loads((repo / "sources" / "essays.toml").read_text(encoding="utf-8"))["essay"]
    (entry,) = [e for e in essays if e["file"] == FILE]
    assert {key: entry[key] for key in FACTS} == FACTS
    assert entry["summary_is_first_paragraph"] is True
    at = essays.index(entry)
    assert essays[at - 1]["date"] <= FACTS["date"] < essays[at + 1]["date"]
    # Every comment of the file is still there.
    before = (ROOT / "sources" / "essays.toml").read_text(encoding="utf-8").splitlines()
    after = (repo / "sources" / "essays.toml").read_text(encoding="utf-8").splitlines()
    assert [line for line in before if line.startswith("#")] == [
        line for line in after if line.startswith("#")
    ]


def test_the_chapter_has_its_front_matter_and_lede(repo):
    text = (repo / "docs" / "essays" / f"{SLUG}.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert {key: front[key] for key in FACTS} == FACTS
    assert front["source"] == FILE
    lede = RECEIVED.read_text(encoding="utf-8").split("\n\n")[1]
    assert front["summary"] == lede
    body = text.split("---\n", 2)[2]
    assert body.lstrip().startswith("{.lede}\n" + lede)
    assert FACTS["title"] not in body, "the title line is the chapter's title, not a paragraph"


def test_the_chapter_is_in_the_contents_in_order(repo):
    index = (repo / "docs" / "index.md").read_text(encoding="utf-8").splitlines()
    chapters = [line.strip() for line in index if line.strip().startswith("essays/")]
    assert chapters[-2:] == [f"essays/{SLUG}", "essays/dispelling-information-asymmetry"]


def test_the_copy_own_tests_cover_the_new_chapter(repo, tmp_path):
    """The fidelity tests and the book's tests, run in the copy as `make test`
    runs them: they build the copy and check the new chapter in every format."""
    selected = " or ".join(
        [
            SLUG,  # every test parametrized by chapter: words, contents, facts, byline
            "every_received_text",
            "sources_and_rights",
            "checksums",
            "emits_no_warning",
        ]
    )
    report = tmp_path / "report.xml"
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
            "-k",
            selected,
        ],
        cwd=repo,
        env=copy_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        skipped = case.find("skipped")
        outcomes[case.get("name")] = "skipped" if skipped is not None else "passed"
    # The new chapter's own checks ran and passed.
    for name in [
        f"test_every_word_in_order_in_html[{SLUG}]",
        f"test_every_word_in_order_in_epub[{SLUG}]",
        f"test_chapter_facts_match_essays_toml[{SLUG}]",
        f"test_chapter_in_html_contents[{SLUG}]",
        f"test_chapter_in_epub_contents[{SLUG}]",
        "test_every_received_text_has_exactly_one_chapter",
        "test_received_texts_match_their_checksums",
        "test_sources_and_rights_page_credits_every_original",
    ]:
        assert outcomes.get(name) == "passed", f"{name}: {outcomes.get(name, 'did not run')}"
    pdf = f"test_every_word_in_full_in_pdf[{SLUG}]"
    if outcomes.get(pdf) != "passed":
        require("xelatex")  # skipped only where TeX is missing, never in CI
        pytest.fail(f"{pdf}: {outcomes.get(pdf, 'did not run')}")


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
