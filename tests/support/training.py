"""The trainer's console tests: a copy of the project to label into, and a real short
command in place of `make train-quick` (a real `rasa train` takes minutes)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from bot.desk.db import PROJECT_ROOT

# Appends its pid to runs.txt (so a test counts the processes started), prints three
# progress lines PAUSE seconds apart, and exits with EXIT.
PROGRESS = (
    "import os, sys, time\n"
    "open('runs.txt', 'a').write(f'{os.getpid()}\\n')\n"
    "for epoch in range(1, 4):\n"
    "    print(f'Epochs: {epoch}/3', flush=True)\n"
    "    time.sleep(float(sys.argv[1]))\n"
    "sys.exit(int(sys.argv[2]))\n"
)


def progress_command(pause: float = 0.3, exit_code: int = 0) -> list[str]:
    return [sys.executable, "-c", PROGRESS, str(pause), str(exit_code)]


def copy_project(root: Path) -> Path:
    """The real data/ and domain/ copied under `root`, to label into."""
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copytree(PROJECT_ROOT / "domain", root / "domain")
    return root


def trainer_env(project: Path, pause: float = 0.5) -> dict[str, str]:
    """A console's environment labelling into `project`, training with PROGRESS."""
    return {
        "SUPPORTBOT_TRAINER_PROJECT": str(project),
        "SUPPORTBOT_TRAIN_COMMAND": shlex.join(progress_command(pause)),
    }
