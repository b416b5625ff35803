from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.desk import Desk

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_every_change_is_recorded_with_actor_kind_and_time(desk: Desk) -> None:
    suspension = desk.suspend("u1", 24, "insults", "bob", now=at(0))
    ticket = desk.file_report("u1", "wrongful_suspension", {}, "k1", now=at(1)).ticket
    desk.file_report("u1", "wrongful_suspension", {}, "k2", actor="console", now=at(2))
    desk.file_report("u1", "wrongful_suspension", {}, "k2", now=at(3))  # duplicate: no event
    desk.claim(ticket.id, "alice", now=at(4))
    desk.resolve(ticket.id, "lifted", "impersonator", "alice", now=at(5))

    ticket_events = [(e.kind, e.actor, e.at) for e in desk.history("ticket", ticket.id)]
    assert ticket_events == [
        ("created", "bot", at(1)),
        ("report_attached", "console", at(2)),
        ("claimed", "alice", at(4)),
        ("resolved", "alice", at(5)),
    ]
    suspension_events = [(e.kind, e.actor, e.at) for e in desk.history("suspension", suspension.id)]
    assert suspension_events == [("suspended", "bob", at(0)), ("lifted", "alice", at(5))]
    for event in desk.history("ticket", ticket.id) + desk.history("suspension", suspension.id):
        assert event.user_id == "u1"
    assert desk.get_ticket(ticket.id).events == tuple(desk.history("ticket", ticket.id))
    with pytest.raises(ValueError, match="subject type"):
        desk.history("user", 1)


@pytest.mark.both_backends
@pytest.mark.parametrize("statement", ["UPDATE events SET kind = 'tampered'", "DELETE FROM events"])
def test_events_table_is_append_only(desk: Desk, statement: str) -> None:
    desk.suspend("u1", 1, "insults", "bob")
    with pytest.raises(DBAPIError, match="append-only"):
        with desk.engine.begin() as connection:
            connection.execute(text(statement))
    assert [e.kind for e in desk.history("suspension", 1)] == ["suspended"]


@pytest.mark.both_backends
def test_timestamps_read_back_as_aware_utc(desk: Desk) -> None:
    stockholm = timezone(timedelta(hours=2))
    local = datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=stockholm)
    suspension = desk.suspend("u1", 1, "insults", "bob", now=local)
    ticket = desk.file_report("u1", "impersonation", {}, "k1", now=local).ticket
    read = desk.get_ticket(ticket.id)
    stamps = [
        desk.active_suspension("u1", now=local).starts_at,
        read.ticket.created_at,
        read.ticket.response_due_at,
        read.reports[0].created_at,
        read.events[0].at,
        desk.history("suspension", suspension.id)[0].at,
    ]
    for stamp in stamps:
        assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    assert read.ticket.created_at == datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)
