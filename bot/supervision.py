"""supervisord's configuration, written from the processes it runs: one implementation for
`make run` (bot/launcher.py) and `make run-scaled` (bot/scaleout/launcher.py).

supervisord (PyPI, in the venv) restarts each process alone with back-off, rotates its
log, and answers `supervisorctl status` over a unix socket (mode 0700, no TCP port).
Nothing secret is written here: passwords and tokens travel in supervisord's own
environment, which every program inherits; a program's `environment=` holds only ports
and addresses.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import xmlrpc.client
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supervisor.xmlrpc import SupervisorTransport

LOG_MAXBYTES = "10MB"
LOG_BACKUPS = 5
SOCKET = "supervisor.sock"  # in run_dir


@dataclass(frozen=True)
class Program:
    """One [program:x] section. supervisord waits `startsecs` before counting a start
    as good; a process that dies sooner is retried after 1, 2, 3... s, `startretries`
    times, then left FATAL (and logged). One that dies later is restarted at once."""

    name: str
    command: list[str]
    priority: int
    startsecs: int = 3
    startretries: int = 10
    stopsignal: str = "TERM"
    stopwaitsecs: int = 15
    environment: Mapping[str, str] = field(default_factory=dict)


def _escaped(value: str) -> str:
    # supervisord expands %(name)s in commands and values: a literal % is doubled.
    return value.replace("%", "%%")


def _environment(values: Mapping[str, str]) -> str:
    for value in values.values():
        if '"' in value or "\n" in value:
            raise ValueError(f"cannot be written in supervisord's environment=: {value!r}")
    return ",".join(f'{key}="{_escaped(value)}"' for key, value in values.items())


def program_section(program: Program, log_dir: Path) -> str:
    lines = [
        f"[program:{program.name}]",
        f"command={_escaped(shlex.join(program.command))}",
        f"priority={program.priority}",
        "autostart=true",
        "autorestart=true",
        f"startsecs={program.startsecs}",
        f"startretries={program.startretries}",
        f"stopsignal={program.stopsignal}",
        f"stopwaitsecs={program.stopwaitsecs}",
        # Rasa and the console start workers of their own: stop and kill them together.
        "stopasgroup=true",
        "killasgroup=true",
        "redirect_stderr=true",
        f"stdout_logfile={_escaped(str(log_dir / f'{program.name}.log'))}",
        f"stdout_logfile_maxbytes={LOG_MAXBYTES}",
        f"stdout_logfile_backups={LOG_BACKUPS}",
    ]
    if program.environment:
        lines.append(f"environment={_environment(program.environment)}")
    return "\n".join(lines) + "\n"


def render(programs: Iterable[Program], *, run_dir: Path, log_dir: Path,
           directory: Path, writer: str) -> str:
    """supervisord.conf: the control socket in `run_dir` (mode 0700: this account only,
    no TCP port), logs in `log_dir`, the programs started in `directory`; `writer` names
    what wrote it."""
    socket = run_dir / SOCKET
    header = f"""\
; Written by {writer}; edits are overwritten.
; supervisorctl -c {run_dir / 'supervisord.conf'} status

[unix_http_server]
file={_escaped(str(socket))}
chmod=0700

[supervisorctl]
serverurl=unix://{_escaped(str(socket))}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisord]
nodaemon=true
directory={_escaped(str(directory))}
logfile={_escaped(str(log_dir / 'supervisord.log'))}
logfile_maxbytes={LOG_MAXBYTES}
logfile_backups={LOG_BACKUPS}
pidfile={_escaped(str(run_dir / 'supervisord.pid'))}
; Databases, their WAL files, secrets and logs are readable by this account only.
umask=077
"""
    return "\n".join([header, *(program_section(p, log_dir) for p in programs)])


def control(run_dir: Path) -> Any:
    """supervisord's XML-RPC interface (what supervisorctl talks to), over its socket."""
    socket = (run_dir / SOCKET).resolve()
    return xmlrpc.client.ServerProxy(
        "http://127.0.0.1", transport=SupervisorTransport(None, None, f"unix://{socket}"))


def stop_supervisord(process: subprocess.Popen | None, timeout: float = 90) -> None:
    """SIGTERM to supervisord, which stops every program (each within its stopwaitsecs,
    with its process group) and then exits; its whole group is killed if it does not."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
