"""The desk's PostgreSQL goes away for real (the fault stack's proxy, tests/faults/
conftest.py, cut between the action server and the database) at the moment a report is
filed: the user is told the report is kept, no half-written ticket exists meanwhile, and
once the database is back the report is filed exactly once, with all its fields."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.support.faults import FAULTS, LOST
from tests.support.live import say

KEPT = "Your details are kept"  # utter_report_failed (en)


def rows(direct, user: str) -> dict[str, int]:
    """What the queue holds for `user`, read straight from PostgreSQL."""
    with direct.connect() as db:
        return {
            "tickets": db.execute(text("SELECT count(*) FROM tickets WHERE user_id = :u"),
                                  {"u": user}).scalar_one(),
            "reports": db.execute(text(
                "SELECT count(*) FROM reports r JOIN tickets t ON t.id = r.ticket_id "
                "WHERE t.user_id = :u"), {"u": user}).scalar_one(),
            "events": db.execute(text("SELECT count(*) FROM events WHERE user_id = :u"),
                                 {"u": user}).scalar_one(),
        }


def ticket_fields(direct, user: str) -> dict:
    with direct.connect() as db:
        [fields] = db.execute(text(
            "SELECT r.fields FROM reports r JOIN tickets t ON t.id = r.ticket_id "
            "WHERE t.user_id = :u"), {"u": user}).scalars().all()
    return fields if isinstance(fields, dict) else __import__("json").loads(fields)


def start_hacked_report(stack, user: str) -> None:
    say(stack, user, "my account was hacked, someone logged in")
    asked = say(stack, user, "today around nine")
    assert any("what happened" in r.lower() or "tell me" in r.lower() for r in asked), asked


def assert_filed_once(direct, user: str) -> None:
    counts = rows(direct, user)
    if counts["tickets"] != 1:
        LOST.append(user)
    assert counts["tickets"] == 1 and counts["reports"] == 1, counts
    fields = ticket_fields(direct, user)
    assert fields["incident_time"] == "today around nine"
    assert "new phone number" in fields["description"]
    assert fields["language"] == "en"


DESCRIPTION = "they changed my email and added a new phone number"


def test_database_down_while_filing(fault_stack):
    stack, proxy, direct = fault_stack, fault_stack.proxy, fault_stack.direct
    user = "acct-db-down"
    start_hacked_report(stack, user)
    proxy.cut()
    FAULTS["database:cut"] += 1
    try:
        replies = say(stack, user, DESCRIPTION)
        assert any(KEPT in r for r in replies), replies
        assert rows(direct, user) == {"tickets": 0, "reports": 0, "events": 0}
    finally:
        proxy.restore()
    filed = say(stack, user, "hello, is it filed now?")
    assert any("SB-" in r for r in filed), filed
    assert_filed_once(direct, user)


@pytest.mark.parametrize("trap", ["before_commit", "after_commit"])
def test_database_lost_mid_commit(fault_stack, trap):
    """Before: the transaction never commits (no partial rows). After: it committed but
    the action never heard; the retry finds the idempotency key and writes nothing."""
    stack, proxy, direct = fault_stack, fault_stack.proxy, fault_stack.direct
    user = f"acct-db-{trap}"
    start_hacked_report(stack, user)
    proxy.arm(trap)
    try:
        replies = say(stack, user, DESCRIPTION)
        assert proxy.sprung.is_set(), "the trap never fired"
        FAULTS[f"database:{trap}"] += 1
        assert any(KEPT in r for r in replies), replies
        expected = 0 if trap == "before_commit" else 1
        assert rows(direct, user)["tickets"] == expected
    finally:
        proxy.restore()
    filed = say(stack, user, "hello?")
    assert any("SB-" in r for r in filed), filed
    assert_filed_once(direct, user)
