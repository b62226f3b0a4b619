"""Work the suite starts as soon as it starts, and runs beside the tests.

Most of the suite's time is waiting: for the editions to build, for Read the
Docs' rehearsal to install and build, for a copy of the project to build,
for the browser to open every page, for EPUBCheck and Ace. None of it needs
the tests before it. A fixture made with `early` is such work: when the
session starts (`conftest.start_early_work`), every early fixture that a
selected test uses is submitted to a pool of threads (the work itself runs
in subprocesses and in the browser, so the threads do not wait on each other
for Python), and the fixture, when a test asks for it, waits for its result.
A failure is the fixture's error, in every test that uses it, as with any
fixture; a fixture no selected test uses is never run.

An early fixture's function takes one argument, a new folder of its own
(under the session's temporary folder: pytest's ``tmp_path_factory`` is for
the tests' thread only); it may wait for another's result with `result`.

The early work yields the processor to the tests' own thread (its threads,
and so every process they start, run at a lower priority: `NICENESS`): on
two cores, both busy with it for most of the session, the tests' thread was
left to finish alone after it. Work that the tests wait for before any
other, the editions, says ``@early(yields=False)``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

#: name -> the function that makes an early fixture's value.
EARLY: dict[str, Callable[[Any], Any]] = {}
#: The early fixtures that do not yield the processor (see above).
NOT_YIELDING: set[str] = set()
#: How far the early work yields: the nice value of its threads (Linux gives
#: each thread its own, and a process started from one inherits it).
NICENESS = 10

#: Four at a time: the editions (submitted first) are not starved, and work
#: that waits for another (submitted after it) never waits on a busy pool.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="early")
_started: dict[str, Future] = {}
_lock = threading.Lock()
_base: list[Path] = []


def early(function: Callable[[Any], Any] | None = None, *, yields: bool = True):
    """A session fixture whose work starts with the session (see above)."""
    if function is None:
        return lambda function: early(function, yields=yields)
    name = function.__name__
    EARLY[name] = function
    if not yields:
        NOT_YIELDING.add(name)

    @pytest.fixture(scope="session", name=name)
    def fixture(tmp_path_factory):
        return start(name, tmp_path_factory).result()

    fixture.__doc__ = function.__doc__
    return fixture


def start(name: str, tmp_path_factory=None) -> Future:
    """The early fixture's work, started once (the first call, from the
    tests' thread, gives the session's temporary folder)."""
    with _lock:
        if tmp_path_factory is not None and not _base:
            _base.append(tmp_path_factory.getbasetemp() / "early")
        if name not in _started:
            where = _base[0] / name
            where.mkdir(parents=True)
            _started[name] = _pool.submit(_timed, name, where)
        return _started[name]


#: name -> (seconds after the session started, seconds it took): for the
#: session's summary of where its time went.
TIMES: dict[str, tuple[float, float]] = {}
_epoch = time.perf_counter()


def _timed(name: str, where: Path) -> Any:
    # (The editions, submitted first, have a thread of their own. Elsewhere
    # than on Linux a thread has no nice value of its own: there, no yielding.)
    if name not in NOT_YIELDING and sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    began = time.perf_counter()
    try:
        return EARLY[name](where)
    finally:
        TIMES[name] = (began - _epoch, time.perf_counter() - began)


def result(name: str) -> Any:
    """Another early fixture's value, from within an early fixture's work."""
    return start(name).result()


def shutdown() -> None:
    _pool.shutdown(wait=True, cancel_futures=True)
