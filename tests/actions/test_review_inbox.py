"""The review inbox's recorder: which messages the NLU was unsure of, and recording them
without ever breaking the conversation."""

from __future__ import annotations

from pathlib import Path

from actions.review_inbox import record_if_unsure, unsure_prediction
from bot.desk import Desk, make_engine


def fallback_message(text: str, best: str, confidence: float, message_id: str = "m1") -> dict:
    """A message NLU answered with nlu_fallback, `best` next in the ranking."""
    return {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.55},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": best, "confidence": confidence},
            {"name": "greet", "confidence": 0.01},
        ],
        "entities": [],
        "message_id": message_id,
    }


def test_unsure_prediction() -> None:
    sure = {
        "text": "my account was hacked",
        "intent": {"name": "report_account_hacked", "confidence": 0.97},
    }
    assert unsure_prediction(sure, 0.7) is None
    low = {**sure, "intent": {"name": "report_account_hacked", "confidence": 0.62}}
    assert unsure_prediction(low, 0.7) == ("report_account_hacked", 0.62, "low_confidence")
    assert unsure_prediction(fallback_message("hmm", "insult", 0.3), 0.7) == (
        "insult",
        0.3,
        "fallback",
    )
    faq = {
        "text": "hur länge dröjer ett uttag",
        "intent": {"name": "faq", "confidence": 0.95},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": "faq/withdrawal_time", "confidence": 0.41}},
        },
    }
    assert unsure_prediction(faq, 0.7) == ("faq/withdrawal_time", 0.41, "low_confidence")
    faq["response_selector"]["faq"]["response"]["confidence"] = 0.9
    assert unsure_prediction(faq, 0.7) is None
    # an FAQ answer held back as unsure (bot/nlu/faq_fallback.py) keeps its topic
    held_back = {
        **fallback_message("how many teaspoons in a tablespoon", "faq", 0.8),
        "response_selector": {
            "faq": {"response": {"intent_response_key": "faq/fees", "confidence": 0.3}}
        },
    }
    assert unsure_prediction(held_back, 0.7) == ("faq/fees", 0.3, "fallback")
    # buttons, empty messages and messages without NLU are never queued
    assert (
        unsure_prediction(
            {"text": "/request_human", "intent": {"name": "request_human", "confidence": 0.2}}, 0.7
        )
        is None
    )
    assert (
        unsure_prediction({"text": "  ", "intent": {"name": "greet", "confidence": 0.1}}, 0.7)
        is None
    )
    assert unsure_prediction({"text": "hi", "intent": {}}, 0.7) is None


def test_record_if_unsure(actions_desk: Desk) -> None:
    message = fallback_message("my seed is gone and so is my money", "report_account_hacked", 0.4)
    assert record_if_unsure(actions_desk, message, "acct-1", "en", 0.7) is True
    assert record_if_unsure(actions_desk, message, "acct-1", "en", 0.7) is False  # same id
    sure = {"text": "hi", "intent": {"name": "greet", "confidence": 0.99}, "message_id": "m2"}
    assert record_if_unsure(actions_desk, sure, "acct-1", "en", 0.7) is False
    [item] = actions_desk.review_items()
    assert (item.predicted_intent, item.reason, item.sender_id) == (
        "report_account_hacked",
        "fallback",
        "acct-1",
    )


def test_record_if_unsure_never_breaks_the_conversation(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")
    try:
        message = fallback_message("what", "greet", 0.2)
        assert record_if_unsure(Desk(engine), message, "acct-1", "en", 0.7) is False
    finally:
        engine.dispose()
