"""Memory of a server and its children, from /proc (psutil is not installed)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")


def status_kb(pid: int, field: str) -> int:
    """A `VmRSS`/`VmHWM` line of /proc/PID/status in kB; 0 once the process is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and its descendants (Sanic or TensorFlow may fork helpers)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The comm field may hold spaces; the parent pid follows its closing ")".
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


class RssSampler:
    """Polls the resident size of named process trees; keeps each one's maximum, so a
    phase's peak is known apart from the start-up peak that VmHWM includes."""

    def __init__(self, pids: dict[str, int], every: float = 0.5) -> None:
        self.pids = pids
        self.every = every
        self.peak_kb: dict[str, int] = dict.fromkeys(pids, 0)
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        for name, pid in self.pids.items():
            rss = sum(status_kb(p, "VmRSS") for p in tree(pid))
            self.peak_kb[name] = max(self.peak_kb[name], rss)

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)

    def __enter__(self) -> RssSampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        self.sample()

    def peaks_mb(self) -> dict[str, float]:
        return {name: mb(kb) for name, kb in self.peak_kb.items()}


def memory_report(pids: dict[str, int]) -> dict[str, dict[str, float]]:
    """Now and lifetime peak (VmHWM, start-up included) per server, main process + tree."""
    report = {}
    for name, pid in pids.items():
        members = tree(pid)
        report[name] = {
            "rss_mb": mb(status_kb(pid, "VmRSS")),
            "peak_rss_mb": mb(status_kb(pid, "VmHWM")),
            # Of it now: the process's own memory, and pages of mapped files (mostly
            # TensorFlow's library: clean, shared between processes, and as many as
            # the kernel's fault-around mapped, which differs between machines).
            "rss_anon_mb": mb(status_kb(pid, "RssAnon")),
            "rss_file_mb": mb(status_kb(pid, "RssFile")),
            "processes": len(members),
            "tree_rss_mb": mb(sum(status_kb(p, "VmRSS") for p in members)),
        }
    return report


def load_average() -> list[float]:
    return [float(x) for x in (PROC / "loadavg").read_text().split()[:3]]


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes so far (for CPU per message)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / tick
