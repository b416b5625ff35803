"""How long the test tiers take: `make test-fast` and `make test`'s pytest, in one run.

Each tier runs as the Makefile runs it now (`-n 2 --dist loadgroup`, two xdist workers)
and then, in the same run, in one process (`-n 0`: how both tiers ran before), optionally
also on an earlier revision's tests and code (`--baseline REV`, fast tier only: that tree,
exported with `git archive`, is run with this venv; it has no trained model). Wall time,
the CPU time of pytest and everything it started, and the counts of pytest's last line.
The machine is shared, so only figures of one run compare; writes
bench/results/test_tiers.{json,md} (a tier not measured keeps its earlier figures).

    python -m bench.test_tiers [--tiers fast,full] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.report import write_named

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
FAST = ["-m", "not rasa and not e2e and not slow"]
PARALLEL = ["-n", "2", "--dist", "loadgroup"]
SERIAL = ["-n", "0"]
COUNTS = re.compile(r"(\d+) (passed|failed|skipped|deselected|errors?)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(tree: Path, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    cpu, start = _children_cpu(), time.monotonic()
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, env=env)
    wall, cpu = time.monotonic() - start, _children_cpu() - cpu
    last = [line for line in done.stdout.splitlines() if COUNTS.search(line)][-1:] or [""]
    counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n)
              for n, kind in COUNTS.findall(last[0])}
    print(f"  {wall:6.1f} s wall, {cpu:6.1f} s CPU: {last[0].strip('= ')}", flush=True)
    return {"command": "pytest " + " ".join(a if " " not in a else f'"{a}"' for a in args),
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "exit": done.returncode,
            **counts}


def export(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)  # our own repository's files
    return into


def measure(tiers: dict[str, Any], tier: str, baseline: str | None) -> None:
    """Runs `tier` as the Makefile does, then in one process (and `baseline`'s); the
    results are written after each run, so a long run that is stopped keeps its rows."""
    env = {**os.environ, "SUPPORTBOT_REQUIRE_SERVICES": "1"}
    result = tiers[tier] = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            "cores": os.cpu_count(), "load_before": os.getloadavg()[0],
                            "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-tiers-") as tmp:
        plans = [("this tree, 2 workers", ROOT, PARALLEL),
                 ("this tree, one process", ROOT, SERIAL)]
        if baseline and tier == "fast":
            plans.append((f"{baseline}, one process",
                          export(baseline, Path(tmp) / "baseline"), []))
        for label, tree, mode in plans:
            print(f"{tier}: {label}...", flush=True)
            result["runs"].append(
                {"label": label,
                 **run_pytest(tree, [*mode, *(FAST if tier == "fast" else [])], env)})
            write_named(RESULTS, "test_tiers", tiers, markdown(tiers))


def markdown(tiers: dict[str, Any]) -> str:
    lines = [
        "# Test tiers", "",
        "`python -m bench.test_tiers` (`make bench-tests`). Each tier's rows come from one "
        "run (the machine is shared: compare only rows of one run). CPU is pytest's and "
        "its children's user + system time. Targets on 2 cores: `make test-fast` <= 60 s, "
        "`make test` <= 8 min.", "",
    ]
    for tier, result in tiers.items():
        lines += [
            f"## {tier}", "",
            f"{result['date']}, {result['cores']} cores, load average "
            f"{result['load_before']:.1f} when it started.", "",
            "| what | command | wall s | CPU s | passed | failed | skipped | exit |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for run in result["runs"]:
            lines.append(
                f"| {run['label']} | `{run['command']}` | {run['wall_s']} | {run['cpu_s']} | "
                f"{run.get('passed', 0)} | {run.get('failed', 0)} | {run.get('skipped', 0)} | "
                f"{run['exit']} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiers", default="fast,full")
    parser.add_argument("--baseline", help="an earlier revision, run as it was (fast tier)")
    args = parser.parse_args()
    saved = RESULTS / "test_tiers.json"
    tiers = json.loads(saved.read_text()) if saved.is_file() else {}  # the other tier's run
    for tier in args.tiers.split(","):
        measure(tiers, tier, args.baseline)


if __name__ == "__main__":
    main()
