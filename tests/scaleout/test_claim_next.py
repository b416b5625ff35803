"""`claim_next`: the head of the queue, claimed once, on SQLite and on a real PostgreSQL
with many agents at once (separate connections, FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import main
from bot.desk import Desk, make_engine, migrate
from tests.support.pg_schema import throwaway_schema

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
AGENTS = 20
TICKETS = 60


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """A fresh schema per test inside the session's throw-away database."""
    with throwaway_schema(pg_database, "claims") as url:
        yield url


def open_desk(url: str) -> Desk:
    migrate(url)
    return Desk(make_engine(url))


def file(desk: Desk, user: str, category: str, minute: int) -> int:
    return desk.file_report(user, category, {"description": "x"}, f"{user}:{category}",
                            now=at(minute)).ticket.id


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_claims_the_most_urgent_then_oldest_and_skips_taken(backend, request) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    desk = open_desk(url)
    try:
        old_normal = file(desk, "u1", "impersonation", 0)
        high = file(desk, "u2", "missing_deposit", 1)
        urgent_new = file(desk, "u3", "account_hacked", 3)
        urgent_old = file(desk, "u4", "account_hacked", 2)
        taken = file(desk, "u5", "account_hacked", 0)
        desk.claim(taken, "someone", now=at(4))

        order = [desk.claim_next("lena", now=at(5 + i)) for i in range(5)]
        assert [t.id if t else None for t in order] == [
            urgent_old, urgent_new, high, old_normal, None]
        first = order[0]
        assert (first.status, first.assignee, first.claimed_at) == ("claimed", "lena", at(5))
        kinds = [e.kind for e in desk.history("ticket", urgent_old)]
        assert kinds == ["created", "claimed"]  # claim()'s event, recorded once
    finally:
        desk.engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_many_agents_at_once_never_double_claim(backend, request) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    desk = open_desk(url)
    categories = ["account_hacked", "missing_withdrawal", "impersonation"]
    ids = {file(desk, f"user{i}", categories[i % 3], i) for i in range(TICKETS)}
    desk.engine.dispose()

    claims: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(AGENTS)

    def agent(name: str) -> None:
        own = Desk(make_engine(url))  # its own engine: its own connections
        mine = claims.setdefault(name, [])
        try:
            start.wait()
            while (ticket := own.claim_next(name)) is not None:
                assert ticket.assignee == name
                mine.append(ticket.id)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.engine.dispose()

    threads = [threading.Thread(target=agent, args=(f"agent{n}",)) for n in range(AGENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    claimed = [ticket for mine in claims.values() for ticket in mine]
    assert Counter(claimed).most_common(1)[0][1] == 1  # never twice
    assert set(claimed) == ids  # and every one
    assert sum(1 for mine in claims.values() if mine) > 1  # really concurrent

    check = Desk(make_engine(url))
    try:
        rows = check.list_queue(status="all")
        holder = {t.id: t.assignee for t in rows}
        for name, mine in claims.items():
            assert all(holder[ticket] == name for ticket in mine)
        for ticket in ids:
            assert [e.kind for e in check.history("ticket", ticket)].count("claimed") == 1
    finally:
        check.engine.dispose()


def test_cli_claim_next(capsys, sqlite_url: str) -> None:
    desk = open_desk(sqlite_url)
    try:
        file(desk, "u1", "account_hacked", 0)
    finally:
        desk.engine.dispose()
    assert main(["--db", sqlite_url, "queue", "claim-next", "--agent", "lena"]) == 0
    assert "SB-00001 (urgent, account_hacked) claimed by lena." in capsys.readouterr().out
    assert main(["--db", sqlite_url, "queue", "claim-next", "--agent", "lena", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "null"
    assert main(["--db", sqlite_url, "queue", "claim-next", "--agent", "bob"]) == 0
    assert "Nothing to claim" in capsys.readouterr().out
