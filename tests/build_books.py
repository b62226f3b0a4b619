"""Fixture books built in a process of their own, one after the other, as
`conftest.build_book` builds them (the book's conf.py and strictness, Sphinx
in that process):

    python tests/build_books.py '[[book, builder], …]'

prints, as JSON, each build's output folder, exit status, messages and log;
`in_a_process` runs it and reads them back. test_bad_input's cases are built
through it beside the other tests: their two dozen builds are then no longer
the tests' own thread's to wait for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from conftest import Built, build_book


def build_all(jobs: list[list[str]]) -> list[dict]:
    return [asdict(build_book(Path(book), builder)) for book, builder in jobs]


def in_a_process(jobs: list[tuple[Path, str]]) -> list[Built]:
    """Each (book, builder) of ``jobs`` built, one after the other, in a
    process of its own."""
    result = subprocess.run(
        [sys.executable, __file__, json.dumps([[str(book), builder] for book, builder in jobs])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-6000:]
    return [Built(**{**b, "outdir": Path(b["outdir"])}) for b in json.loads(result.stdout)]


if __name__ == "__main__":
    print(json.dumps(build_all(json.loads(sys.argv[1])), default=str))
