"""The console's Train button: one training at a time, in the background.

`TrainingRuns(project, command).start(by)` starts the command (SUPPORTBOT_TRAIN_COMMAND,
`make train-quick` by default) as a child process from an argument list, never through
a shell, in the project, its output to `var/train.log`, and returns at once. The child
inherits a `flock` on `var/train.lock`: while any part of it lives, no second training
starts, from this console process or another, even after a console restart.
`var/train.json` keeps who started the last training, when, and how it ended.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from bot.desk.clock import utc_now
from bot.desk.records import to_plain
from bot.logs import log_event
from bot.settings import declared

logger = logging.getLogger(__name__)

LOG_FILE, LOCK_FILE, RECORD_FILE = "train.log", "train.lock", "train.json"
TAIL_LINES = 20
TAIL_BYTES = 16 * 1024
# Colours and cursor moves of progress bars: the page shows the text.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class TrainingRunning(Exception):
    """A training is already running; this one was not started."""


@dataclass(frozen=True)
class TrainingStatus:
    state: str  # idle, running, succeeded, failed, or unknown (its console stopped)
    started_by: str | None
    started_at: datetime | None
    finished_at: datetime | None
    returncode: int | None
    elapsed_s: float | None
    log_tail: list[str]

    @property
    def running(self) -> bool:
        return self.state == "running"

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_plain(getattr(self, f.name)) for f in fields(self)}


class TrainingRuns:
    def __init__(self, project: Path, command: list[str], tail_lines: int = TAIL_LINES,
                 env: Mapping[str, str] | None = None) -> None:
        if not command:
            raise ValueError("the training command is empty")
        self.project = project
        self.command = command
        self.env = dict(os.environ if env is None else env)
        self.tail_lines = tail_lines
        self.var = project / "var"
        self._starting = threading.Lock()

    def start(self, started_by: str) -> TrainingStatus:
        """Start the command and return at once; TrainingRunning if one runs already. A
        command that cannot start at all ends as a failed training, its reason logged."""
        self.var.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._starting:
            lock = open(self.var / LOCK_FILE, "wb")  # noqa: SIM115 - kept until the end
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                raise TrainingRunning("a training is already running") from None
            record = {"started_by": started_by, "started_at": utc_now().isoformat(),
                      "command": self.command}
            output = open(self.var / LOG_FILE, "wb")  # noqa: SIM115 - the child's until it ends
            try:
                process = subprocess.Popen(
                    self.command, cwd=self.project, env=self.env, stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT, pass_fds=(lock.fileno(),),
                    start_new_session=True,  # a console's Ctrl-C does not cut a training
                )
            except OSError as error:
                output.write(f"could not start {self.command[0]}: {error}\n".encode())
                self._finish(record, returncode=-1, output=output, lock=lock)
                log_event(logger, "training_not_started", logging.ERROR, by=started_by,
                          command=self.command, error=str(error))
                return self.status()
            self._write_record({**record, "pid": process.pid})
            log_event(logger, "training_started", by=started_by, command=self.command,
                      pid=process.pid)
            threading.Thread(
                target=self._wait, args=(process, record, output, lock), daemon=True,
                name="training-run",
            ).start()
            return self.status()

    def status(self) -> TrainingStatus:
        record = self._read_record()
        if record is None:
            return TrainingStatus("idle", None, None, None, None, None, [])
        started = datetime.fromisoformat(record["started_at"])
        finished = record.get("finished_at")
        finished_at = datetime.fromisoformat(finished) if finished else None
        returncode = record.get("returncode")
        if self._locked():
            state = "running"
        elif returncode is None:
            state = "unknown"  # its console stopped before it ended; see the log
        else:
            state = "succeeded" if returncode == 0 else "failed"
        elapsed = ((finished_at or utc_now()) - started).total_seconds()
        return TrainingStatus(state, record.get("started_by"), started, finished_at,
                              returncode, round(elapsed, 1), self.log_tail())

    def log_tail(self) -> list[str]:
        """The last lines of the output, as a terminal would leave them on screen."""
        try:
            with open(self.var / LOG_FILE, "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - TAIL_BYTES))
                data = log.read()
        except FileNotFoundError:
            return []
        text = _ESCAPES.sub("", data.decode("utf-8", errors="replace"))
        lines = [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n")]
        return [line for line in lines if line][-self.tail_lines:]

    def wait(self, timeout: float) -> TrainingStatus:
        """Block until no training runs (tests and the CLI; the console never waits)."""
        with open(self.var / LOCK_FILE, "wb") as probe:
            deadline = utc_now().timestamp() + timeout
            while True:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(probe, fcntl.LOCK_UN)
                    break
                except BlockingIOError:
                    if utc_now().timestamp() > deadline:
                        raise TimeoutError("the training is still running") from None
                    threading.Event().wait(0.1)
        # The lock is free once the child exits; its record follows a moment later.
        for _ in range(50):
            status = self.status()
            if status.state != "unknown":
                return status
            threading.Event().wait(0.1)
        return status

    # -- internals ----------------------------------------------------------------------

    def _wait(self, process: subprocess.Popen, record: dict[str, Any], output: IO[bytes],
              lock: IO[bytes]) -> None:
        returncode = process.wait()
        self._finish({**record, "pid": process.pid}, returncode, output, lock)
        started = datetime.fromisoformat(record["started_at"])
        log_event(logger, "training_finished",
                  logging.INFO if returncode == 0 else logging.WARNING,
                  by=record["started_by"], returncode=returncode,
                  elapsed_s=round((utc_now() - started).total_seconds(), 1))

    def _finish(self, record: dict[str, Any], returncode: int, output: IO[bytes],
                lock: IO[bytes]) -> None:
        output.close()
        self._write_record({**record, "finished_at": utc_now().isoformat(),
                            "returncode": returncode})
        lock.close()  # last: a new training may start only once this one is recorded

    def _locked(self) -> bool:
        try:
            probe = open(self.var / LOCK_FILE, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return False
        with probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(probe, fcntl.LOCK_UN)
            return False

    def _read_record(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.var / RECORD_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def _write_record(self, record: dict[str, Any]) -> None:
        path = self.var / RECORD_FILE
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)


def without_secrets(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment minus the secret settings (console key, passwords, tokens): a
    training needs none of them, and its log should never be able to show one."""
    secret = {item.metadata["env"] for _, item in declared() if not item.repr}
    return {name: value for name, value in environ.items() if name not in secret}
