"""An agent's question to the user: asked, shown once, answered into the ticket."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.desk import AlreadyClaimed, Desk, TicketResolved

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def kinds(desk: Desk, ticket_id: int) -> list[str]:
    return [e.kind for e in desk.get_ticket(ticket_id).events]


@pytest.mark.both_backends
def test_question_round_trip(desk: Desk) -> None:
    ticket = desk.file_report("u1", "missing_deposit", {"asset": "BTC"}, "k1",
                              now=minutes(0)).ticket
    desk.claim(ticket.id, "alice", now=minutes(1))
    asked = desk.ask_user(ticket.id, "alice", macro="ask_which_wallet", now=minutes(2))
    assert asked.status == "pending_user"
    [question] = desk.pending_questions("U1")
    assert (question.macro, question.values, question.told) == (
        "ask_which_wallet", {"asset": "BTC"}, False)
    assert desk.mark_question_told(ticket.id, question.asked_event_id, now=minutes(3))
    assert not desk.mark_question_told(ticket.id, question.asked_event_id, now=minutes(3))
    assert desk.pending_questions("u1")[0].told
    back = desk.attach_answer(ticket.id, "my Ledger", message_id="m1", now=minutes(4))
    assert back is not None and back.status == "claimed" and back.assignee == "alice"
    assert desk.pending_questions("u1") == []
    assert desk.attach_answer(ticket.id, "again", now=minutes(5)) is None
    events = desk.get_ticket(ticket.id).events
    answered = [e for e in events if e.kind == "answered"]
    assert answered[0].detail["text"] == "my Ledger"
    assert kinds(desk, ticket.id)[-4:] == [
        "question_asked", "question_told", "answered", "status_changed"]


def test_unclaimed_ticket_is_taken_by_the_asker_and_free_text_kept(desk: Desk) -> None:
    ticket = desk.file_report("u1", "impersonation", {}, "k1", now=minutes(0)).ticket
    asked = desk.ask_user(ticket.id, "bob", text="Which e-mail did they write from?",
                          now=minutes(1))
    assert (asked.status, asked.assignee) == ("pending_user", "bob")
    assert desk.pending_questions("u1")[0].text == "Which e-mail did they write from?"


def test_several_questions_oldest_first_and_a_new_question_replaces_the_old(
        desk: Desk) -> None:
    first = desk.file_report("u1", "missing_deposit", {}, "k1", now=minutes(0)).ticket
    second = desk.file_report("u1", "impersonation", {}, "k2", now=minutes(1)).ticket
    desk.ask_user(second.id, "alice", macro="ask_when", now=minutes(2))
    desk.ask_user(first.id, "bob", macro="ask_tx_id", now=minutes(3))
    assert [q.ticket_id for q in desk.pending_questions("u1")] == [second.id, first.id]
    old = desk.pending_questions("u1")[0]
    desk.ask_user(second.id, "alice", text="Roughly which day?", now=minutes(4))
    newest = {q.ticket_id: q for q in desk.pending_questions("u1")}[second.id]
    assert newest.text == "Roughly which day?"
    assert not desk.mark_question_told(second.id, old.asked_event_id)  # replaced


def test_asking_is_refused_on_someone_elses_or_a_resolved_ticket(desk: Desk) -> None:
    ticket = desk.file_report("u1", "missing_deposit", {}, "k1", now=minutes(0)).ticket
    desk.claim(ticket.id, "alice", now=minutes(1))
    with pytest.raises(AlreadyClaimed):
        desk.ask_user(ticket.id, "bob", macro="ask_when")
    with pytest.raises(ValueError):
        desk.ask_user(ticket.id, "alice", macro="reason_no_abuse")  # a reason, not a question
    with pytest.raises(ValueError):
        desk.ask_user(ticket.id, "alice", text="both", macro="ask_when")
    desk.resolve(ticket.id, "resolved", "", "alice", reason="reason_no_answer")
    with pytest.raises(TicketResolved):
        desk.ask_user(ticket.id, "alice", macro="ask_when")
    assert desk.decision_reason(ticket.id) == "reason_no_answer"


def test_an_unknown_reason_is_refused(desk: Desk) -> None:
    ticket = desk.file_report("u1", "missing_deposit", {}, "k1", now=minutes(0)).ticket
    with pytest.raises(ValueError):
        desk.resolve(ticket.id, "resolved", "", "alice", reason="reason_made_up")
