"""On the running bot: what a user adds right after their report is filed ("it was
yesterday around 9pm", "BTC") goes to that ticket, rude or not, in English and Swedish."""

from __future__ import annotations

from tests.support.live import say, supportbot, tickets


def test_details_after_an_impersonation_report_are_added_to_its_ticket(stack):
    user = "acct-details-en"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "abuse")
    filed = say(stack, user, "you useless f*cking clowns, some guy on telegram said he was "
                             "ur admin and asked for my seed phrase, i gave it and now my "
                             "wallet is empty")
    assert any("SB-" in r for r in filed), filed
    added = say(stack, user, "it was yesterday around 9pm")
    assert any("added that to your ticket SB-" in r for r in added), added
    assert not any("Here's what I can help with" in r for r in added), added
    [ticket] = tickets(stack, user)
    assert (ticket["report_count"], ticket["fields"]["description"]) == (
        2, "it was yesterday around 9pm")


def test_uppgifter_efter_anmalan_laggs_till_arendet(stack):
    user = "acct-details-sv"
    supportbot(stack, "suspend", user, "--hours", "24", "--reason", "hot")
    filed = say(stack, user, "Era jävla amatörer. I natt loggade nån in på mitt konto från "
                             "Ryssland och bytte mejladressen, det var inte jag")
    assert any("SB-" in r for r in filed), filed
    added = say(stack, user, "det var runt kl 3 i natt")
    assert any("lagt till det i ditt ärende SB-" in r for r in added), added
    [ticket] = tickets(stack, user)
    assert (ticket["report_count"], ticket["fields"]["incident_time"]) == (2, "runt kl 3 i natt")
