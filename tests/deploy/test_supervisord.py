"""deploy/supervisord: supervisord (from PyPI, in the venv) reads the config, runs the same
commands as `make run` (bot/serve.py), rotates each log, and restarts one process alone:
a killed action server comes back, the console restarts without touching it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from bot.serve import Stack
from tests.support.tools import ROOT, free_port

CONFIG = ROOT / "deploy" / "supervisord" / "supervisord.conf"
BIN = Path(sys.executable).parent


def checkout(tmp_path: Path, text: str | None = None) -> Path:
    """A checkout whose var/ is in tmp_path: the repository's entries linked, the config
    (or `text`) copied to its place, so nothing is written in the repository's var/."""
    root = tmp_path / "checkout"
    (root / "deploy" / "supervisord").mkdir(parents=True)
    (root / "var" / "log").mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name not in {"var", "deploy", ".git"}:
            (root / entry.name).symlink_to(entry)
    (root / "deploy" / "supervisord" / "supervisord.conf").write_text(
        text if text is not None else CONFIG.read_text())
    return root


def options(root: Path) -> ServerOptions:
    parsed = ServerOptions()
    parsed.realize(args=["-c", str(root / "deploy" / "supervisord" / "supervisord.conf")])
    return parsed


def programs(parsed: ServerOptions) -> dict:
    return {p.name: p for group in parsed.process_group_configs for p in group.process_configs}


def test_supervisord_runs_make_runs_commands(tmp_path: Path) -> None:
    root = checkout(tmp_path)
    parsed = options(root)
    found = programs(parsed)

    def as_in_repo(command: str) -> list[str]:
        return [os.path.normpath(arg).replace(str(root), str(ROOT)) if "/" in arg else arg
                for arg in command.split()]

    expected = Stack(console_port=8080).commands()
    assert {name: as_in_repo(p.command) for name, p in found.items()} == expected
    assert os.path.normpath(parsed.directory) == str(root)
    assert parsed.umask == 0o077 and parsed.nodaemon
    for program in found.values():
        assert program.autorestart is RestartUnconditionally
        assert program.stopasgroup and program.killasgroup
        assert program.stdout_logfile_maxbytes == 10 * 1024 * 1024
        assert program.stdout_logfile_backups == 5 and program.redirect_stderr
        assert Path(program.stdout_logfile).parent.resolve() == (root / "var" / "log")
    assert [p.name for p in sorted(found.values(), key=lambda p: p.priority)] == [
        "actions", "rasa", "console"]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(check, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check.__doc__}")
        time.sleep(0.3)


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """supervisord on free ports with the action server and the console; Rasa (its model
    load is the e2e tests' business) is not started."""
    actions, console = free_port(), free_port()
    text = (CONFIG.read_text().replace("--port 5055", f"--port {actions}")
            .replace("--port 8080", f"--port {console}")
            .replace("priority=20\n", "priority=20\nautostart=false\n"))
    root = checkout(tmp_path, text)
    env = {**os.environ, "SUPPORTBOT_DB_URL": f"sqlite:///{tmp_path / 'desk.db'}",
           "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
           "SUPPORTBOT_CONSOLE_SECRET": "s" * 40}
    config = str(root / "deploy" / "supervisord" / "supervisord.conf")
    process = subprocess.Popen([str(BIN / "supervisord"), "-c", config], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield root, {"actions": actions, "console": console}
    finally:
        process.send_signal(signal.SIGTERM)  # supervisord stops its programs first
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ctl(root: Path, *args: str) -> str:
    config = str(root / "deploy" / "supervisord" / "supervisord.conf")
    return subprocess.run([str(BIN / "supervisorctl"), "-c", config, *args],
                          capture_output=True, text=True, timeout=60).stdout


@pytest.mark.slow
def test_one_process_restarts_alone(supervised: tuple[Path, dict[str, int]]) -> None:
    root, ports = supervised
    actions_up = f"http://127.0.0.1:{ports['actions']}/health"
    console_up = f"http://127.0.0.1:{ports['console']}/login"

    def both_answer() -> bool:
        """the action server and the console answer"""
        return answers(actions_up) and answers(console_up)

    wait_until(both_answer)
    status = ctl(root, "status")
    assert "supportbot:actions" in status and "supportbot:rasa" in status
    assert "STOPPED" in status.split("supportbot:rasa")[1].splitlines()[0]
    actions_pid = int(ctl(root, "pid", "supportbot:actions"))
    console_pid = int(ctl(root, "pid", "supportbot:console"))

    os.kill(actions_pid, signal.SIGKILL)  # a crash: supervisord starts it again

    def actions_back() -> bool:
        """a new action server answers"""
        pid = ctl(root, "pid", "supportbot:actions").strip()
        return pid.isdigit() and int(pid) not in (0, actions_pid) and answers(actions_up)

    wait_until(actions_back)
    assert int(ctl(root, "pid", "supportbot:console")) == console_pid

    new_actions = int(ctl(root, "pid", "supportbot:actions"))
    assert "started" in ctl(root, "restart", "supportbot:console")
    wait_until(both_answer)
    assert int(ctl(root, "pid", "supportbot:console")) != console_pid
    assert int(ctl(root, "pid", "supportbot:actions")) == new_actions
    assert (root / "var" / "log" / "actions.log").stat().st_size > 0
