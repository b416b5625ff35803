"""FAQ answers only when the answer itself is likely right (bot/nlu/faq_fallback.py)."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_fallback import FaqFallback, answer_confidence


def _message(intent: str, confidence: float, topic: float | None) -> Message:
    message = Message(data={"text": "how many teaspoons in a tablespoon"})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}],
    )
    if topic is not None:
        response = {"intent_response_key": "faq/why_suspended", "confidence": topic}
        message.set("response_selector", {"faq": {"response": response, "ranking": []}})
    return message


def _run(message: Message, **config: float) -> Message:
    return FaqFallback.create(config, None, None, None).process([message])[0]


def test_answer_confidence_is_intent_times_topic() -> None:
    assert answer_confidence(_message("faq", 0.9, 0.5), "faq") == 0.45
    assert answer_confidence(_message("greet", 0.9, 0.5), "faq") is None
    assert answer_confidence(_message("faq", 0.9, None), "faq") is None


def test_unsure_answer_becomes_the_fallback_with_the_guess_kept_below() -> None:
    message = _run(_message("faq", 0.9, 0.5))  # 0.45 < 0.6
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.6}
    ranking = [r["name"] for r in message.get("intent_ranking")]
    assert ranking == ["nlu_fallback", "faq", "greet"]


def test_sure_answer_is_left_alone() -> None:
    message = _run(_message("faq", 0.95, 0.9))  # 0.855
    assert message.get("intent") == {"name": "faq", "confidence": 0.95}
    assert message.get("intent_ranking")[0]["name"] == "faq"


def test_threshold_comes_from_config() -> None:
    assert _run(_message("faq", 0.9, 0.5), threshold=0.4).get("intent")["name"] == "faq"
    assert _run(_message("faq", 0.9, 0.9), threshold=0.9).get("intent")["name"] == "nlu_fallback"


def test_other_intents_and_a_missing_selector_are_left_alone() -> None:
    assert _run(_message("report_account_hacked", 0.3, 0.1)).get("intent")["name"] == (
        "report_account_hacked"
    )
    assert _run(_message("faq", 0.5, None)).get("intent")["name"] == "faq"
