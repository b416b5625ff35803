"""Start the action server, the Rasa server and the agent console together (`make run`,
end-to-end tests). They are child processes; stopping this one (Ctrl-C, SIGTERM) stops them.
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

from bot.local_secrets import rasa_token

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).with_name("rasa"))


@dataclass
class Stack:
    rasa_port: int = 5005
    actions_port: int = 5055
    console_port: int | None = None  # the agent console, when wanted
    model: str = "models"
    endpoints: str = "endpoints.yml"
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def commands(self) -> dict[str, list[str]]:
        commands = {
            "actions": [RASA, "run", "actions", "--actions", "actions",
                        "--port", str(self.actions_port)],
            "rasa": [RASA, "run", "--enable-api", "--auth-token", self._rasa_token(),
                     "--model", self.model, "--endpoints", self.endpoints,
                     "--credentials", "credentials.yml", "--port", str(self.rasa_port)],
        }
        if self.console_port:
            commands["console"] = [str(Path(RASA).with_name("supportbot")), "console",
                                   "--port", str(self.console_port)]
        return commands

    def _rasa_token(self) -> str:
        # Same lookup as the pushing side (bot.notify), with this stack's environment.
        return self.env.get("SUPPORTBOT_RASA_TOKEN") or rasa_token()

    def health_url(self, name: str) -> str:
        return {
            "actions": f"http://localhost:{self.actions_port}/health",
            "rasa": f"http://localhost:{self.rasa_port}/",  # /status needs the API token
            "console": f"http://localhost:{self.console_port}/login",
        }[name]

    def start(self, timeout: float = 180) -> Stack:
        for name in self.commands():
            self._spawn(name)
        for name in self.commands():
            self.wait_ready(name, timeout)
        return self

    def restart(self, name: str, timeout: float = 180) -> None:
        """Stop one server and start it again (conversations must survive this)."""
        self._kill(self.processes.pop(name))
        self._spawn(name)
        self.wait_ready(name, timeout)

    def _spawn(self, name: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.processes[name] = subprocess.Popen(
            self.commands()[name], cwd=ROOT, env={**os.environ, **self.env},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, name: str, timeout: float) -> None:
        url, process = self.health_url(name), self.processes[name]
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{name} exited during start-up; see {self.log_dir}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {self.log_dir}")
            time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes.values():
            self._kill(process)
        self.processes.clear()

    @staticmethod
    def _kill(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # The servers run in their own process groups, so stop them on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    stack = Stack(console_port=8080)
    try:
        stack.start()
        print("supportbot is up (Ctrl-C stops it):")
        print("  chat page      http://localhost:5005/webhooks/chatpage/")
        print("  agent console  http://localhost:8080/  (add an agent: supportbot agent add NAME)")
        print("  REST channel   http://localhost:5005/webhooks/rest/webhook", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
