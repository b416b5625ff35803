"""An FAQ answer only when the bot is sure of the answer, not just of "it is a question".

The FallbackClassifier looks at the intent's confidence alone. For `faq` that is the
confidence that the text is *some* question; the answer comes from the FAQ selector,
which picks the likeliest topic even for "how many teaspoons in a tablespoon". A general
question then got an answer about suspensions: 12.5 % of CLINC150's out-of-scope queries
and 29 % of the Swedish SweFAQ questions did (held-out model, 2026-11-27).

This component runs after the FallbackClassifier. When the top intent is the retrieval
intent, the chance that the answer is right is the intent's confidence times the topic's;
below `threshold` the message becomes `nlu_fallback`, exactly as the FallbackClassifier
marks it, and the user is offered the main options (rule "unsure what the user meant").

The threshold depends on how confident the classifiers are: 0.6 suited DIET's; the
linear classifiers spread their probabilities more, and config.yml sets 0.3 (chosen on
the dev split of eval/, docs/nlu.md): FAQ answers to CLINC150's out-of-scope queries
about 7 %, to SweFAQ's about 11 %, with most FAQ questions of our own still answered.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PREDICTION_KEY, RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

log = logging.getLogger(__name__)


def answer_confidence(message: Message, retrieval_intent: str) -> float | None:
    """P(intent) x P(topic) when the top intent is `retrieval_intent`, else None."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != retrieval_intent:
        return None
    selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(retrieval_intent) or {}
    topic = (selector.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}).get(PREDICTED_CONFIDENCE_KEY)
    if topic is None:
        return None
    return float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * float(topic)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FaqFallback(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.6}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqFallback:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._check(message)
        return messages

    def _check(self, message: Message) -> None:
        confidence = answer_confidence(message, self.config["retrieval_intent"])
        threshold = float(self.config["threshold"])
        if confidence is None or confidence >= threshold:
            return
        # As the FallbackClassifier does it: the fallback on top at the threshold, the
        # classifier's ranking kept below it (the review inbox shows what it guessed).
        fallback = {
            INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
            PREDICTED_CONFIDENCE_KEY: threshold,
        }
        message.set(INTENT, fallback, True)
        message.set(INTENT_RANKING_KEY, [fallback, *(message.get(INTENT_RANKING_KEY) or [])], True)
        log.debug("faq_fallback.unsure answer_confidence=%.3f", confidence)
