"""Which FAQ answer: the retrieval intent's topic, chosen by a linear model.

Rasa's ResponseSelector is a DIET model of its own: it took about a minute of each
training and its TensorFlow graph most of the model's memory. This component gives the
same output (`response_selector` in the parse data, read by Rasa's `utter_faq` action and
by bot/nlu/faq_fallback.py) from a logistic regression over the masked text, trained on
the retrieval intent's examples only (bot/nlu/linear.py). The parse data names the answer;
its texts stay in the domain, where `utter_faq` takes them from.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_component import LinearComponent

UTTER_PREFIX = "utter_"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqSelector(LinearComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LinearComponent.get_default_config(), "retrieval_intent": "faq"}

    @property
    def retrieval_intent(self) -> str:
        return str(self.config["retrieval_intent"])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            m for m in training_data.intent_examples
            if m.get(INTENT) == self.retrieval_intent and m.get(TEXT)
            and m.get(INTENT_RESPONSE_KEY)
        ]
        return self.fit([m.get(TEXT) for m in examples],
                        [m.get(INTENT_RESPONSE_KEY) for m in examples], training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = self.rank(message.get(TEXT))[: self.config["ranking_length"] or None]
            if not ranking:
                continue
            key, confidence = ranking[0]
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    PREDICTED_CONFIDENCE_KEY: confidence,
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: UTTER_PREFIX + key,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: k} for k, c in ranking
                ],
            }
            selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            selectors[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [self.retrieval_intent]
            selectors[self.retrieval_intent] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
        return messages
