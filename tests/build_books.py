"""Fixture books built in a process of their own, one after the other, as
`conftest.build_book` builds them (the book's conf.py and strictness, Sphinx
in that process), with environment variables of their own if need be:

    python tests/build_books.py '{"jobs": [{"book": …, "builder": …, …}, …],
                                  "env": {"SOURCE_DATE_EPOCH": …, …}}'

(each build's `build_book` arguments; the variables set in that process
once conftest has set the session's) prints, as JSON, each build's output
folder, exit status, messages and log; `in_a_process` runs it and reads them
back. test_bad_input's cases are built through it beside the other tests:
their two dozen builds are then no longer the tests' own thread's to wait
for. A build with variables of its own is built through it too: set in the
tests' process, they would reach every subprocess the early work starts in
the meantime (a case's build once ran without -W, so every case "built").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from conftest import Built, build_book

#: The arguments of `build_book` that are paths, as the jobs give them.
PATHS = ("book", "outdir")


def build_all(jobs: list[dict], env: dict[str, str]) -> list[dict]:
    os.environ.update(env)  # this process's own: no thread starts anything here
    return [
        asdict(build_book(**{k: Path(v) if k in PATHS else v for k, v in job.items()}))
        for job in jobs
    ]


def in_a_process(jobs: list[dict], env: dict[str, str] | None = None) -> list[Built]:
    """Each build of ``jobs`` (`build_book`'s keyword arguments), one after
    the other, in a process of its own; ``env``: variables set for it."""
    given = json.dumps({"jobs": jobs, "env": env or {}}, default=str)
    result = subprocess.run(
        [sys.executable, __file__, given], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-6000:]
    return [Built(**{**b, "outdir": Path(b["outdir"])}) for b in json.loads(result.stdout)]


if __name__ == "__main__":
    print(json.dumps(build_all(**json.loads(sys.argv[1])), default=str))
