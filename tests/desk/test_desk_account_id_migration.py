"""The migration that makes stored account ids canonical and allows `chat_suspended`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.desk import Desk, make_engine
from bot.desk.db import alembic_config, is_sqlite

BEFORE = "0004"
THIS = "0005"
T = "2024-05-01 12:00:00"


def _to(engine: Engine, revision: str, downgrade: bool = False) -> None:
    with engine.begin() as connection:
        if is_sqlite(engine):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # as migrate() does
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


@pytest.fixture
def old_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    _to(engine, BEFORE)
    try:
        yield engine
    finally:
        engine.dispose()


def _ticket(connection, user: str, category: str, status: str = "open") -> int:
    return connection.execute(
        text("INSERT INTO tickets (user_id, category, priority, status, created_at, "
             "updated_at, response_due_at) VALUES (:u, :c, 'urgent', :s, :t, :t, :t) "
             "RETURNING id"),
        {"u": user, "c": category, "s": status, "t": T},
    ).scalar_one()


@pytest.mark.both_backends
def test_ids_become_canonical_and_duplicate_open_tickets_merge(old_engine: Engine) -> None:
    with old_engine.begin() as connection:
        first = _ticket(connection, "Alice01", "account_hacked")
        second = _ticket(connection, "alice01", "account_hacked")
        third = _ticket(connection, "ALICE01", "account_hacked")
        other = _ticket(connection, "ALICE01", "missing_deposit")
        old = _ticket(connection, "ALICE01", "missing_deposit", status="resolved")
        for ticket, key in ((first, "k1"), (second, "k2"), (third, "k3")):
            connection.execute(
                text("INSERT INTO reports (ticket_id, fields, idempotency_key, created_at) "
                     "VALUES (:t, '{}', :k, :at)"), {"t": ticket, "k": key, "at": T})
        connection.execute(
            text("INSERT INTO suspensions (user_id, reason, agent, starts_at, ends_at) "
                 "VALUES ('Bob', 'threats', 'lena', :t, '2099-01-01 00:00:00')"), {"t": T})
        connection.execute(
            text("INSERT INTO abuse_evidence (user_id, category, score, text, signals, "
                 "created_at) VALUES ('BOB', 'threats', 0.9, 'x', '', :t)"), {"t": T})
        connection.execute(
            text("INSERT INTO review_items (text, reason, language, sender_id, status, "
                 "created_at) VALUES ('x', 'fallback', 'en', 'Bob', 'open', :t)"), {"t": T})

    _to(old_engine, THIS)

    desk = Desk(old_engine)
    with old_engine.connect() as connection:
        for table, column in (("tickets", "user_id"), ("suspensions", "user_id"),
                              ("abuse_evidence", "user_id"), ("review_items", "sender_id")):
            stored = connection.exec_driver_sql(f"SELECT DISTINCT {column} FROM {table}")
            assert set(stored.scalars()) <= {"alice01", "bob"}, table
    survivor = desk.get_ticket(first)
    assert survivor.ticket.status == "open"
    assert [r.idempotency_key for r in survivor.reports] == ["k1", "k2", "k3"]
    assert [(e.kind, e.detail) for e in survivor.events] == [
        ("merged", {"from": second}), ("merged", {"from": third})]
    for merged in (second, third):
        detail = desk.get_ticket(merged)
        assert (detail.ticket.status, detail.ticket.outcome) == ("resolved", "resolved")
        assert detail.ticket.resolution_note.startswith(f"Merged into SB-{first:05d}")
        assert [(e.kind, e.detail) for e in detail.events] == [("merged", {"into": first})]
    assert desk.untold_decisions("alice01") == []  # a merge is no decision to tell
    assert {t.id for t in desk.tickets_for_user("ALICE01")} == {
        first, second, third, other, old}
    assert desk.active_suspension("bob") is not None
    assert desk.abuse_count("Bob") == 1


@pytest.mark.both_backends
def test_chat_suspended_is_allowed_after_and_refused_before(old_engine: Engine) -> None:
    with pytest.raises(IntegrityError), old_engine.begin() as connection:
        _ticket(connection, "u1", "human_handoff", status="resolved")
        connection.exec_driver_sql("UPDATE tickets SET outcome = 'chat_suspended'")
    _to(old_engine, THIS)
    with old_engine.begin() as connection:
        ticket = _ticket(connection, "u1", "human_handoff", status="resolved")
        connection.exec_driver_sql("UPDATE tickets SET outcome = 'chat_suspended'")
        connection.exec_driver_sql("INSERT INTO reports (ticket_id, fields, idempotency_key, "
                                   f"created_at) VALUES ({ticket}, '{{}}', 'k', '{T}')")
    # Downgrading keeps the ticket (as an ordinary resolution) and its reports.
    _to(old_engine, BEFORE, downgrade=True)
    with old_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT outcome FROM tickets").scalar_one() == (
            "resolved")
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM reports").scalar_one() == 1
