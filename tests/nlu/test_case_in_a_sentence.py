"""A case one sentence of a long message states on its own is not lost in the rest."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import LinearIntentClassifier, case_in_a_sentence, sentences
from bot.trainer.labels import URGENT_INTENTS

EXAMPLES = {
    "report_account_hacked": [
        "my account was hacked", "someone logged into my account", "account compromised",
        "someone changed my password", "hacked account help", "unknown login on my account",
    ],
    "faq": [
        "how long is the suspension", "when does the ban end", "why was i suspended",
        "what can the bot do", "how do fees work", "how long does the ban last",
        "how long is my suspension", "when can i chat again", "what is the suspension for",
        "why am i banned from chat", "how long until live chat", "what are the rules",
    ],
}


def _classifier(tmp: pytest.TempPathFactory, floor: float | None) -> LinearIntentClassifier:
    storage = LocalModelStorage(tmp.mktemp("model"))
    resource = Resource("intent_classifier")
    data = TrainingData([
        Message(data={"text": text, "intent": intent})
        for intent, texts in EXAMPLES.items() for text in texts
    ])
    config = {"char_min_df": 1, "C": 30, "case_in_a_sentence": floor}
    LinearIntentClassifier.create(config, storage, resource, None).train(data)
    return LinearIntentClassifier.load(config, storage, resource, None)


def test_the_classifier_reads_a_case_in_a_later_sentence(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    text = ("How long is the suspension? When can I chat again? What are the rules? "
            "Someone logged into my account.")
    read = {floor: _classifier(tmp_path_factory, floor).process(
        [Message(data={"text": text})])[0].get("intent")["name"] for floor in (None, 0.5)}
    assert read == {None: "faq", 0.5: "report_account_hacked"}


@pytest.mark.parametrize(
    "text, parts",
    [
        ("hej", ["hej"]),
        ("Jag skiter i er avstängning. Någon har kommit åt mitt konto.",
         ["Jag skiter i er avstängning.", "Någon har kommit åt mitt konto."]),
        ("uttag borta. jävla bluffbörs.", ["uttag borta.", "jävla bluffbörs."]),
        ("where is it?! 0.5 btc gone\nhelp", ["where is it?!", "0.5 btc gone", "help"]),
        ("I sent 1.5 BTC at 10.30", ["I sent 1.5 BTC at 10.30"]),  # no break in numbers
        ("  ", []),
    ],
)
def test_sentences(text: str, parts: list[str]) -> None:
    assert sentences(text) == parts


def test_a_case_in_one_sentence_leads_with_that_sentences_confidence() -> None:
    whole = [("faq", 0.6), ("report_missing_deposit", 0.3), ("greet", 0.1)]
    got = case_in_a_sentence(whole, [("faq", 0.9), ("report_missing_deposit", 0.8)],
                             URGENT_INTENTS, 0.6)
    assert got[0] == ("report_missing_deposit", 0.8)
    assert [n for n, _ in got[1:]] == ["faq", "greet"]
    assert got[1][1] == pytest.approx(0.2 * 0.6 / 0.7)
    assert sum(p for _, p in got) == pytest.approx(1.0)


def test_the_strongest_sentence_case_wins() -> None:
    whole = [("insult", 0.9), ("report_account_hacked", 0.05), ("report_missing_withdrawal", 0.05)]
    tops = [("report_missing_withdrawal", 0.65), ("report_account_hacked", 0.9)]
    assert case_in_a_sentence(whole, tops, URGENT_INTENTS, 0.6)[0] == (
        "report_account_hacked", 0.9)


@pytest.mark.parametrize(
    "whole, tops",
    [
        # The whole message is already a case: its own reading says which.
        ([("report_account_hacked", 0.5), ("insult", 0.5)], [("report_missing_deposit", 0.9)]),
        # No sentence is sure enough of a case.
        ([("insult", 0.8), ("report_account_hacked", 0.2)], [("report_account_hacked", 0.55)]),
        # Sentences that are not cases.
        ([("faq", 0.7), ("greet", 0.3)], [("faq", 0.9), ("greet", 0.95)]),
        ([], [("report_account_hacked", 0.9)]),
    ],
)
def test_otherwise_the_whole_reading_stands(whole: list, tops: list) -> None:
    assert case_in_a_sentence(whole, tops, URGENT_INTENTS, 0.6) == whole


def test_a_case_the_whole_message_does_not_support_stays_out() -> None:
    """A sentence read out of context ("you never did anything right" alone looks like a
    disowned login) does not make a rant a case when the whole message gives the case
    almost nothing."""
    whole = [("insult", 0.977), ("report_account_hacked", 0.017), ("greet", 0.006)]
    tops = [("report_account_hacked", 0.86), ("insult", 1.0)]
    assert case_in_a_sentence(whole, tops, URGENT_INTENTS, 0.7, whole_floor=0.05) == whole
    assert case_in_a_sentence(whole, tops, URGENT_INTENTS, 0.7)[0] == (
        "report_account_hacked", 0.86)
