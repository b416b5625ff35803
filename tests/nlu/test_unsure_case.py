"""Close calls between an urgent case and anything else become the question the bot asks
(bot/nlu/unsure_case.py), marked as the FallbackClassifier marks its fallbacks."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.unsure_case import UnsureCase


def _run(ranking: list[tuple[str, float]], margin: float = 0.1) -> Message:
    message = Message(data={"text": "my btc is gone"})
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    return UnsureCase.create({"margin": margin}, None, None, None).process([message])[0]


def test_a_close_call_with_an_urgent_intent_becomes_the_fallback() -> None:
    message = _run([("report_account_hacked", 0.45), ("report_missing_withdrawal", 0.40)])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}
    assert [r["name"] for r in message.get("intent_ranking")] == [
        "nlu_fallback", "report_account_hacked", "report_missing_withdrawal"]


def test_the_urgent_intent_may_be_the_runner_up() -> None:
    assert _run([("faq", 0.48), ("report_missing_deposit", 0.42)]).get("intent")["name"] == (
        "nlu_fallback")


def test_a_clear_lead_or_no_urgent_intent_is_left_alone() -> None:
    assert _run([("report_account_hacked", 0.7), ("faq", 0.2)]).get("intent")["name"] == (
        "report_account_hacked")
    assert _run([("faq", 0.45), ("greet", 0.4)]).get("intent")["name"] == "faq"
    assert _run([("report_account_hacked", 0.45), ("faq", 0.40)], margin=0.0).get(
        "intent")["name"] == "report_account_hacked"


def test_a_fallback_already_made_is_not_marked_twice() -> None:
    message = _run([("nlu_fallback", 0.3), ("report_account_hacked", 0.2), ("faq", 0.19)])
    assert [r["name"] for r in message.get("intent_ranking")].count("nlu_fallback") == 1
