"""`supportbot tracker prune` on PostgreSQL: the same cases as on SQLite
(tests/retention/test_tracker_prune.py), on the real server."""

from __future__ import annotations

import uuid

from bot.desk import open_desk
from bot.desk.db import make_engine
from bot.retention.tracker import prune
from bot.scaleout.services import create_database, drop_database, with_database
from tests.support.trackers import senders, store_conversations


def test_prune_on_postgresql(postgres_server: str, pg_database: str) -> None:
    name = f"sb_test_tracker_{uuid.uuid4().hex[:8]}"  # the desk has its own `events` table
    create_database(postgres_server, name)
    tracker_url = with_database(postgres_server, name)
    try:
        store_conversations(tracker_url, pg_database)
        everyone = senders(tracker_url)
        engine = make_engine(tracker_url)
        try:
            result = prune(engine, open_desk(pg_database), days=90)
        finally:
            engine.dispose()
        assert (result.conversations, result.events) == (1, 2)
        assert senders(tracker_url) == everyone - {"acct-quiet"}
    finally:
        drop_database(postgres_server, name)
