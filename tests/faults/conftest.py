"""Destructive tests get their own Stack (tests/support/faults.py): the dialogue tests'
stack is never broken; every fault injected is counted for SECURITY.md (the line is
printed by tests/support/fault_summary.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.faults import make_stack


@pytest.fixture(scope="module")
def fault_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    stack = make_stack(tmp_path_factory.mktemp("faults"), trained_model)
    stack.start()
    yield stack
    stack.stop()
