"""A report told in full in the first message is not asked for again: when it happened and
what happened are taken from it, in English and Swedish, rude or not."""

from __future__ import annotations

import json

from tests.support.live import say, supportbot


def _tickets(stack, user: str) -> list[dict]:
    return json.loads(supportbot(stack, "status", user, "--json"))["tickets"]


def test_a_long_angry_hacked_account_report_is_filed_in_one_turn(stack):
    user = "acct-prefill-en"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    replies = say(stack, user, (
        "Listen here. I have been a customer for 6 years and never had problems. Yesterday "
        "my password didnt work, then I got an email saying my 2fa was reset which I NEVER "
        "did. Now my balance shows 0. You people are useless and I will sue you."))
    assert any("Disable account" in r for r in replies), replies  # the advice first
    assert any("SB-" in r and "urgent" in r for r in replies), replies
    [ticket] = _tickets(stack, user)
    assert ticket["fields"]["incident_time"] == "Yesterday"
    assert "2fa was reset" in ticket["fields"]["description"]


def test_en_saknad_insattning_fragar_inte_efter_tiden_igen(stack):
    user = "acct-prefill-sv"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "hot")
    asked = say(stack, user, "VAR ÄR MIN INSÄTTNING era tjuvar, skickade 500 usdt på trc20 "
                             "för tre timmar sedan")
    assert any("transaktions" in r.lower() for r in asked), asked  # the tx id, not the time
    filed = say(stack, user, "har den inte")
    assert any("SB-" in r for r in filed), filed
    [ticket] = _tickets(stack, user)
    assert ticket["fields"]["incident_time"] == "för tre timmar sedan"
