"""Destructive tests get their own Stack (the dialogue tests' stack is never broken), with
short fault timeouts, and count every fault they inject for SECURITY.md."""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bot.serve import Stack, write_endpoints
from tests.support.tools import free_port

FAULTS: collections.Counter[str] = collections.Counter()  # kind -> times injected
LOST: list[str] = []  # reports that never reached the queue (must stay empty)


def make_stack(tmp: Path, model: Path, db_url: str | None = None) -> Stack:
    actions_port = free_port()
    endpoints = write_endpoints(tmp / "endpoints.yml", actions_port, tmp / 'tracker.db')
    db = db_url or f"sqlite:///{tmp / 'desk.db'}"
    stack = Stack(rasa_port=free_port(), actions_port=actions_port, model=str(model),
                  endpoints=str(endpoints),
                  log_dir=tmp / "log")
    stack.env = {
        "SUPPORTBOT_DB_URL": db,
        "SUPPORTBOT_OUTBOX_URL": f"sqlite:///{tmp / 'outbox.db'}",
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "SUPPORTBOT_RASA_TOKEN": "test-rasa-token",
        "SUPPORTBOT_RASA_URL": f"http://localhost:{stack.rasa_port}",
        "SUPPORTBOT_IDENTITY_KEY": "test-identity-key-" + "k" * 32,
        "SUPPORTBOT_DEV_LOGIN": "0",
        # Faults show quickly: a frozen action server is given up on after 3 s.
        "SUPPORTBOT_ACTION_TIMEOUT": "3",
        "SUPPORTBOT_HEALTH_INTERVAL": "0.5",
    }
    stack.db = db
    stack.outbox_db = tmp / "outbox.db"
    return stack


def signal_process(stack: Stack, name: str, signum: int) -> None:
    """Signal a server's whole process group, as the kernel or an operator would."""
    if signum != signal.SIGCONT:  # SIGCONT ends a fault, it is not one
        FAULTS[f"{name}:{signal.Signals(signum).name}"] += 1
    os.killpg(stack.processes[name].pid, signum)
    if signum == signal.SIGKILL:
        stack.processes[name].wait(timeout=10)


def outbox_rows(stack: Stack) -> dict[str, int]:
    if not stack.outbox_db.exists():
        return {}
    with sqlite3.connect(stack.outbox_db) as db:
        return dict(db.execute("SELECT state, count(*) FROM delivery_outbox GROUP BY state"))


def wait_for(condition: Callable[[], object], timeout: float = 90, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what or condition}")
