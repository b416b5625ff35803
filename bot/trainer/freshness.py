"""Whether the newest model in models/ was trained from the files as they are now.

One rule for `make test-model` (train before the tests when stale) and the tests'
`trained_model` fixture: a model is fresh when it is newer than every file it is trained
from. `rasa train` would find such a model up to date too, but only after half a minute of
CPU, and it writes another copy. Imports nothing of Rasa, so the check costs milliseconds.

    python -m bot.trainer.freshness   # exit 0 and the model's path when fresh, else exit 1
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
# What a model is trained from: the configuration, the data and our NLU components' code.
MODEL_INPUTS = ("config.yml", "domain", "data", "bot/nlu")


def newest_input(root: Path = ROOT) -> float:
    """The modification time of the newest file a model is trained from."""
    files: list[Path] = []
    for name in MODEL_INPUTS:
        path = root / name
        files += [path] if path.is_file() else [
            f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    return max(f.stat().st_mtime for f in files)


def fresh_model(models: Path = MODELS, root: Path = ROOT) -> Path | None:
    """The newest model in `models` when it is newer than all its inputs, else None."""
    found = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if found and found[-1].stat().st_mtime > newest_input(root):
        return found[-1]
    return None


def main(argv: list[str]) -> int:
    models = Path(argv[0]) if argv else MODELS
    model = fresh_model(models if models.is_absolute() else ROOT / models)
    if model is None:
        return 1
    print(model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
