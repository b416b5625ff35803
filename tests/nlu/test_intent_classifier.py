"""The intent classifier reads what a message asks with its abuse masked, and `insult`
("asks nothing") gives way to an urgent case the message also carries."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import LinearIntentClassifier, case_before_abuse
from bot.trainer.labels import URGENT_INTENTS

EXAMPLES = {
    "report_account_hacked": [
        "my account was hacked", "someone logged into my account", "account compromised",
        "someone changed my password", "hacked account help", "unknown login on my account",
    ],
    "report_missing_deposit": [
        "my deposit is missing", "deposit not credited", "where is my deposit",
        "my bank transfer has not arrived", "top up not showing", "deposit never came",
    ],
    "insult": [
        "you idiots", "fuck you", "you useless morons", "screw you all", "stupid bot",
        "go to hell",
    ],
}


@pytest.fixture(scope="module")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> LinearIntentClassifier:
    """Trained on a small TrainingData, saved, and loaded back as Rasa would."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("intent_classifier")
    data = TrainingData([
        Message(data={"text": text, "intent": intent})
        for intent, texts in EXAMPLES.items() for text in texts
    ])
    config = {"char_min_df": 1, "C": 30}
    LinearIntentClassifier.create(config, storage, resource, None).train(data)
    return LinearIntentClassifier.load(config, storage, resource, None)


def _parse(classifier: LinearIntentClassifier, text: str) -> Message:
    return classifier.process([Message(data={"text": text})])[0]


def test_a_message_gets_an_intent_and_a_ranking(classifier: LinearIntentClassifier) -> None:
    message = _parse(classifier, "my deposit never arrived")
    assert message.get("intent")["name"] == "report_missing_deposit"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "report_missing_deposit"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("text", ["f*cking idi0ts", "FUUUCK YOU", "you m0rons"])
def test_spellings_it_never_saw_read_as_the_abuse_they_are(
    classifier: LinearIntentClassifier, text: str
) -> None:
    assert _parse(classifier, text).get("intent")["name"] == "insult"


def test_abuse_around_a_case_does_not_hide_the_case(classifier: LinearIntentClassifier) -> None:
    text = "f*cking idi0ts, my account was hacked, FIX IT"
    assert _parse(classifier, text).get("intent")["name"] == "report_account_hacked"


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "."])
def test_a_text_with_nothing_to_read_gets_no_intent(
    classifier: LinearIntentClassifier, text: str
) -> None:
    # The FallbackClassifier turns it into nlu_fallback: the menu, not a guess.
    assert _parse(classifier, text).get("intent") == {"name": None, "confidence": 0.0}


@pytest.mark.parametrize(
    ("ranking", "read"),
    [
        # Abuse leads, a case has at least the floor: the case, first.
        ([("insult", 0.6), ("greet", 0.1), ("report_account_hacked", 0.3)],
         [("report_account_hacked", 0.75), ("greet", 0.25), ("insult", 0.0)]),
        # A case leads, abuse second: abuse no longer makes the case look unsure.
        ([("report_missing_deposit", 0.45), ("insult", 0.4), ("greet", 0.15)],
         [("report_missing_deposit", 0.75), ("greet", 0.25), ("insult", 0.0)]),
        # Two close cases stay close (UnsureCase asks which one).
        ([("report_missing_withdrawal", 0.32), ("report_account_hacked", 0.31),
          ("insult", 0.2), ("inform", 0.17)],
         [("report_missing_withdrawal", 0.4), ("report_account_hacked", 0.3875),
          ("inform", 0.2125), ("insult", 0.0)]),
    ],
)
def test_case_before_abuse_reads_the_case_without_the_abuse(ranking: list, read: list) -> None:
    got = case_before_abuse(ranking, "insult", URGENT_INTENTS, 0.2)
    assert [n for n, _ in got] == [n for n, _ in read]
    assert [p for _, p in got] == pytest.approx([p for _, p in read])


@pytest.mark.parametrize(
    "ranking",
    [
        [("insult", 0.8), ("report_account_hacked", 0.2 - 1e-9)],  # the case is too unlikely
        [("insult", 0.8), ("request_human", 0.2)],  # not an urgent case
        [("greet", 0.6), ("insult", 0.3), ("report_account_hacked", 0.1)],  # not a case
        [("insult", 1.0), ("report_account_hacked", 0.0)],  # nothing else to read
        [],
    ],
)
def test_case_before_abuse_leaves_other_rankings_alone(ranking: list) -> None:
    assert case_before_abuse(ranking, "insult", URGENT_INTENTS, 0.2) == ranking
