"""Training times (opt-in, `--training`): a full training of our bot on an empty cache,
a retrain after an NLU-only edit on that cache (what a trainer waits for after
`supportbot review assign`), and a full training of the stock bot for scale."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.stacks import RASA, ROOT, STOCK_DIR, WORK

EDIT = "I still can't see the coins I sent in"  # a new missing-deposit phrasing


def _train(cwd: Path, cache: Path, out: Path, *args: str, timeout: float = 3600) -> float:
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(cache)}
    started = time.monotonic()
    subprocess.run([RASA, "train", "--out", str(out), *args], cwd=cwd, env=env, check=True,
                   timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.monotonic() - started, 1)


def add_nlu_example(data: Path, text: str = EDIT) -> Path:
    """Append one example to the first intent of data/nlu/en/nlu.yml (a trainer's edit)."""
    path = data / "nlu" / "en" / "nlu.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "examples: |")
    indent = lines[at + 1][: len(lines[at + 1]) - len(lines[at + 1].lstrip())]
    lines.insert(at + 1, f"{indent}- {text}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def measure() -> dict[str, Any]:
    work = WORK / "training"
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    ours = ("--domain", str(ROOT / "domain"), "--config", str(ROOT / "config.yml"),
            "--data", str(data))
    print("training: full (ours)...", flush=True)
    full = _train(ROOT, work / "cache", work / "models", *ours)
    add_nlu_example(data)
    print("training: after an NLU-only edit (ours)...", flush=True)
    edit = _train(ROOT, work / "cache", work / "models", *ours)
    print("training: full (stock)...", flush=True)
    stock = _train(STOCK_DIR, work / "stock-cache", work / "stock-models")
    shutil.rmtree(work, ignore_errors=True)  # ~150 MB per model
    return {"full_s": full, "nlu_edit_s": edit, "stock_full_s": stock}
