"""nox wraps the Makefile and nothing else: each session runs the `make`
target of its name, in an environment of its own, installed with dependency
groups that pyproject.toml declares (so `nox -s pdf` and `make pdf` cannot
drift apart)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import tomllib

import pytest
from conftest import ROOT

nox = pytest.importorskip("nox", reason="nox is in the dev group")


class Recorder:
    """A stand-in for nox.Session that records what a session would run."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.posargs: list[str] = []
        self.commands: list[tuple[tuple[str, ...], dict]] = []

    def run(self, *args: str, **options) -> None:
        self.commands.append((args, options))


def sessions() -> dict:
    from nox import registry

    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(registry.get())


def test_every_session_runs_the_make_target_of_its_name():
    groups = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"])
    found = sessions()
    listed = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "help"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    targets = set(re.findall(r"^\s*make (\S+)", listed, re.MULTILINE))
    assert {"html", "epub", "pdf", "test", "lint"} <= set(found)
    for name, function in found.items():
        session = Recorder(name)
        function(session)
        assert len(session.commands) == 1, f"nox -s {name}: {session.commands}"
        (program, target, venv, uv_groups), options = session.commands[0]
        assert (program, target) == ("make", name)
        assert options == {"external": True}
        assert venv == f"VENV={ROOT / '.nox' / name}"
        asked = uv_groups.removeprefix("UV_GROUPS=").split()
        assert asked[::2] == ["--only-group"] * (len(asked) // 2)
        assert set(asked[1::2]) <= groups, f"nox -s {name} asks for {asked}"
        # And the Makefile has that target, with its help line.
        assert target in targets, f"nox -s {name}: `make help` has no {target!r}"
