"""Fixture books built in a process of their own, one after the other, as
`conftest.build_book` builds them (the book's conf.py and strictness, Sphinx
in that process):

    python tests/build_books.py '[[book, builder], …]'

prints, as JSON, each build's output folder, exit status, messages and log.
test_bad_input's cases are built through it beside the other tests: their
two dozen builds are then no longer the tests' own thread's to wait for.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from conftest import build_book


def build_all(jobs: list[list[str]]) -> list[dict]:
    return [asdict(build_book(Path(book), builder)) for book, builder in jobs]


if __name__ == "__main__":
    print(json.dumps(build_all(json.loads(sys.argv[1])), default=str))
