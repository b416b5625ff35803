"""Rasa's SQL tracker store on our tuned SQLite engine: same data, pooled, WAL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.pool import QueuePool

from bot.project_domain import project_domain
from bot.tracker_store import TunedSQLTrackerStore


def test_a_tracker_saved_by_the_tuned_store_reads_back_the_same(tmp_path: Path):
    store = TunedSQLTrackerStore(domain=project_domain(), dialect="sqlite",
                                 db=str(tmp_path / "t.db"))
    assert isinstance(store.engine.pool, QueuePool)  # no connect + PRAGMAs per session
    with store.engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL

    tracker = DialogueStateTracker.from_events(
        "acct-1", [UserUttered("hej", {"name": "greet"}), SlotSet("language", "sv")],
        slots=project_domain().slots)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("tack", {"name": "thank"}))
    asyncio.run(store.save(tracker))  # only the new event is appended

    # Rasa's own store reads what ours wrote: the schema is Rasa's.
    plain = SQLTrackerStore(domain=project_domain(), dialect="sqlite", db=str(tmp_path / "t.db"))
    for reader in (store, plain):
        back = asyncio.run(reader.retrieve("acct-1"))
        assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["hej", "tack"]
        assert back.get_slot("language") == "sv"


def test_sessions_and_rows_as_rasas_store_has_them(tmp_path: Path):
    """Rasa's store writes, ours reads, and back: the latest session for a turn, every
    session for the full tracker, one row per event with Rasa's columns."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    db = str(tmp_path / "t.db")
    ours = TunedSQLTrackerStore(domain=project_domain(), dialect="sqlite", db=db)
    plain = SQLTrackerStore(domain=project_domain(), dialect="sqlite", db=db)
    first = [ActionExecuted("action_session_start", timestamp=0.5), SessionStarted(timestamp=1.0),
             UserUttered("hi", {"name": "greet"}, timestamp=2.0)]
    second = [ActionExecuted("action_session_start", timestamp=3.0),
              SessionStarted(timestamp=4.0), UserUttered("hej", {"name": "greet"}, timestamp=5.0)]
    for writer, reader in ((plain, ours), (ours, plain)):
        sender = f"acct-{type(writer).__name__}"
        tracker = DialogueStateTracker.from_events(sender, first, slots=project_domain().slots)
        asyncio.run(writer.save(tracker))
        # each turn works on the tracker just read back, as Rasa's processor does
        tracker = asyncio.run(writer.retrieve(sender))
        for event in second:
            tracker.update(event)
        asyncio.run(writer.save(tracker))
        # saved with nothing new, nothing is written twice
        asyncio.run(writer.save(asyncio.run(writer.retrieve(sender))))

        latest = asyncio.run(reader.retrieve(sender))
        full = asyncio.run(reader.retrieve_full_tracker(sender))
        assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["hej"]
        assert [e.text for e in full.events if isinstance(e, UserUttered)] == ["hi", "hej"]
        assert len(full.events) == 6
    with ours.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT sender_id, type_name, intent_name, action_name FROM events "
            "ORDER BY id").all()
    by_writer = {s: [r[1:] for r in rows if r[0] == s] for s in {r[0] for r in rows}}
    assert by_writer["acct-SQLTrackerStore"] == by_writer["acct-TunedSQLTrackerStore"]
    assert by_writer["acct-TunedSQLTrackerStore"][2] == ("user", "greet", None)
    assert asyncio.run(ours.retrieve("nobody")) is None


def test_the_event_broker_gets_the_events_rasas_store_would_publish(tmp_path: Path):
    """The new events of each save are published once, as by Rasa's store, without its
    second read of the tracker (Rasa's SQL event broker records what it is given)."""
    import json

    from rasa.core.brokers.sql import SQLEventBroker
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    published = {}
    for store_class in (SQLTrackerStore, TunedSQLTrackerStore):
        name = store_class.__name__
        broker = SQLEventBroker(db=str(tmp_path / f"broker-{name}.db"))
        store = store_class(domain=project_domain(), dialect="sqlite",
                            db=str(tmp_path / f"{name}.db"), event_broker=broker)
        start = [ActionExecuted("action_session_start", timestamp=1.0),
                 SessionStarted(timestamp=2.0), ActionExecuted("action_listen", timestamp=3.0)]
        tracker = DialogueStateTracker.from_events("acct-1", start, slots=project_domain().slots)
        asyncio.run(store.save(tracker))
        for turn in range(2):
            tracker = asyncio.run(store.retrieve("acct-1"))
            tracker.update(UserUttered(f"hej {turn}", {"name": "greet"}, timestamp=4.0 + turn))
            tracker.update(SlotSet("language", "sv", timestamp=4.5 + turn))
            asyncio.run(store.save(tracker))
        with broker.session_scope() as session:
            rows = session.query(broker.SQLBrokerEvent).order_by(broker.SQLBrokerEvent.id)
            published[name] = [(r.sender_id, json.loads(r.data)["event"]) for r in rows]

    assert published["TunedSQLTrackerStore"] == published["SQLTrackerStore"]
    assert [event for _, event in published["SQLTrackerStore"]] == [
        "action", "session_started", "action", "user", "slot", "user", "slot"]
