"""A report stopped half-way on the running bot: an urgent case is offered to be filed as
it is (with what is missing marked), an appeal is cancelled, in English and Swedish."""

from __future__ import annotations

from tests.support.live import say, supportbot, tickets


def test_an_angry_stop_in_a_hacked_account_report_files_it_on_yes(stack):
    user = "acct-stop-en"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    say(stack, user, "you useless crooks, someone got into my account and changed my email")
    offered = say(stack, user, "stop asking stupid questions")
    assert any("isn't filed yet" in r and "hacked" in r for r in offered), offered
    assert tickets(stack, user) == []
    filed = say(stack, user, "yes")
    assert any("SB-" in r and "urgent" in r for r in filed), filed
    assert not any("not sure I understood" in r for r in filed), filed  # nothing after it
    [ticket] = tickets(stack, user)
    assert ticket["category"] == "account_hacked"
    assert ticket["fields"]["incident_time"] == "not provided"


def test_svenska_nej_slapper_det_stoppade_arendet(stack):
    user = "acct-stop-sv"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "hot")
    say(stack, user, "min insättning på 200 usdt har inte kommit fram, fixa det")
    offered = say(stack, user, "glöm det, avbryt")
    assert any("inte skickat än" in r for r in offered), offered
    dropped = say(stack, user, "nej")
    assert any("Inget har skickats" in r for r in dropped), dropped
    assert len(dropped) == 1, dropped
    assert tickets(stack, user) == []
    # The next report starts clean: no offer is left over.
    say(stack, user, "hej")
    assert tickets(stack, user) == []


def test_a_stopped_appeal_is_cancelled_without_an_offer(stack):
    user = "acct-stop-appeal"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    say(stack, user, "I want to appeal my suspension")
    stopped = say(stack, user, "never mind, cancel")
    assert any("Nothing was filed" in r for r in stopped), stopped
    assert not any("isn't filed yet" in r for r in stopped)
