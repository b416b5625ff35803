"""A request to talk to staff made before a suspension never reaches staff after it.

Suspending closes the user's open `human_handoff` tickets in the suspension's transaction
(outcome `chat_suspended`, a `closed_by_suspension` history event), and the desk refuses
to claim such a ticket while its user is suspended.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from bot.desk import (
    HUMAN_HANDOFF,
    Desk,
    DeskError,
    HandoffRefused,
    SuspendedUserHandoff,
    TicketResolved,
)
from bot.desk.models import CHAT_SUSPENDED, Ticket

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def handoff(desk: Desk, user: str = "acct-7", key: str = "h1", at: datetime = T0):
    return desk.file_report(user, HUMAN_HANDOFF, {"message": "a person please"}, key,
                            now=at).ticket


@pytest.mark.both_backends
@pytest.mark.parametrize("held", ["open", "claimed", "pending_user"])
def test_suspending_closes_the_users_open_handoff_with_a_history_event(
    desk: Desk, held: str
) -> None:
    ticket = handoff(desk)
    if held == "claimed":
        desk.claim(ticket.id, "lena", now=hours(0.1))
    elif held == "pending_user":
        desk.set_status(ticket.id, "pending_user", "lena", now=hours(0.1))

    suspension = desk.suspend("acct-7", 24, "threats toward staff", "maria", now=hours(1))

    closed = desk.get_ticket(ticket.id)
    assert (closed.ticket.status, closed.ticket.outcome) == ("resolved", CHAT_SUSPENDED)
    assert (closed.ticket.resolved_at, closed.ticket.assignee) == (hours(1), "maria")
    assert len(closed.reports) == 1  # what the user asked stays for the record
    last = closed.events[-1]
    assert (last.kind, last.actor, last.at) == ("closed_by_suspension", "maria", hours(1))
    assert last.detail == {
        "suspension_id": suspension.id,
        "from": held,
        "assignee": None if held == "open" else "lena",
    }
    [suspended] = desk.history("suspension", suspension.id)
    assert suspended.detail["closed_tickets"] == [ticket.id]
    assert desk.list_queue() == []
    with pytest.raises(TicketResolved):
        desk.claim(ticket.id, "lena", now=hours(2))
    assert desk.claim_next("lena", now=hours(2)) is None


def test_suspension_and_closing_are_one_transaction(desk: Desk) -> None:
    """A suspension that cannot be stored closes nothing."""
    ticket = handoff(desk)
    with pytest.raises(ValueError):
        desk.suspend("acct-7", -1, "threats", "maria", now=hours(1))
    assert desk.get_ticket(ticket.id).ticket.status == "open"

    # The suspension's own event is written after the tickets are closed: make the
    # database refuse it, and the closing must roll back with the suspension.
    with desk.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_suspended BEFORE INSERT ON events "
            "WHEN NEW.kind = 'suspended' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(DBAPIError):
        desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    assert desk.get_ticket(ticket.id).ticket.status == "open"
    assert [e.kind for e in desk.history("ticket", ticket.id)] == ["created"]
    assert desk.active_suspension("acct-7", now=hours(1)) is None


def test_only_the_suspended_users_handoffs_are_closed(desk: Desk) -> None:
    mine = handoff(desk, "acct-7", "h1")
    theirs = handoff(desk, "acct-8", "h2")
    urgent = desk.file_report("acct-7", "account_hacked", {"description": "drained"}, "a1",
                              now=T0).ticket
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    assert desk.get_ticket(mine.id).ticket.status == "resolved"
    # Urgent cases and appeals are the suspended user's way in (policy §8): untouched.
    assert desk.get_ticket(urgent.id).ticket.status == "open"
    assert desk.get_ticket(theirs.id).ticket.status == "open"
    assert desk.claim_next("lena", now=hours(2)).id == urgent.id


def test_closing_is_not_told_to_the_user_as_a_decision(desk: Desk) -> None:
    ticket = handoff(desk)
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    assert desk.untold_decisions("acct-7") == []
    assert desk.mark_told(ticket.id) is False
    assert [e.kind for e in desk.history("ticket", ticket.id)] == [
        "created", "closed_by_suspension"]


@pytest.mark.both_backends
def test_claiming_a_handoff_of_a_suspended_user_is_refused(desk: Desk) -> None:
    """A handoff that is somehow still open (written before this rule, or by hand) is
    still never claimed while its user is suspended."""
    ticket = handoff(desk)
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    with desk.engine.begin() as connection:  # reopen it behind the desk's back
        connection.execute(
            update(Ticket).where(Ticket.id == ticket.id)
            .values(status="open", outcome=None, assignee=None, resolved_at=None)
        )

    with pytest.raises(SuspendedUserHandoff) as refused:
        desk.claim(ticket.id, "lena", now=hours(2))
    assert isinstance(refused.value, DeskError)  # the console and the CLI show these
    message = str(refused.value)
    assert ticket.reference in message and "acct-7" in message
    assert "suspended from live chat until 2024-05-02 13:00 UTC" in message
    with pytest.raises(SuspendedUserHandoff):
        desk.set_status(ticket.id, "pending_user", "lena", now=hours(2))
    assert desk.claim_next("lena", now=hours(2)) is None  # skipped, not stuck at the head

    # Once the suspension is over, it is an ordinary request again.
    assert desk.claim(ticket.id, "lena", now=hours(26)).assignee == "lena"


def test_claim_next_skips_a_suspended_users_handoff_for_the_next_ticket(desk: Desk) -> None:
    old = handoff(desk, "acct-7", "h1", at=hours(-5))
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    with desk.engine.begin() as connection:
        connection.execute(update(Ticket).where(Ticket.id == old.id)
                           .values(status="open", outcome=None, assignee=None))
    other = handoff(desk, "acct-8", "h2", at=hours(1))
    assert desk.claim_next("lena", now=hours(2)).id == other.id
    assert desk.get_ticket(old.id).ticket.status == "open"


def test_after_the_suspension_is_lifted_a_new_request_opens_a_new_ticket(desk: Desk) -> None:
    """Lifting does not reopen what the suspension closed: the request was for live chat,
    which was off; the user asks again and gets a fresh ticket and response target."""
    old = handoff(desk, at=T0)
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    with pytest.raises(HandoffRefused):
        handoff(desk, key="h2", at=hours(2))
    assert desk.lift("acct-7", "maria", now=hours(3)) is not None
    assert desk.get_ticket(old.id).ticket.status == "resolved"

    filed = desk.file_report("acct-7", HUMAN_HANDOFF, {"message": "hello again"}, "h3",
                             now=hours(4))
    assert filed.created and filed.ticket.id != old.id
    assert filed.ticket.response_due_at == hours(28)
    assert desk.claim(filed.ticket.id, "lena", now=hours(5)).status == "claimed"


def test_agents_cannot_choose_the_desks_own_outcome(desk: Desk) -> None:
    ticket = desk.file_report("acct-7", "wrongful_suspension", {}, "w1", now=T0).ticket
    with pytest.raises(ValueError):
        desk.resolve(ticket.id, outcome=CHAT_SUSPENDED, note="", agent="lena")


def test_a_suspension_committed_after_the_filings_timestamp_still_refuses(desk: Desk) -> None:
    """file_report takes its time before waiting for the write lock; a suspension that
    got the lock first starts a moment later yet is in force when the filing runs."""
    desk.suspend("acct-7", 24, "threats", "maria", now=hours(1))
    with pytest.raises(HandoffRefused):
        desk.file_report("acct-7", HUMAN_HANDOFF, {}, "h1", now=hours(0.999))
    assert desk.tickets_for_user("acct-7") == []
