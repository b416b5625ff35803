"""The suite on several pytest-xdist workers (`make test`, `make test-fast`: `-n 2 --dist
loadgroup`): which tests must share a worker, and work done once for all workers."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Session fixtures of tests/conftest.py whose tests all run on one worker, in their files'
# order (as they were written): the Rasa stack (Rasa, action server, console) is started
# once per run. Its tests on 2 workers meant two stacks, each ~30 s of start-up CPU
# (TensorFlow, the model) taken from the other tests, and a Rasa server's memory more.
ONE_WORKER = ("stack",)
# Session fixtures of a folder's conftest.py that several of its files share: all their
# tests run on one worker, so the fixture (a stack with Rasa processes of its own) is
# started once per run, not once per file.
KEEP_FOLDER_TOGETHER = ("scaled", "fault_stack")


def xdist_group(item: pytest.Item) -> str | None:
    """The group of tests that run on one worker, or None (any worker).

    The session's stack's tests are one group (ONE_WORKER): the other worker has more than
    as much else to do (trainings, evaluations, the scaled and fault stacks, browsers).
    A folder's shared stacks group their folder's files (KEEP_FOLDER_TOGETHER). A file's
    tests stay together when they share a fixture wider than one test that is defined for
    that file or its folder (a console, an action server, a browser or an evaluation of
    their own): it is then built once, not once per worker. Other fixtures of
    tests/conftest.py and tests/support (the trained model, the services) are built once
    per worker that needs them."""
    path = item.nodeid.split("::")[0]
    names = getattr(item, "fixturenames", ())
    for fixture in ONE_WORKER:
        if fixture in names:
            return fixture
    for fixture in KEEP_FOLDER_TOGETHER:
        if fixture in names:
            return f"{path.rsplit('/', 1)[0]}::{fixture}"
    info = getattr(item, "_fixtureinfo", None)
    for definitions in getattr(info, "name2fixturedefs", {}).values():
        wide = definitions and definitions[-1].scope != "function"
        if wide and definitions[-1].baseid not in ("", "tests"):
            return path
    return None


def heaviest_first(items: list[pytest.Item], heavy: tuple[str, ...]) -> None:
    """On xdist workers, the tests marked `heavy` first, those without the trained model
    before those with it, then the rest (each in its order): the long groups start at
    once, one worker trains the model while the other works on, and the short tests fill
    the gaps at the end."""
    def rank(item: pytest.Item) -> int:
        if not any(item.get_closest_marker(marker) for marker in heavy):
            return 2
        return 1 if "trained_model" in getattr(item, "fixturenames", ()) else 0

    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        items.sort(key=rank)


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 make: Callable[[], str]) -> str:
    """`make()`'s result, made by the first worker that asks and read by the others
    (without xdist: made here). The folder above the workers' temp folders is this run's."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make()
    shared = tmp_path_factory.getbasetemp().parent
    with _exclusive(shared / f"{name}.lock"):
        note = shared / f"{name}.result"
        if note.is_file():
            return note.read_text(encoding="utf-8")
        result = make()
        note.write_text(result, encoding="utf-8")
        return result
