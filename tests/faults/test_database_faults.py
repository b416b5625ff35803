"""The desk's PostgreSQL goes away for real (a TCP proxy cut between the action server and
the database) at the moment a report is filed: the user is told the report is kept, no
half-written ticket exists meanwhile, and once the database is back the report is filed
exactly once, with all its fields."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.faults import FAULTS, LOST, make_stack
from tests.support.live import say
from tests.support.proxy import Proxy

KEPT = "Your details are kept"  # utter_report_failed (en)


@pytest.fixture(scope="module")
def pg(trained_model, postgres_server: str, tmp_path_factory):
    """A Stack whose desk is a fresh PostgreSQL schema reached through the proxy."""
    server = make_url(postgres_server)
    schema = f"sb_faults_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    proxy = Proxy(server.host or "localhost", server.port or 5432)
    options = {"options": f"-csearch_path={schema}"}
    via_proxy = server.set(host="127.0.0.1", port=proxy.port).update_query_dict(options)
    stack = make_stack(tmp_path_factory.mktemp("pgfaults"), trained_model,
                       db_url=via_proxy.render_as_string(hide_password=False))
    stack.start()
    direct = create_engine(server.update_query_dict(options), future=True)
    try:
        yield stack, proxy, direct
    finally:
        stack.stop()
        proxy.close()
        direct.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


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


def test_database_down_while_filing(pg):
    stack, proxy, direct = pg
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
def test_database_lost_mid_commit(pg, trap):
    """Before: the transaction never commits (no partial rows). After: it committed but
    the action never heard; the retry finds the idempotency key and writes nothing."""
    stack, proxy, direct = pg
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
