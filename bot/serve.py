"""Start the action server and the Rasa server together (`make run`, end-to-end tests).

Both are child processes; stopping this one (Ctrl-C, SIGTERM) stops them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).with_name("rasa"))


@dataclass
class Stack:
    rasa_port: int = 5005
    actions_port: int = 5055
    model: str = "models"
    endpoints: str = "endpoints.yml"
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, timeout: float = 180) -> Stack:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        self._spawn("actions", [RASA, "run", "actions", "--actions", "actions",
                                "--port", str(self.actions_port)], env)
        self._spawn("rasa", [RASA, "run", "--enable-api", "--model", self.model,
                             "--endpoints", self.endpoints, "--credentials", "credentials.yml",
                             "--port", str(self.rasa_port), "--cors", "*"], env)
        self.wait_ready(timeout)
        return self

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes.append(
            subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        )

    def wait_ready(self, timeout: float) -> None:
        urls = [f"http://localhost:{self.actions_port}/health",
                f"http://localhost:{self.rasa_port}/status"]
        deadline = time.monotonic() + timeout
        for url in urls:
            while not _answers(url):
                if any(p.poll() is not None for p in self.processes):
                    self.stop()
                    raise RuntimeError(f"a server exited during start-up; see {self.log_dir}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {self.log_dir}")
                time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    stack = Stack().start()
    print("supportbot is up: Rasa http://localhost:5005, actions http://localhost:5055")
    print("chat: .venv/bin/rasa shell   (Ctrl-C here stops both servers)")
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
