"""`make bench-train`: how long a trainer waits, ours against a previous revision's model.

In one run, alternating, for the working tree and for the model of an earlier commit
(config.yml, domain/ and data/ as they were then):

- `make train`: a full training on an empty cache;
- `make train-quick`: one NLU example added, then that revision's `make train-quick`
  options (`--finetune --epoch-fraction 0.2`, and `--skip-validation` now) on that
  cache (what a trainer runs after `supportbot review assign`).

Both revisions train with this checkout's code (bot.nlu's components), as a trainer
would after pulling. The machine's speed moves during a day, so only the ratios of one
run compare; bench/results/training.md keeps them.

    python -m bench.train_time [--baseline REV] [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.report import write_named
from bench.stacks import ROOT
from bench.training import _train, add_nlu_example

RESULTS = ROOT / "bench" / "results"
# The last commit on main with DIET and Rasa's ResponseSelector in config.yml.
BASELINE = "7876609"


def checkout(rev: str | None, into: Path) -> Path:
    """config.yml, domain/ and data/ of `rev` (None: the working tree) under `into`."""
    into.mkdir(parents=True)
    if rev is None:
        shutil.copy(ROOT / "config.yml", into / "config.yml")
        shutil.copytree(ROOT / "domain", into / "domain")
        shutil.copytree(ROOT / "data", into / "data")
        return into
    archive = subprocess.run(["git", "archive", rev, "config.yml", "domain", "data"],
                             cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)  # our own repository's files
    return into


def quick_args(rev: str | None) -> tuple[str, ...]:
    """`make train-quick`'s options at `rev` (None: the working tree's Makefile)."""
    makefile = ((ROOT / "Makefile").read_text("utf-8") if rev is None else subprocess.run(
        ["git", "show", f"{rev}:Makefile"], cwd=ROOT, check=True, capture_output=True,
        text=True).stdout)
    recipe = makefile.split("\ntrain-quick:", 1)[1].split("\n\t", 1)[1].split("\n", 1)[0]
    return tuple(recipe.split("$(TRAIN)", 1)[1].split())


def measure(tree: Path, work: Path, quick: tuple[str, ...]) -> dict[str, float]:
    args = ("--domain", str(tree / "domain"), "--config", str(tree / "config.yml"),
            "--data", str(tree / "data"))
    cache, models = work / "cache", work / "models"
    full = _train(ROOT, cache, models, *args)
    add_nlu_example(tree / "data")
    quick = _train(ROOT, cache, models, *args, *quick)
    return {"train_s": full, "train_quick_s": quick}


def run(baseline: str, rounds: int) -> dict[str, Any]:
    timings: dict[str, list[dict[str, float]]] = {"ours": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        for i in range(rounds):
            for name, rev in (("baseline", baseline), ("ours", None)):
                work = Path(tmp) / f"{name}-{i}"
                print(f"round {i + 1}/{rounds}: {name}...", flush=True)
                timings[name].append(measure(checkout(rev, work / "tree"), work,
                                             quick_args(rev)))
                shutil.rmtree(work)  # models are up to 100 MB each
    median = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in timings.items()
    }
    return {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "baseline": baseline,
        "rounds": rounds,
        "runs": timings,
        "median": median,
        "ratio": {key: round(median["ours"][key] / median["baseline"][key], 2)
                  for key in median["ours"]},
    }


def markdown(r: dict[str, Any]) -> str:
    ours, base = r["median"]["ours"], r["median"]["baseline"]
    return "\n".join([
        "# Training time",
        "",
        f"`make bench-train` (`python -m bench.train_time`), {r['measured_at']}: the working "
        f"tree against commit {r['baseline']} (DIET and Rasa's ResponseSelector), "
        f"alternating, {r['rounds']} round(s), median seconds; 2 cores.",
        "",
        "| | ours | baseline | ours / baseline |",
        "|---|---|---|---|",
        f"| `make train` (full, empty cache) | {ours['train_s']} | {base['train_s']} "
        f"| {r['ratio']['train_s']} |",
        f"| `make train-quick` (one NLU example added) | {ours['train_quick_s']} "
        f"| {base['train_quick_s']} | {r['ratio']['train_quick_s']} |",
        "",
    ]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench-train", description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="the revision to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.baseline, args.rounds)
    write_named(args.out, "training", result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
