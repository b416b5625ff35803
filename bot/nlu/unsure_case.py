"""When unsure whether a message is an urgent case, ask instead of guessing.

Starting the wrong form ("which asset?" to a hacked account) or answering the wrong
question costs an angry user more patience than one short question. This component runs
after the FallbackClassifier. When the classifier's two likeliest intents are within
`margin` of each other and at least one of them is an urgent case or the appeal, the
message becomes `nlu_fallback`, exactly as the FallbackClassifier marks it (its ranking
kept below), and actions/clarify.py asks "Is this about a hacked account or a missing
withdrawal?" with a button for each.

A message the FallbackClassifier already marked is left as it is: the action reads the
same ranking and asks the same question when an urgent intent leads it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.trainer.labels import URGENT_INTENTS

log = logging.getLogger(__name__)


def top_two(message: Message) -> list[tuple[str, float]]:
    """The classifier's two likeliest real intents (nlu_fallback left out)."""
    ranking = [
        (r[INTENT_NAME_KEY], float(r[PREDICTED_CONFIDENCE_KEY]))
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    return ranking[:2]


def is_close_call(candidates: list[tuple[str, float]], margin: float) -> bool:
    if len(candidates) < 2:
        return False
    (first, p1), (second, p2) = candidates
    return (first in URGENT_INTENTS or second in URGENT_INTENTS) and p1 - p2 < margin


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsureCase(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"margin": 0.2}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnsureCase:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent in (None, DEFAULT_NLU_FALLBACK_INTENT_NAME):
                continue
            candidates = top_two(message)
            if not is_close_call(candidates, float(self.config["margin"])):
                continue
            fallback = {
                INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                PREDICTED_CONFIDENCE_KEY: candidates[0][1],
            }
            message.set(INTENT, fallback, True)
            message.set(INTENT_RANKING_KEY,
                        [fallback, *(message.get(INTENT_RANKING_KEY) or [])], True)
            log.debug("unsure_case %s=%.3f %s=%.3f", *candidates[0], *candidates[1])
        return messages
