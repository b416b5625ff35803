"""Pooled PostgreSQL connections are checked only after a rest (bot/desk/db.py): a dead
rested one is replaced unseen; a dead busy one fails one statement, then the pool is
renewed. On the real PostgreSQL of the scale-out tests."""

from __future__ import annotations

import pytest
from sqlalchemy import exc

from bot.desk import db


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _kill(engine, pid: int) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        conn.commit()


def test_a_rested_connection_that_died_is_replaced_unseen(pg_database, monkeypatch):
    engine, killer = db.make_engine(pg_database), db.make_engine(pg_database)
    try:
        first = _backend(engine)
        _kill(killer, first)
        monkeypatch.setattr(db, "IDLE_PING_S", 0.0)  # every connection counts as rested
        assert _backend(engine) != first  # no error: the ping found it dead
    finally:
        engine.dispose()
        killer.dispose()


def test_a_busy_connection_is_not_pinged_and_fails_once(pg_database):
    engine, killer = db.make_engine(pg_database), db.make_engine(pg_database)
    try:
        first = _backend(engine)
        _kill(killer, first)
        with pytest.raises(exc.DBAPIError):
            _backend(engine)  # used a moment ago: no ping, so the dead one is used
        assert _backend(engine) != first  # the pool was renewed
    finally:
        engine.dispose()
        killer.dispose()
