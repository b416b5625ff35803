"""The one line that counts every fault the destructive tests injected (tests/faults/,
for SECURITY.md), also when they ran on pytest-xdist workers: each worker hands its
counts to the controller, which prints the line. Registered by tests/conftest.py."""

from __future__ import annotations

import json

import pytest

from tests.support.faults import FAULTS, LOST


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)  # set on xdist workers only
    if output is not None:
        output["faults"] = json.dumps({"faults": dict(FAULTS), "lost": LOST})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    counts = json.loads(getattr(node, "workeroutput", {}).get("faults", "{}"))
    FAULTS.update(counts.get("faults", {}))
    LOST.extend(counts.get("lost", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FAULTS:
        summary = {"faults_injected": dict(FAULTS), "total": sum(FAULTS.values()),
                   "tickets_lost": len(LOST)}
        terminalreporter.write_line("faults: " + json.dumps(summary))
