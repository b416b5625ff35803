"""Unsure whether a message is an urgent case: one question with a button per likely case
and one for something else, in the user's language; otherwise the menu."""

from __future__ import annotations

from typing import Any

from actions.clarify import ActionClarify
from bot.channels.guard import button_payloads
from tests.support.actions import domain_dict, run, tracker

ACTION = ActionClarify()


def _unsure(ranking: list[tuple[str, float]], language: str = "en") -> list[dict[str, Any]]:
    tr = tracker("my btc is just gone", "nlu_fallback", slots={"language": language})
    tr.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        *({"name": n, "confidence": c} for n, c in ranking),
    ]
    return run(ACTION, tr)[1]


def test_two_likely_cases_are_asked_about_with_a_button_each() -> None:
    [message] = _unsure([("report_account_hacked", 0.42), ("report_missing_withdrawal", 0.38)])
    assert message["response"] == "utter_ask_which_case"
    assert (message["first"], message["second"]) == ("a hacked account", "a missing withdrawal")
    assert [b["payload"] for b in message["buttons"]] == [
        "/report_account_hacked", "/report_missing_withdrawal", "/deny"]
    assert message["buttons"][0]["title"] == "My account was hacked"


def test_one_likely_case_is_asked_about_alone_in_swedish() -> None:
    [message] = _unsure([("report_missing_deposit", 0.41), ("faq", 0.37)], "sv")
    assert message["response"] == "utter_ask_is_it_case"
    assert message["first"] == "en insättning som saknas"
    assert [b["title"] for b in message["buttons"]] == ["En insättning saknas", "Inget av dem"]


def test_status_can_be_the_other_option_a_human_cannot() -> None:
    [message] = _unsure([("check_appeal_status", 0.4), ("report_account_hacked", 0.35)])
    assert [b["payload"] for b in message["buttons"]] == [
        "/check_appeal_status", "/report_account_hacked", "/deny"]
    [message] = _unsure([("request_human", 0.4), ("report_account_hacked", 0.35)])
    assert message["response"] == "utter_ask_is_it_case"
    assert [b["payload"] for b in message["buttons"]] == ["/report_account_hacked", "/deny"]


def test_no_likely_case_gets_the_menu() -> None:
    for ranking in ([("faq", 0.25), ("greet", 0.2)], [("report_account_hacked", 0.12)], []):
        [message] = _unsure(ranking)
        assert message == {**message, "response": "utter_default"}
        assert "buttons" not in message or not message["buttons"]


def test_every_button_it_can_offer_passes_the_channel_guard() -> None:
    # The guard defuses "/intent" texts the domain does not offer as buttons.
    offered = button_payloads(domain_dict()["responses"])
    for name in ("report_account_hacked", "report_missing_withdrawal", "report_missing_deposit",
                 "report_impersonation", "appeal_suspension", "check_appeal_status",
                 "deny"):
        assert f"/{name}" in offered
    assert "/request_human" not in offered


def test_money_gone_without_saying_how_asks_which_of_the_three() -> None:
    tr = tracker("mina bitcoin är borta", "report_funds_gone", slots={"language": "sv"})
    [message] = run(ACTION, tr)[1]
    assert message["response"] == "utter_ask_funds_gone"
    assert [b["payload"] for b in message["buttons"]] == [
        "/report_account_hacked", "/report_missing_withdrawal", "/report_missing_deposit",
        "/deny"]
    assert message["buttons"][0]["title"] == "Mitt konto är kapat"


def _after_question(asked: str, text: str = "typ för en timme sen") -> list[dict[str, Any]]:
    tr = tracker(text, "nlu_fallback", slots={"language": "sv"})
    buttons = [{"title": "Mitt konto är kapat", "payload": "/report_account_hacked"},
               {"title": "Inget av dem", "payload": "/deny"}]
    tr.events[:0] = [
        {"event": "user", "text": "mitt wallet blev hacked och alla coins är borta"},
        {"event": "bot", "text": "Vad hände?", "data": {"buttons": buttons},
         "metadata": {"utter_action": asked}},
    ]
    tr.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.3},
                                           {"name": "inform", "confidence": 0.2}]
    return run(ACTION, tr)[1]


def test_a_clarifying_question_not_answered_is_asked_again_with_its_buttons() -> None:
    [message] = _after_question("utter_ask_funds_gone")
    assert message["response"] == "utter_ask_pick_one"
    assert [b["payload"] for b in message["buttons"]] == ["/report_account_hacked", "/deny"]


def test_only_a_clarifying_question_is_asked_again_and_only_once() -> None:
    [message] = _after_question("utter_greet")
    assert message["response"] == "utter_default"
    [message] = _after_question("utter_ask_pick_one")  # asked again already: the menu
    assert message["response"] == "utter_default"
