"""The evaluation sets in eval/: written apart from the training data, never trained on.

    eval/<split>/<lang>/<set>.yml      split: dev | test    set: one of SETS

- `dev` is for error analysis: `supportbot eval` lists its misclassified messages.
- `test` is fixed: its figures are reported and gated (tests/nlu_thresholds.yml), its
  misclassified messages never listed, so nobody tunes the data or the model to it.

Both were written by people who never saw data/nlu, from the same brief, and dealt into
the two splits half and half per (set, label).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.trainer.examples import Example, read_examples
from bot.trainer.model import ROOT

EVAL_DIR = ROOT / "eval"
SPLITS = ("dev", "test")
ORDINARY = "ordinary"  # messages as users type them, mostly without abuse
ABUSIVE_URGENT = "abusive_urgent"  # abuse plus a real case, labelled with the case
ABUSE_ONLY = "abuse_only"  # only abuse (`insult`): never escalated
SETS = (ORDINARY, ABUSIVE_URGENT, ABUSE_ONLY)


@dataclass(frozen=True)
class EvalSplit:
    name: str
    sets: dict[str, list[Example]]  # set name -> examples, languages together

    def texts(self) -> dict[str, list[str]]:
        return {f"{self.name}/{s}": [e.text for e in examples] for s, examples in self.sets.items()}


def load_split(name: str, eval_dir: Path = EVAL_DIR) -> EvalSplit | None:
    """The split's sets (every language folder), or None when the split is absent."""
    folder = eval_dir / name
    if not folder.is_dir():
        return None
    sets: dict[str, list[Example]] = {s: [] for s in SETS}
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for set_name in SETS:
            path = lang_dir / f"{set_name}.yml"
            if path.exists():
                sets[set_name] += read_examples(path, lang_dir.name)
    return EvalSplit(name, sets)
