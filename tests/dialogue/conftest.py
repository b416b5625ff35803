"""A model trained once per test session (rasa skips training when models/ is current)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_tool(
    *args: str, timeout: float = 900, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run a project tool (rasa, supportbot) from the venv; show its output if it fails."""
    result = subprocess.run(
        [str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        print(result.stdout[-5000:], result.stderr[-5000:], sep="\n")
    return result


@pytest.fixture(scope="session")
def trained_model() -> Path:
    result = run_tool("rasa", "train", "--domain", "domain", "--data", "data",
                      "--config", "config.yml", "--out", "models")
    assert result.returncode == 0, "rasa train failed"
    return max(ROOT.glob("models/*.tar.gz"), key=os.path.getmtime)
