"""Rasa's SQL tracker store on our tuned SQLite engine: same data, pooled, WAL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import QueuePool

from bot.tracker_store import TunedSQLTrackerStore
from tests.dialogue.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain"))


def test_a_tracker_saved_by_the_tuned_store_reads_back_the_same(tmp_path: Path):
    store = TunedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert isinstance(store.engine.pool, QueuePool)  # no connect + PRAGMAs per session
    with store.engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL

    tracker = DialogueStateTracker.from_events(
        "acct-1", [UserUttered("hej", {"name": "greet"}), SlotSet("language", "sv")],
        slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("tack", {"name": "thank"}))
    asyncio.run(store.save(tracker))  # only the new event is appended

    # Rasa's own store reads what ours wrote: the schema is Rasa's.
    plain = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    for reader in (store, plain):
        back = asyncio.run(reader.retrieve("acct-1"))
        assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["hej", "tack"]
        assert back.get_slot("language") == "sv"
