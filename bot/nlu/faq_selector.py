"""Which FAQ answer: the retrieval intent's topic, chosen by a linear model.

Rasa's ResponseSelector is a DIET model of its own: it took about a minute of each
training and its TensorFlow graph most of the model's memory. This component gives the
same output (`response_selector` in the parse data, read by Rasa's `utter_faq` action and
by bot/nlu/faq_fallback.py) from a logistic regression over the masked text, trained on
the retrieval intent's examples only (bot/nlu/linear.py). The parse data names the answer;
its texts stay in the domain, where `utter_faq` takes them from.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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

from bot.abuse.mask import mask
from bot.nlu.intent_classifier import LINEAR_DEFAULTS, regex_patterns, settings_from
from bot.nlu.linear import LinearTextModel

log = logging.getLogger(__name__)
UTTER_PREFIX = "utter_"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqSelector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LINEAR_DEFAULTS, "retrieval_intent": "faq"}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearTextModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqSelector:
        return cls(config, model_storage, resource)

    @property
    def retrieval_intent(self) -> str:
        return str(self.config["retrieval_intent"])

    def prepare(self, text: str) -> str:
        return mask(text) if self.config["mask_abuse"] else text.lower()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            m for m in training_data.intent_examples
            if m.get(INTENT) == self.retrieval_intent and m.get(TEXT)
            and m.get(INTENT_RESPONSE_KEY)
        ]
        if len({m.get(INTENT_RESPONSE_KEY) for m in examples}) < 2:
            log.warning("FaqSelector: fewer than two %s topics, nothing to learn",
                        self.retrieval_intent)
            return self._resource
        self.model = LinearTextModel.fit(
            [self.prepare(m.get(TEXT)) for m in examples],
            [m.get(INTENT_RESPONSE_KEY) for m in examples],
            settings_from(self.config),
            regex_patterns(training_data),
        )
        with self._model_storage.write_to(self._resource) as folder:
            self.model.save(folder)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FaqSelector:
        try:
            with model_storage.read_from(resource) as folder:
                model = LinearTextModel.load(folder)
        except (ValueError, FileNotFoundError):
            log.warning("FaqSelector: no trained model in %s", resource.name)
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            ranking = (self.model.ranking(self.prepare(text), self.config["ranking_length"] or None)
                       if self.model and text else [])
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
