"""nox sessions for the book: the same builds, tests and lint as the Makefile.

The Makefile is the one build path; every session here runs a `make` target in
an environment of its own (`.nox/<session>`), installed from uv.lock with only
the dependency groups that session needs. So `nox -s pdf` and `make pdf` run
the same commands with the same flags and cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "none"  # `make` installs each environment from uv.lock
nox.options.sessions = ["html", "test", "lint"]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent


def make(session: nox.Session, target: str, *groups: str) -> None:
    """Run a Makefile target in this session's own locked environment."""
    venv = ROOT / ".nox" / session.name
    uv_groups = " ".join(f"--only-group {group}" for group in groups)
    session.run(
        "make",
        target,
        f"VENV={venv}",
        f"UV_GROUPS={uv_groups}",
        *session.posargs,
        external=True,
    )


@nox.session
def html(session: nox.Session) -> None:
    """Build the web edition into _build/html/."""
    make(session, "html", "docs")


@nox.session
def epub(session: nox.Session) -> None:
    """Build the ePub into _build/epub/."""
    make(session, "epub", "docs")


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF into _build/latex/ (needs TeX Live: `make system-deps`)."""
    make(session, "pdf", "docs")


@nox.session
def livehtml(session: nox.Session) -> None:
    """Serve the web edition and rebuild it on every change."""
    make(session, "livehtml", "docs", "dev")


@nox.session
def test(session: nox.Session) -> None:
    """Build every edition and check what readers get."""
    make(session, "test", "test")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint the project's own code (never the authors' texts)."""
    make(session, "lint", "lint")
