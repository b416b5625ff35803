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

import re
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


# Where one sentence ends and the next begins: ". ", "?! ", a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")


def sentences(text: str) -> list[str]:
    """The sentences of `text` (one when it has no sentence break)."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def case_in_a_sentence(
    ranking: list[tuple[str, float]], sentence_tops: list[tuple[str, float]],
    cases: frozenset[str], floor: float, whole_floor: float = 0.0,
) -> list[tuple[str, float]]:
    """`ranking` of a whole message, with a case one of its sentences states on its own.

    A long message dilutes its case: "I don't care about your ban. I don't care about your
    rules. Someone got into my account" reads as abuse only as a whole, "How long is the
    suspension? Also my deposit is missing" as a question about the suspension. When the
    whole reading is not a case and one sentence, read alone, is a case with at least
    `floor` (its `sentence_tops`: each sentence's top intent) and the whole reading gives
    that case at least `whole_floor` (a sentence read out of its context can look like a
    case the message is not: "you never did anything right" alone reads as a disowned
    login), that case leads with the sentence's probability and the rest keep their
    proportions."""
    if not ranking or ranking[0][0] in cases:
        return ranking
    whole = dict(ranking)
    found = [(n, p) for n, p in sentence_tops
             if n in cases and p >= floor and whole.get(n, 0.0) >= whole_floor]
    if not found:
        return ranking
    case, confidence = max(found, key=lambda item: item[1])
    others = [(n, p) for n, p in ranking if n != case]
    total = sum(p for _, p in others)
    scale = (1.0 - confidence) / total if total > 0 else 0.0
    return [(case, confidence), *((n, p * scale) for n, p in others)]


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
            # A sentence of a longer message read alone as a case with at least this
            # probability makes the message that case (case_in_a_sentence); None: off.
            "case_in_a_sentence": None,
            # ... and the whole message gives that case at least this probability.
            "case_in_a_sentence_whole": 0.0,
        }

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        return self.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples],
                        training_data)

    def _as_a_case(self, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        return case_before_abuse(ranked, self.config["abuse_intent"], URGENT_INTENTS,
                                 float(self.config["case_over_abuse"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranked = self.rank(message.get(TEXT))
            if not ranked:
                # As Rasa's classifiers do without a text: no intent, which the
                # FallbackClassifier turns into nlu_fallback.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                continue
            ranked = self._as_a_case(ranked)
            floor = self.config["case_in_a_sentence"]
            # Only a message not already read as a case is read again by its sentences.
            read_again = floor is not None and ranked[0][0] not in URGENT_INTENTS
            parts = sentences(message.get(TEXT)) if read_again else []
            if len(parts) > 1:
                # Each sentence as the model reads it, abuse competing: a sentence that is
                # mostly abuse does not count as a case.
                tops = [r[0] for r in map(self.rank, parts) if r]
                ranked = case_in_a_sentence(ranked, tops, URGENT_INTENTS, float(floor),
                                            float(self.config["case_in_a_sentence_whole"]))
            ranking = [
                {"name": name, "confidence": confidence}
                for name, confidence in ranked[: self.config["ranking_length"] or None]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
