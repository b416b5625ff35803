"""A model trained once per test session (rasa skips training when models/ is current)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.serve import Stack

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_tool(
    *args: str, timeout: float = 900, env: dict | None = None, input_text: str | None = None
) -> subprocess.CompletedProcess:
    """Run a project tool (rasa, supportbot) from the venv; show its output if it fails."""
    result = subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})}, input=input_text,
    )
    if result.returncode != 0:
        print(result.stdout[-5000:], result.stderr[-5000:], sep="\n")
    return result


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = run_tool("rasa", "train", "--domain", "domain", "--data", "data",
                      "--config", "config.yml", "--out", "models")
    assert result.returncode == 0, "rasa train failed"
    return max(ROOT.glob("models/*.tar.gz"), key=os.path.getmtime)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("stack")
    actions_port = _free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n"
    )
    db = f"sqlite:///{tmp / 'desk.db'}"
    running = Stack(rasa_port=_free_port(), actions_port=actions_port,
                    console_port=_free_port(), model=str(trained_model),
                    endpoints=str(endpoints), log_dir=tmp / "log")
    running.env = {
        "SUPPORTBOT_DB_URL": db,
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "SUPPORTBOT_CONSOLE_SECRET": "test-secret-" + "x" * 32,
        "SUPPORTBOT_RASA_TOKEN": "test-rasa-token",
        # The CLI and the console push decisions to this Rasa.
        "SUPPORTBOT_RASA_URL": f"http://localhost:{running.rasa_port}",
    }
    running.start()
    running.db = db
    yield running
    running.stop()


def say(stack: Stack, sender: str, text: str) -> list[str]:
    """One message over the REST channel; the bot's reply texts."""
    request = urllib.request.Request(
        f"http://localhost:{stack.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.load(response)]


def supportbot(stack: Stack, *args: str) -> str:
    """The agents' CLI against the stack's database (and its Rasa, for pushes)."""
    result = run_tool("supportbot", "--db", stack.db, *args, timeout=60, env=stack.env)
    assert result.returncode == 0, result.stderr
    return result.stdout
