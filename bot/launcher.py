"""`python -m bot.launcher` (`make run`): the action server, Rasa and the agent console
under supervisord, on one machine with the embedded defaults (SQLite in var/, no services).

The commands are bot.serve.Stack's; supervisord (from the venv, configured by
bot/supervision.py as the scaled profile is) restarts each alone with back-off, rotates
its log in var/log/ and answers `supervisorctl -c var/supervisord.conf status` over a
socket in var/ (mode 0700). No secret is written into the config: Rasa's API token and
the action server's secret come from supervisord's environment, which every program
inherits, or from var/ (bot.local_secrets). supervisord runs in a session of its own:
Ctrl-C or SIGTERM reach this process, which stops supervisord, which stops every program
with its process group.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.logs import log_event
from bot.private_files import PRIVATE_UMASK, private_dir, restrict_umask, tighten
from bot.serve import NO_TELEMETRY, RASA, ROOT, Stack, answers
from bot.settings import VAR
from bot.supervision import Program, control, render, stop_supervisord

logger = logging.getLogger(__name__)
BIN = Path(RASA).parent
WRITER = "bot/launcher.py (`make run`)"


@dataclass
class LocalStack:
    """Stack's processes as supervisord programs; config, socket and pid file in run_dir."""

    stack: Stack = field(default_factory=lambda: Stack(console_port=8080))
    run_dir: Path = VAR
    process: subprocess.Popen | None = None  # supervisord

    @property
    def config(self) -> Path:
        return self.run_dir / "supervisord.conf"

    @property
    def log_dir(self) -> Path:
        return self.stack.log_dir

    def programs(self) -> list[Program]:
        commands = self.stack.commands()
        programs = [
            Program("actions", commands["actions"], priority=10),
            # Loading the model takes tens of seconds: up 10 s counts as started.
            Program("rasa", commands["rasa"], priority=20, startsecs=10, startretries=5,
                    stopwaitsecs=30),
        ]
        if "console" in commands:
            programs.append(Program("console", commands["console"], priority=30))
        return programs

    def render(self) -> str:
        return render(self.programs(), run_dir=self.run_dir.resolve(),
                      log_dir=self.log_dir.resolve(), directory=ROOT, writer=WRITER)

    def write(self) -> Path:
        private_dir(self.run_dir)
        private_dir(self.log_dir)
        self.config.write_text(self.render(), encoding="utf-8")
        return self.config

    def process_env(self) -> dict[str, str]:
        """supervisord's environment, which every program inherits (secrets included)."""
        return {**NO_TELEMETRY, **os.environ, **self.stack.env}

    def start(self, timeout: float = 300) -> LocalStack:
        """Start supervisord and wait until every program answers its health check."""
        self.process = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(self.write())], cwd=ROOT,
            env=self.process_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, umask=PRIVATE_UMASK)
        try:
            for program in self.programs():
                self.wait_ready(program.name, timeout)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise
        return self

    def control(self) -> Any:
        return control(self.run_dir)

    def wait_ready(self, name: str, timeout: float) -> None:
        """Until the program answers its health check and supervisord counts it RUNNING
        (up `startsecs`), as `supervisorctl status` will show it."""
        url = self.stack.health_url(name)
        deadline = time.monotonic() + timeout
        while True:
            state = self._state(name)
            if state == "RUNNING" and answers(url):
                return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"supervisord exited; see {self.log_dir}/supervisord.log")
            if state == "FATAL":
                raise RuntimeError(f"{name} does not start; see {self.log_dir}/{name}.log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {self.log_dir}")
            time.sleep(0.5)

    def _state(self, name: str) -> str | None:
        try:
            return str(self.control().supervisor.getProcessInfo(name)["statename"])
        except (OSError, xmlrpc.client.Error):  # the socket is not there yet
            return None

    def stop(self, timeout: float = 90) -> None:
        stop_supervisord(self.process, timeout)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def banner(local: LocalStack) -> list[str]:
    stack = local.stack
    return [
        "supportbot is up (Ctrl-C stops it):",
        f"  chat page      http://localhost:{stack.rasa_port}/webhooks/chatpage/",
        f"  agent console  http://localhost:{stack.console_port}/"
        "  (add an agent: supportbot agent add NAME)",
        f"  REST channel   http://localhost:{stack.rasa_port}/webhooks/rest/webhook",
        f"  status         {BIN / 'supervisorctl'} -c {local.config} status",
        f"  logs           {local.log_dir}/",
    ]


def parse(argv: list[str] | None) -> LocalStack:
    parser = argparse.ArgumentParser(prog="python -m bot.launcher", description=__doc__)
    parser.add_argument("--run-dir", type=Path, default=VAR,
                        help="supervisord's config, socket and pid file; logs in RUN_DIR/log")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--console-port", type=int, default=8080)
    parser.add_argument("--model", default="models")
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args(argv)
    run_dir = args.run_dir.resolve()
    return LocalStack(Stack(rasa_port=args.rasa_port, actions_port=args.actions_port,
                            console_port=args.console_port, model=args.model,
                            endpoints=args.endpoints,
                            log_dir=run_dir / "log"), run_dir=run_dir)


def main(argv: list[str] | None = None) -> int:
    local = parse(argv)
    # The programs run in supervisord's session: SIGTERM, like Ctrl-C, must stop it here.
    signal.signal(signal.SIGTERM, _interrupt)
    restrict_umask()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # A var/ made by an older version holds world-readable databases and logs.
    for folder in dict.fromkeys([VAR, local.run_dir]):
        if changed := tighten(private_dir(folder)):
            log_event(logger, "var_permissions_tightened", logging.WARNING,
                      folder=str(folder), paths=len(changed))
    code = 0
    try:
        local.start()
        print("\n".join(banner(local)), flush=True)
        code = local.process.wait() if local.process else 1
        log_event(logger, "supervisord_exited", logging.ERROR, code=code)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as error:
        log_event(logger, "start_failed", logging.ERROR, reason=str(error))
        print(f"supportbot did not start: {error}", file=sys.stderr, flush=True)
        code = 1
    finally:
        local.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
