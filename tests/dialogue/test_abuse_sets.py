"""The abuse sets of eval/'s test split through the running bot: each message from a new
suspended user over REST, judged from the conversation Rasa stored (bot/trainer/live.py).
The same limits as the parse-level gate (tests/nlu_thresholds.yml)."""

from __future__ import annotations

import pytest

from bot.desk.service import open_desk
from bot.trainer import gate
from bot.trainer.eval_sets import load_split
from bot.trainer.live import judge, send_sets, summary

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live(stack) -> dict:
    split = load_split("test")
    assert split is not None
    result = send_sets(split, stack.rasa_port, stack.env["SUPPORTBOT_RASA_TOKEN"],
                       stack.env["SUPPORTBOT_IDENTITY_KEY"], open_desk(stack.db))
    print(summary(result))
    return result


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_abuse_around_a_case_starts_that_case(live: dict, lang: str) -> None:
    cases = live["abusive_urgent"][lang]
    assert cases["right_case"] >= gate.load_thresholds()["abusive_urgent"], cases


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_abuse_around_a_case_still_gets_the_calm_reply(live: dict, lang: str) -> None:
    cases = live["abusive_urgent"][lang]
    assert cases["calm"] >= gate.load_thresholds()["abusive_urgent_calm"], cases


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_abuse_alone_is_never_escalated(live: dict, lang: str) -> None:
    alone = live["abuse_only"][lang]
    assert alone["escalated"] <= gate.load_thresholds()["abuse_only_escalated"], alone


def test_the_judge_needs_the_advice_and_a_question_of_that_case() -> None:
    advice, question = "utter_report_advice_missing_deposit", "utter_ask_report_form_asset"
    assert judge("report_missing_deposit", ["utter_abuse_calm", advice, question])["right_case"]
    assert not judge("report_missing_deposit", [advice])["right_case"]
    assert not judge("report_missing_withdrawal", [advice, question])["right_case"]
    assert not judge("report_account_hacked", ["utter_ask_report_form_asset"])["right_case"]
    assert judge("insult", ["utter_insult_calm", "utter_handoff_filed"])["escalated"]
    assert not judge("insult", ["utter_insult_calm"])["escalated"]


def test_a_report_told_in_full_and_filed_at_once_is_the_right_case() -> None:
    # The form takes the time and the story from the first message; with nothing left to
    # ask it files in the same turn as the advice.
    filed = ["utter_abuse_calm", "utter_report_advice_impersonation", "utter_report_filed"]
    assert judge("report_impersonation", filed)["right_case"]
    assert not judge("appeal_suspension", filed)["right_case"]
    assert judge("insult", ["utter_report_filed"])["escalated"]
