"""Asking the user from the ticket page, and a reason told with a decision."""

from __future__ import annotations

import pytest

from tests.support.console import Console, RasaStub, signed_in, ticket


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("alice")


def test_an_agent_asks_with_a_macro_or_free_text(console: Console, rasa: RasaStub) -> None:
    ref = ticket(console, "acct-asked", "missing_deposit", asset="BTC")
    alice = signed_in(console)
    page = f"/tickets/{ref}"
    body = alice.get(page).body
    assert "Ask the user" in body and "Which wallet is this about" in body
    refused = alice.submit(f"{page}/ask", {"question": "", "macro": ""}, page)
    assert refused.location == f"{page}?error=question_needed"
    reply = alice.submit(f"{page}/ask", {"macro": "ask_which_wallet"}, page)
    assert reply.location == f"{page}?ok=asked"
    detail = console.desk.get_ticket(ref)
    assert (detail.ticket.status, detail.ticket.assignee) == ("pending_user", "alice")
    assert ("/webhooks/socketio/push", {"sender": "acct-asked"}) in rasa.requests
    alice.submit(f"{page}/ask", {"question": "Which Ledger model?"}, page)
    assert "Which Ledger model?" in alice.get(page).body  # in the history
    [question] = console.desk.pending_questions("acct-asked")
    assert question.text == "Which Ledger model?"


def test_a_decision_keeps_the_reason_the_user_will_hear(console: Console) -> None:
    console.desk.suspend("acct-reason", 24, "rudeness", "lena")
    ref = ticket(console, "acct-reason", "wrongful_suspension")
    alice = signed_in(console)
    page = f"/tickets/{ref}"
    alice.submit(f"{page}/decide", {"decision": "lift", "note": "other person",
                                    "reason": "reason_not_you"}, page)
    detail = console.desk.get_ticket(ref)
    assert detail.ticket.outcome == "lifted"
    assert console.desk.decision_reason(detail.ticket.id) == "reason_not_you"
