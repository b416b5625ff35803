"""The action server, the Rasa server and the agent console: their commands, which
`make run` hands to supervisord (bot/launcher.py) and the scaled profile repeats per
instance, and `Stack`, which starts them as child processes for tests and benchmarks.
There a supervisor thread restarts any that dies, with back-off; the fault tests hold it
off one server (`Stack.hold`) to see messages wait in the outbox (bot/channels/delivery)
and count its restarts, which supervisord, a separate process, would not let them do.

Nothing secret goes on a command line (any local user can read those): Rasa's API token
and the action server's secret come from the environment or var/ (bot.local_secrets),
read inside bot.run_rasa and bot.action_server. Every child runs with umask 077, so the
databases, their WAL files and the logs it creates are readable by this account only.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.local_secrets import VAR
from bot.logs import log_event
from bot.private_files import (
    PRIVATE_FILE_MODE,
    PRIVATE_UMASK,
    open_private_append,
    private_dir,
)

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).with_name("rasa"))


# Rasa sends usage data and crash reports to its servers by default; nothing about
# users may leave the machine unasked. Set the variable to "true" to opt in.
NO_TELEMETRY = {"RASA_TELEMETRY_ENABLED": "false"}


@dataclass
class Stack:
    rasa_port: int = 5005
    actions_port: int = 5055
    console_port: int | None = None  # the agent console, when wanted
    model: str = "models"
    endpoints: str = "endpoints.yml"
    credentials: str = "credentials.yml"
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = VAR / "log"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    supervisor: Supervisor | None = None

    def commands(self) -> dict[str, list[str]]:
        commands = {
            # Loopback only unless SUPPORTBOT_ACTIONS_HOST says otherwise; every call
            # must carry the secret that endpoints.yml makes Rasa send.
            "actions": [sys.executable, "-m", "bot.action_server", "--actions", "actions",
                        "--port", str(self.actions_port)],
            # The API token is added inside bot.run_rasa, never on this command line.
            "rasa": [sys.executable, "-m", "bot.run_rasa", "run", "--enable-api",
                     "--model", self.model, "--endpoints", self.endpoints,
                     "--credentials", self.credentials, "--port", str(self.rasa_port)],
        }
        if self.console_port:
            commands["console"] = [str(Path(RASA).with_name("supportbot")), "console",
                                   "--port", str(self.console_port)]
        return commands

    def health_url(self, name: str) -> str:
        return {
            "actions": f"http://localhost:{self.actions_port}/health",
            "rasa": f"http://localhost:{self.rasa_port}/",  # /status needs the API token
            "console": f"http://localhost:{self.console_port}/login",
        }[name]

    def start(self, timeout: float = 180, supervise: bool = True) -> Stack:
        for name in self.commands():
            self._spawn(name)
        for name in self.commands():
            self.wait_ready(name, timeout)
        if supervise:
            self.supervisor = Supervisor(self)
            self.supervisor.start()
        return self

    def restart(self, name: str, timeout: float = 180) -> None:
        """Stop one server and start it again (conversations must survive this)."""
        with self.hold(name):
            stop_process(self.processes.pop(name))
            self._spawn(name)
        self.wait_ready(name, timeout)

    def hold(self, name: str) -> Held:
        """`with stack.hold(name):` the supervisor leaves that server alone."""
        return Held(self.supervisor, name)

    def _spawn(self, name: str) -> None:
        private_dir(self.log_dir)
        log = open_private_append(self.log_dir / f"{name}.log")
        try:
            self.processes[name] = subprocess.Popen(
                self.commands()[name], cwd=ROOT, env={**NO_TELEMETRY, **os.environ, **self.env},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        finally:
            os.close(log)  # the child has its own copy

    def wait_ready(self, name: str, timeout: float) -> None:
        url, process = self.health_url(name), self.processes[name]
        deadline = time.monotonic() + timeout
        while not answers(url):
            if process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{name} exited during start-up; see {self.log_dir}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {self.log_dir}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.supervisor:
            self.supervisor.stop()
        for process in self.processes.values():
            stop_process(process)
        self.processes.clear()


def write_endpoints(path: Path, actions_port: int, tracker_db: Path) -> Path:
    """An endpoints.yml like the repository's with its own action server port and
    tracker file, for a stack of its own (tests, benchmarks). Private, like all of var/."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(
            f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
            "  enable_selective_domain: true\n"
            "  headers:\n    Authorization: Bearer ${SUPPORTBOT_ACTIONS_TOKEN}\n"
            "tracker_store:\n  type: bot.tracker_store.TunedSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {tracker_db}\n"
            "nlg:\n  type: bot.nlg.LanguageAwareNLG\n"
        )
    return path


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after 20 s (children started with
    start_new_session=True, so Rasa's own workers go too)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Supervisor(threading.Thread):
    """Restarts a server that exited, after 1, 2, 4 … 60 s (reset once it ran a minute)."""

    POLL_S, FIRST_DELAY_S, MAX_DELAY_S, STABLE_S = 0.5, 1.0, 60.0, 60.0

    def __init__(self, stack: Stack) -> None:
        super().__init__(name="supervisor", daemon=True)
        self.stack = stack
        self.held: set[str] = set()  # not restarted while held (tests, planned restarts)
        self.restarts: dict[str, int] = {}
        self.lock = threading.Lock()
        self._stopping = threading.Event()
        self._started_at = {name: time.monotonic() for name in stack.processes}
        self._failures: dict[str, int] = {}
        self._due: dict[str, float] = {}

    def stop(self) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout=5)

    def run(self) -> None:
        while not self._stopping.wait(self.POLL_S):
            with self.lock:
                for name, process in list(self.stack.processes.items()):
                    if name not in self.held and process.poll() is not None:
                        self._restart_when_due(name, process.returncode)

    def _restart_when_due(self, name: str, code: int | None) -> None:
        now = time.monotonic()
        if name not in self._due:
            ran = now - self._started_at.get(name, now)
            failures = 0 if ran > self.STABLE_S else self._failures.get(name, 0)
            delay = min(self.MAX_DELAY_S, self.FIRST_DELAY_S * 2 ** failures)
            self._failures[name] = failures + 1
            self._due[name] = now + delay
            log_event(logger, "process_exited", logging.ERROR, process=name, code=code,
                      ran_s=round(ran, 1), restart_in_s=delay)
        if now >= self._due[name]:
            del self._due[name]
            self.stack._spawn(name)
            self._started_at[name] = now
            self.restarts[name] = self.restarts.get(name, 0) + 1
            log_event(logger, "process_restarted", logging.WARNING, process=name,
                      pid=self.stack.processes[name].pid, restarts=self.restarts[name])


class Held:
    """Keeps the supervisor away from one server (see Stack.hold)."""

    def __init__(self, supervisor: Supervisor | None, name: str) -> None:
        self.supervisor, self.name = supervisor, name

    def __enter__(self) -> None:
        if self.supervisor:
            with self.supervisor.lock:
                self.supervisor.held.add(self.name)

    def __exit__(self, *exc: object) -> None:
        if self.supervisor:
            with self.supervisor.lock:
                self.supervisor.held.discard(self.name)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
