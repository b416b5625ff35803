"""A LinearTextModel as a Rasa graph component: its settings, storage and loading.

The intent classifier and the FAQ selector (bot/nlu/intent_classifier.py,
bot/nlu/faq_selector.py) differ only in which examples they learn from and what they
write into a message; this is the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.abuse.mask import mask
from bot.nlu.linear import LinearSettings, LinearTextModel

log = logging.getLogger(__name__)

LINEAR_DEFAULTS: Dict[str, Any] = {
    "C": 30.0,
    "word_ngrams": [1, 2],
    "char_ngrams": [2, 5],
    "char_min_df": 2,
    "mask_abuse": True,  # read the text with its abuse masked (bot/abuse/mask.py)
    "ranking_length": 10,
}


def regex_patterns(training_data: TrainingData) -> dict[str, list[str]]:
    """The training data's named regexes (patterns.yml): name -> its patterns."""
    patterns: dict[str, list[str]] = {}
    for regex in training_data.regex_features:
        patterns.setdefault(regex["name"], []).append(regex["pattern"])
    return patterns


class LinearComponent(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return dict(LINEAR_DEFAULTS)

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
    ) -> LinearComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearComponent:
        try:
            with model_storage.read_from(resource) as folder:
                model = LinearTextModel.load(folder)
        except (ValueError, FileNotFoundError):
            log.warning("%s: no trained model in %s", cls.__name__, resource.name)
            model = None
        return cls(config, model_storage, resource, model)

    def prepare(self, text: str) -> str:
        return mask(text) if self.config["mask_abuse"] else text.lower()

    def fit(self, texts: Sequence[str], labels: Sequence[str],
            training_data: TrainingData) -> Resource:
        """Learn `labels` from `texts` (prepared here) and save the model."""
        if len(set(labels)) < 2:
            log.warning("%s: fewer than two labels, nothing to learn", type(self).__name__)
            return self._resource
        settings = LinearSettings(
            c=float(self.config["C"]),
            word_ngrams=tuple(self.config["word_ngrams"]),
            char_ngrams=tuple(self.config["char_ngrams"]),
            char_min_df=int(self.config["char_min_df"]),
        )
        # A model here before training was loaded from the previous model: Rasa is
        # finetuning (`make train-quick`), and the solver starts from its weights.
        self.model = LinearTextModel.fit([self.prepare(t) for t in texts], labels, settings,
                                         regex_patterns(training_data), start=self.model)
        with self._model_storage.write_to(self._resource) as folder:
            self.model.save(folder)
        return self._resource

    def rank(self, text: str | None) -> list[tuple[str, float]]:
        """The model's ranking of `text` (empty without a model, a text or anything known)."""
        if self.model is None or not text:
            return []
        return self.model.ranking(self.prepare(text))
