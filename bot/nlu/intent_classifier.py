"""The intent classifier: what a message asks, read with its abuse masked.

Users here were suspended for abuse and stay angry. In one softmax over the raw text,
`insult` competed with the urgent intents, so the ruder a report of a hacked account, the
likelier it was read as abuse only. This classifier reads the message with every abusive
word and threat phrase replaced by one placeholder (bot/abuse/mask.py): "f*ck", "FUUCK",
"idi0ts" and "jävla" are the same word to it, and the words of the case decide. Abuse is
screened separately (actions/abuse.py) and answered beside the intent, never instead of it.

The model is a logistic regression over word and character n-grams (bot/nlu/linear.py).
It replaces DIET: on the same data and the dev split about as accurate, with far fewer
out-of-scope escalations, and it trains in seconds instead of minutes (docs/nlu.md).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_component import LinearComponent
from bot.trainer.labels import URGENT_INTENTS


def case_before_abuse(
    ranking: list[tuple[str, float]], abuse_intent: str, cases: frozenset[str], floor: float
) -> list[tuple[str, float]]:
    """`ranking` read as a case said rudely, where it is one.

    - Abuse-only leads and a case has at least `floor`: the case goes first. A missed
      hacked account costs far more than a form started for a rant (the user can cancel
      it), and the abuse is answered anyway, beside the case.
    - A case leads and abuse-only is among the rest: abuse is not another reading of the
      case, so it must not make the case look unsure (a close call, a fallback).

    Either way the ranking becomes the reading given that the message is not only abuse:
    abuse-only drops to 0 and the rest are scaled up in proportion, so the FallbackClassifier
    and UnsureCase judge the reading the bot acts on, and two cases that were close (a
    withdrawal or a hacked account?) stay close and are asked about."""
    if not ranking:
        return ranking
    abuse = next(((n, p) for n, p in ranking if n == abuse_intent), None)
    case = next(((n, p) for n, p in ranking if n in cases), None)
    if abuse is None or case is None:
        return ranking
    if ranking[0] == abuse and case[1] < floor:
        return ranking
    if ranking[0] not in (abuse, case):
        return ranking
    rest = 1.0 - abuse[1]
    if rest <= 0.0:
        return ranking
    others = [(n, p / rest) for n, p in ranking if n not in (abuse_intent, case[0])]
    return [(case[0], case[1] / rest), *others, (abuse_intent, 0.0)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LinearComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **LinearComponent.get_default_config(),
            # A message read as only abuse goes to its likeliest urgent case or appeal
            # when that case has at least this probability (case_before_abuse).
            "abuse_intent": "insult",
            "case_over_abuse": 0.2,
        }

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        return self.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples],
                        training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranked = self.rank(message.get(TEXT))
            if not ranked:
                # As Rasa's classifiers do without a text: no intent, which the
                # FallbackClassifier turns into nlu_fallback.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                continue
            ranked = case_before_abuse(
                ranked,
                self.config["abuse_intent"],
                URGENT_INTENTS,
                float(self.config["case_over_abuse"]),
            )
            ranking = [
                {"name": name, "confidence": confidence}
                for name, confidence in ranked[: self.config["ranking_length"] or None]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
