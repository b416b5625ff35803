"""A report told in full in the first message is not asked for again: when it happened and
what happened are taken from it, in English and Swedish, rude or not."""

from __future__ import annotations

from tests.support.live import say, supportbot, tickets


def test_a_long_angry_hacked_account_report_is_filed_in_one_turn(stack):
    user = "acct-prefill-en"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    replies = say(stack, user, (
        "Listen here. I have been a customer for 6 years and never had problems. Yesterday "
        "my password didnt work, then I got an email saying my 2fa was reset which I NEVER "
        "did. Now my balance shows 0. You people are useless and I will sue you."))
    assert any("Disable account" in r for r in replies), replies  # the advice first
    assert any("SB-" in r and "urgent" in r for r in replies), replies
    [ticket] = tickets(stack, user)
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
    [ticket] = tickets(stack, user)
    assert ticket["fields"]["incident_time"] == "för tre timmar sedan"


def test_en_swishinsattning_fragar_inte_efter_natverk_eller_tx_hash(stack):
    user = "acct-prefill-swish"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "hot")
    replies = say(stack, user, "Ni är en samling oduglingar. I fredags förde jag över 8000 kr "
                               "med Swish till er och beloppet har inte bokförts på mitt konto")
    # Everything was said: no question about a coin, a network or a tx hash, filed at once.
    assert any("SB-" in r for r in replies), replies
    questions = ("Vilken kryptovaluta", "Vilket nätverk", "Vad är transaktions-id")
    assert not any(q in r for q in questions for r in replies), replies
    [ticket] = tickets(stack, user)
    assert (ticket["category"], ticket["fields"]["asset"], ticket["fields"]["network"],
            ticket["fields"]["amount"]) == ("missing_deposit", "SEK", "Swish", "8000")


def test_a_card_top_up_named_as_the_coin_skips_network_and_tx_id(stack):
    user = "acct-card-topup"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    asked = say(stack, user, "my deposit never showed up, you clowns")
    assert any("asset or currency" in r for r in asked), asked
    next_question = say(stack, user, "it was a card top-up, 50 euros")
    assert any("When did it happen" in r for r in next_question), next_question
    filed = say(stack, user, "this morning")
    assert any("SB-" in r for r in filed), filed
    [ticket] = tickets(stack, user)
    assert (ticket["fields"]["asset"], ticket["fields"]["network"], ticket["fields"]["amount"],
            ticket["fields"]["tx_id"]) == ("EUR", "card", "50", "not provided")


def test_a_case_told_again_goes_to_its_open_ticket_without_the_questions(stack):
    user = "acct-told-again"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    first = say(stack, user, "Listen. Yesterday someone logged into my account from another "
                             "country and changed my email, and you idiots let it happen.")
    assert any("SB-" in r for r in first), first
    again = say(stack, user, "THEY ARE STILL IN MY ACCOUNT, someone hacked it, do something!!")
    assert any("already have an open ticket" in r for r in again), again
    assert not any("When did it happen" in r for r in again), again
    [ticket] = tickets(stack, user)
    assert ticket["category"] == "account_hacked"
