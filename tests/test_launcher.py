"""bot/launcher.py (`make run`): the config it writes, read back by supervisord's own
parser, and the launcher itself in a temporary directory on free ports: three programs
RUNNING, a killed action server back alone, nothing left behind after SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from bot.launcher import parse
from bot.serve import ROOT, Stack, answers, write_endpoints
from tests.support.tools import free_port

BIN = Path(sys.executable).parent
SECRETS = {"SUPPORTBOT_RASA_TOKEN": "rasa-token-secret-" + "r" * 20,
           "SUPPORTBOT_ACTIONS_TOKEN": "actions-token-secret-" + "a" * 20,
           "SUPPORTBOT_CONSOLE_SECRET": "console-secret-" + "c" * 32}


def parsed(config: Path) -> tuple[ServerOptions, dict]:
    options = ServerOptions()
    options.realize(args=["-c", str(config)])
    return options, {p.name: p for group in options.process_group_configs
                     for p in group.process_configs}


def test_config_runs_make_runs_commands_with_back_off_and_rotated_logs(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    local = parse(["--run-dir", str(tmp_path / "var")])
    options, programs = parsed(local.write())
    expected = Stack(console_port=8080).commands()
    assert {name: program.command.split() for name, program in programs.items()} == expected
    assert [p.name for p in sorted(programs.values(), key=lambda p: p.priority)] == [
        "actions", "rasa", "console"]
    assert options.umask == 0o077 and options.nodaemon
    assert options.directory == str(ROOT)
    assert options.server_configs[0]["file"] == str(tmp_path / "var" / "supervisor.sock")
    assert options.server_configs[0]["chmod"] == 0o700
    for program in programs.values():
        assert program.autorestart is RestartUnconditionally and program.startretries >= 5
        assert program.stopasgroup and program.killasgroup
        assert program.stdout_logfile == str(tmp_path / "var" / "log" / f"{program.name}.log")
        assert program.stdout_logfile_maxbytes == 10 * 1024 * 1024
        assert program.stdout_logfile_backups == 5
    text = local.config.read_text()
    assert not any(secret in text for secret in SECRETS.values())
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.5)


def ctl(config: Path, *args: str) -> str:
    return subprocess.run([str(BIN / "supervisorctl"), "-c", str(config), *args],
                          capture_output=True, text=True, timeout=60).stdout


def alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)  # each program leads its own process group (Rasa's workers too)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.e2e
def test_make_runs_launcher_restarts_one_process_and_leaves_nothing_behind(
        trained_model: Path, tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("rasa", "actions", "console")}
    endpoints = write_endpoints(tmp_path / "endpoints.yml", ports["actions"],
                                tmp_path / "tracker.db")
    run_dir = tmp_path / "var"
    env = {**os.environ, **SECRETS,
           "SUPPORTBOT_DB_URL": f"sqlite:///{tmp_path / 'desk.db'}",
           "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
           "SUPPORTBOT_RASA_URL": f"http://127.0.0.1:{ports['rasa']}"}
    output = tmp_path / "launcher.out"
    with output.open("w") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "--run-dir", str(run_dir),
             "--model", str(trained_model), "--endpoints", str(endpoints),
             *(arg for name, port in ports.items() for arg in (f"--{name}-port", str(port)))],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    config = run_dir / "supervisord.conf"
    try:
        wait_until(lambda: "supportbot is up" in output.read_text()
                   or launcher.poll() is not None, 300, "the banner")
        banner = output.read_text()
        assert f"http://localhost:{ports['rasa']}/webhooks/chatpage/" in banner, banner
        status = ctl(config, "status").splitlines()
        assert len(status) == 3 and all("RUNNING" in line for line in status), status
        assert (run_dir / "supervisor.sock").stat().st_mode & 0o777 == 0o700

        pids = {name: int(ctl(config, "pid", name)) for name in ports}
        os.kill(pids["actions"], signal.SIGKILL)  # a crash: supervisord starts it again

        def actions_back() -> bool:
            pid = ctl(config, "pid", "actions").strip()
            return (pid.isdigit() and int(pid) not in (0, pids["actions"])
                    and answers(f"http://localhost:{ports['actions']}/health"))

        wait_until(actions_back, 60, "a new action server answers")
        assert int(ctl(config, "pid", "rasa")) == pids["rasa"]
        assert int(ctl(config, "pid", "console")) == pids["console"]
        pids["new actions"] = int(ctl(config, "pid", "actions"))
        pids["supervisord"] = int((run_dir / "supervisord.pid").read_text())
        running = [name for name, pid in pids.items() if alive(pid)]
        assert running == ["rasa", "console", "new actions", "supervisord"]
    finally:
        launcher.send_signal(signal.SIGTERM)
        code = launcher.wait(120)
    assert code == 0
    assert [name for name, pid in pids.items() if alive(pid)] == []
    assert not (run_dir / "supervisor.sock").exists()
