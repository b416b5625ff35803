"""Destructive tests get their own Stack (tests/support/faults.py): the dialogue tests'
stack is never broken; every fault injected is counted for SECURITY.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.faults import FAULTS, LOST, make_stack


@pytest.fixture(scope="module")
def fault_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    stack = make_stack(tmp_path_factory.mktemp("faults"), trained_model)
    stack.start()
    yield stack
    stack.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FAULTS:
        summary = {"faults_injected": dict(FAULTS), "total": sum(FAULTS.values()),
                   "tickets_lost": len(LOST)}
        terminalreporter.write_line("faults: " + json.dumps(summary))
