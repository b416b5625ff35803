"""Details given outside a report go to the ticket the bot has just filed; anywhere else
they get what action_clarify gives (the menu)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from actions import filing
from actions.details import ActionTakeDetails, ticket_just_told
from tests.support.actions import responses, run, tracker

ACTION = ActionTakeDetails()


def _after(reply: str, ticket: str, text: str, language: str = "en") -> Any:
    """A tracker whose previous bot reply was `reply` naming `ticket`, then `text`."""
    tr = tracker(text, "inform", slots={"language": language})
    tr.events[:0] = [
        {"event": "user", "text": "my deposit never arrived, you clowns"},
        {"event": "bot", "text": "...", "metadata": {"utter_action": reply, "ticket": ticket}},
    ]
    return tr


def _file(desk, category: str = "missing_deposit", user: str = "acct-1001"):
    return desk.file_report(user, category, {"asset": "BTC"}, f"k-{category}").ticket


def test_a_time_said_after_the_filing_goes_to_that_ticket(actions_desk):
    ticket = _file(actions_desk)
    events, messages = run(ACTION, _after("utter_report_filed", ticket.reference,
                                          "it was yesterday around 9pm"))
    assert responses(messages) == ["utter_details_added"]
    assert messages[0]["ticket"] == ticket.reference
    added = actions_desk.get_ticket(ticket.id).reports[-1].fields
    assert (added["incident_time"], added["description"]) == (
        "yesterday around 9pm", "it was yesterday around 9pm")


def test_details_keep_going_to_it_after_an_addition_in_swedish(actions_desk):
    ticket = _file(actions_desk)
    _, messages = run(ACTION, _after("utter_details_added", ticket.reference,
                                     "det var 0,5 BTC", "sv"))
    assert responses(messages) == ["utter_details_added"]
    assert actions_desk.get_ticket(ticket.id).reports[-1].fields["amount"] == "0.5"


def test_the_same_words_again_are_not_added_twice(actions_desk):
    ticket = _file(actions_desk)
    run(ACTION, _after("utter_report_filed", ticket.reference, "sent from my Ledger"))
    _, messages = run(ACTION, _after("utter_details_added", ticket.reference,
                                     " Sent from my LEDGER "))
    assert responses(messages) == ["utter_report_already_there"]
    assert len(actions_desk.get_ticket(ticket.id).reports) == 2


def test_without_a_filing_just_before_details_get_the_menu(actions_desk):
    ticket = _file(actions_desk)
    _, messages = run(ACTION, _after("utter_greet", ticket.reference, "BTC"))
    assert responses(messages) == ["utter_default"]
    assert len(actions_desk.get_ticket(ticket.id).reports) == 1


def test_a_ticket_resolved_or_someone_elses_gets_nothing_added(actions_desk):
    other = _file(actions_desk, user="acct-2002")
    _, messages = run(ACTION, _after("utter_report_filed", other.reference, "BTC"))
    assert responses(messages) == ["utter_default"]
    assert len(actions_desk.get_ticket(other.id).reports) == 1

    ticket = _file(actions_desk, "account_hacked")
    actions_desk.resolve(ticket.id, outcome="resolved", note="secured", agent="lena")
    _, messages = run(ACTION, _after("utter_report_filed", ticket.reference, "BTC"))
    assert responses(messages) == ["utter_default"]


def test_without_the_desk_details_get_the_menu(actions_desk, monkeypatch: pytest.MonkeyPatch):
    ticket = _file(actions_desk)

    def down():
        raise OperationalError("select", {}, Exception("database is locked"))

    monkeypatch.setattr(filing, "get_desk", down)
    _, messages = run(ACTION, _after("utter_report_filed", ticket.reference, "BTC"))
    assert responses(messages) == ["utter_default"]


def test_only_the_reply_to_the_previous_message_counts() -> None:
    filed = {"event": "bot", "metadata": {"utter_action": "utter_report_filed",
                                          "ticket": "SB-00007"}}
    user = {"event": "user", "text": "x"}
    assert ticket_just_told([user, filed, user]) == "SB-00007"
    assert ticket_just_told([user, filed, user, {"event": "bot", "metadata": {}}, user]) is None
    assert ticket_just_told([user]) is None
