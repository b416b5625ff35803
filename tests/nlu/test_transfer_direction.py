"""Withdrawal or deposit by the direction of the transfer (bot/nlu/transfer_direction.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.transfer_direction import TransferDirection, cue
from bot.trainer.examples import NluData, load_nlu
from bot.trainer.model import NLU_DIR

OUT, IN = "report_missing_withdrawal", "report_missing_deposit"


def _real_patterns(nlu: NluData) -> dict[str, list[str]]:
    extras = nlu.extras
    names = {"out": "transfer_out_of_here", "in": "transfer_into_here"}
    return {
        kind: [r["pattern"] for r in extras.regex_features if r["name"] == name]
        for kind, name in names.items()
    }


@pytest.fixture(scope="module")
def nlu() -> NluData:
    """The NLU data as the trainer reads it (seconds of YAML): read once for this file."""
    return load_nlu(NLU_DIR)


@pytest.fixture(scope="module")
def patterns(nlu: NluData) -> dict[str, list[str]]:
    return _real_patterns(nlu)


@pytest.fixture()
def component(tmp_path: Path, patterns: dict[str, list[str]]) -> TransferDirection:
    """Trained on a TrainingData holding only the real regexes, saved and loaded back."""
    storage = LocalModelStorage(tmp_path)
    resource = Resource("transfer_direction")
    regexes = [
        {"name": f"transfer_{'out_of' if k == 'out' else 'into'}_here", "pattern": p}
        for k, ps in patterns.items()
        for p in ps
    ]
    regexes.append({"name": "disowned_action", "pattern": r"\bnot me\b"})  # ignored
    TransferDirection.create({}, storage, resource, None).train(
        TrainingData(regex_features=regexes)
    )
    return TransferDirection.load({}, storage, resource, None)


def _message(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return message


def _top(component: TransferDirection, text: str, ranking: list[tuple[str, float]]):
    message = component.process([_message(text, ranking)])[0]
    return message.get("intent"), message.get("intent_ranking")


def test_patterns_live_in_the_data_for_both_languages(patterns: dict) -> None:
    assert len(patterns["out"]) >= 8 and len(patterns["in"]) >= 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i sent btc from my account here to my ledger and it never arrived", "out"),
        ("i sent btc from my ledger to my account here and it never arrived", "in"),
        ("moved eth from my metamask into my account with you", "in"),
        ("jag skickade doge från en annan börs, inte mottaget", "in"),
        ("skickade usdt härifrån till binance, syns inte", "out"),
        ("jag skickade sol hit från phantom", "in"),
        ("my withdrawal hasn't arrived", None),  # no cue: the classifier decides
        ("from here to there and back to my account here", None),  # both kinds: no decision
    ],
)
def test_cue(patterns: dict, text: str, expected: str | None) -> None:
    out = [re.compile(p) for p in patterns["out"]]
    into = [re.compile(p) for p in patterns["in"]]
    assert cue(text, out, into) == expected


def test_every_cue_agrees_with_its_labelled_example(patterns: dict, nlu: NluData) -> None:
    """The rule may only ever move a message to the intent its trainers gave it."""
    out = [re.compile(p) for p in patterns["out"]]
    into = [re.compile(p) for p in patterns["in"]]
    checked, wrong = 0, []
    for e in nlu.examples:
        if e.intent in (OUT, IN) and (direction := cue(e.text, out, into)):
            checked += 1
            if (direction == "out") != (e.intent == OUT):
                wrong.append((e.lang, e.intent, e.text))
    assert checked >= 100 and wrong == []


def test_a_cue_gives_its_intent_the_confidence_of_both(component: TransferDirection) -> None:
    for text in (
        "i sent btc from my account here to my ledger and it never arrived",  # contradicts
        "sent eth from here to metamask",  # agrees
    ):
        intent, ranking = _top(
            component, text, [(IN, 0.5), (OUT, 0.45), ("report_account_hacked", 0.05)]
        )
        assert intent == {"name": OUT, "confidence": 0.95}
        assert [(r["name"], r["confidence"]) for r in ranking] == [
            (OUT, 0.95),
            ("report_account_hacked", 0.05),
            (IN, 0.0),
        ]


def test_no_cue_or_cues_both_ways_change_nothing(component: TransferDirection) -> None:
    for text in ("my withdrawal never came", "from here to there and back to my account here"):
        intent, ranking = _top(component, text, [(IN, 0.5), (OUT, 0.45)])
        assert intent == {"name": IN, "confidence": 0.5} and len(ranking) == 2


def test_other_intents_are_never_touched(component: TransferDirection) -> None:
    # a hacker's withdrawal out of the account is still a hacked account
    text = "someone withdrew everything from my account here to their wallet"
    intent, _ = _top(component, text, [("report_account_hacked", 0.9), (OUT, 0.1)])
    assert intent["name"] == "report_account_hacked"


def test_the_other_intent_missing_from_the_ranking_is_added(
    component: TransferDirection,
) -> None:
    intent, ranking = _top(
        component, "from my ledger to my account here, not credited", [(OUT, 1.0)]
    )
    assert intent == {"name": IN, "confidence": 1.0}
    assert [r["name"] for r in ranking] == [IN, OUT]
