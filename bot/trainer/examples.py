"""Reading the trainers' NLU data per language and writing subsets of it for training."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.trainer.labels import base_intent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    """One training example. `label` is the full label (`faq/topic` for retrieval intents)."""

    text: str
    label: str
    lang: str
    # The Rasa Message it came from: keeps entity annotations when the subset is written.
    message: Any = field(default=None, compare=False, repr=False)

    @property
    def intent(self) -> str:
        return base_intent(self.label)


@dataclass
class NluData:
    examples: list[Example]
    # regexes, lookup tables and synonyms feed the pipeline too: every split keeps them all.
    extras: Any = None


def read_examples(path: Path, lang: str) -> list[Example]:
    """The labelled examples of one Rasa NLU file, as they are (no de-duplication)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path), language=lang)
    return [
        Example(m.get("text"), m.get("intent_response_key") or m.get("intent"), lang, m)
        for m in data.intent_examples
    ]


def load_nlu(nlu_dir: Path) -> NluData:
    """Every `<nlu_dir>/<lang>/*.yml`; a file's language is its folder's name.

    A text seen twice (in either language: "ok", tx hashes and asset names are shared)
    is kept once, under its first label and language, so it can never be on both sides
    of a split and flatter the scores. Two different labels for one text are warned of.
    """
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples: list[Example] = []
    extras = TrainingData()
    seen: dict[str, str] = {}
    for lang_dir in sorted(p for p in nlu_dir.iterdir() if p.is_dir()):
        for path in sorted([*lang_dir.glob("*.yml"), *lang_dir.glob("*.yaml")]):
            data = load_data(str(path), language=lang_dir.name)
            extras = extras.merge(
                TrainingData(
                    entity_synonyms=data.entity_synonyms,
                    regex_features=data.regex_features,
                    lookup_tables=data.lookup_tables,
                )
            )
            for msg in data.intent_examples:
                label = msg.get("intent_response_key") or msg.get("intent")
                key = " ".join(msg.get("text").lower().split())
                if key in seen:
                    if seen[key] != label:
                        log.warning("%s: %r is %s and %s", path, key, seen[key], label)
                    continue
                seen[key] = label
                examples.append(Example(msg.get("text"), label, lang_dir.name, msg))
    return NluData(examples, extras)


def write_nlu(data: NluData, examples: list[Example], path: Path) -> None:
    """A Rasa YAML file with `examples` (annotations intact) and all of `data`'s extras."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    subset = TrainingData(training_examples=[e.message for e in examples])
    if data.extras is not None:
        subset = subset.merge(data.extras)
    path.parent.mkdir(parents=True, exist_ok=True)
    RasaYAMLWriter().dump(path, subset)
