"""Missing withdrawal or missing deposit: the direction of the transfer decides.

"I sent BTC from my account here to my Ledger" and "I sent BTC from my Ledger to my
account here" have the same words; a bag of words and character n-grams (the intent
classifier) cannot tell them apart. (A transformer layer in DIET could, but cost two
minutes of training and doubled the false-urgent rate on out-of-scope text.) The
classifier also sees the cues as features; this component makes them decide.

This component runs after the intent classifier. When the top intent is one of the two
and the message has a direction cue of only one kind, the cue's intent gets the two
intents' confidence together and the other none. The cues are the trainers' own regexes
(`transfer_out_of_here`, `transfer_into_here` in data/nlu/<lang>/patterns.yml, which the
intent classifier also uses), read from the training data, so they live in one place.
On our labelled data every cue agrees with its example's intent (`tests/nlu`).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

PATTERNS_FILE = "patterns.json"


def cue(text: str, out: list[re.Pattern[str]], into: list[re.Pattern[str]]) -> str | None:
    """ "out" or "in" when only cues of that kind match the text, else None."""
    is_out = any(p.search(text) for p in out)
    is_in = any(p.search(text) for p in into)
    if is_out == is_in:
        return None
    return "out" if is_out else "in"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TransferDirection(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "out_regex": "transfer_out_of_here",
            "in_regex": "transfer_into_here",
            "out_intent": "report_missing_withdrawal",
            "in_intent": "report_missing_deposit",
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Dict[str, List[str]] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.patterns = patterns or {"out": [], "in": []}
        self._out = [re.compile(p) for p in self.patterns["out"]]
        self._in = [re.compile(p) for p in self.patterns["in"]]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TransferDirection:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        names = {"out": self.config["out_regex"], "in": self.config["in_regex"]}
        patterns = {
            kind: [r["pattern"] for r in training_data.regex_features if r["name"] == name]
            for kind, name in names.items()
        }
        with self._model_storage.write_to(self._resource) as folder:
            (folder / PATTERNS_FILE).write_text(json.dumps(patterns, ensure_ascii=False), "utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TransferDirection:
        with model_storage.read_from(resource) as folder:
            patterns = json.loads((folder / PATTERNS_FILE).read_text("utf-8"))
        return cls(config, model_storage, resource, patterns)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._resolve(message)
        return messages

    def _resolve(self, message: Message) -> None:
        top = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if top not in (self.config["out_intent"], self.config["in_intent"]):
            return
        direction = cue(message.get(TEXT) or "", self._out, self._in)
        if direction is None:
            return
        wanted = self.config["out_intent" if direction == "out" else "in_intent"]
        other = self.config["in_intent" if direction == "out" else "out_intent"]
        # The classifier is sure it is a missing transfer (the two confidences together);
        # the cue says which way. Left split, the FallbackClassifier's ambiguity check
        # would answer "sorry?" to a clear report.
        ranking = [dict(r) for r in message.get(INTENT_RANKING_KEY) or []]
        confidence = {r[INTENT_NAME_KEY]: r[PREDICTED_CONFIDENCE_KEY] for r in ranking}
        both = confidence.get(wanted, 0.0) + confidence.get(other, 0.0)
        ranking = [r for r in ranking if r[INTENT_NAME_KEY] not in (wanted, other)]
        ranking += [
            {INTENT_NAME_KEY: wanted, PREDICTED_CONFIDENCE_KEY: both},
            {INTENT_NAME_KEY: other, PREDICTED_CONFIDENCE_KEY: 0.0},
        ]
        ranking.sort(key=lambda r: -r[PREDICTED_CONFIDENCE_KEY])
        message.set(INTENT, {INTENT_NAME_KEY: wanted, PREDICTED_CONFIDENCE_KEY: both}, True)
        message.set(INTENT_RANKING_KEY, ranking, True)
        if wanted != top:
            log.debug("transfer_direction.swapped from=%s to=%s", top, wanted)
