"""Rasa's SQL tracker store, same tables and rows, with less work per message.

- SQLite: Rasa 3.6 builds a plain engine: a new connection per session, a rollback
  journal and an fsync on every commit. Here the store runs on the bot's pooled engine
  with WAL and `synchronous = NORMAL` (bot.desk.db.make_engine). Server databases
  (PostgreSQL) keep Rasa's own engine and pool settings.
- Reads and writes are SQLAlchemy Core statements instead of ORM objects (one
  `executemany` for a turn's ~12 new events, rows read as plain tuples), and run in a
  worker thread: while one conversation's tracker is read or saved, the event loop
  goes on with other users' messages. Rasa's lock store keeps one conversation's
  turns in order, so nothing else touches the tracker meanwhile.
- With an event broker (the scale-out profile's RabbitMQ), Rasa reads the whole
  tracker back a second time on every save only to find which events are new; those
  are the events the save appends, so they are published from there, after they are
  stored (Rasa publishes just before).

What is stored, and what is read back, is exactly what Rasa's `SQLTrackerStore` does
(tests/test_tracker_store.py reads each store's rows with the other).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot.desk.db import make_engine


class TunedSQLTrackerStore(SQLTrackerStore):
    """`tracker_store: type: bot.tracker_store.TunedSQLTrackerStore` in endpoints.yml,
    with the same keys as Rasa's `type: SQL`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database:
            self.engine.dispose()
            self.engine = make_engine(str(self.engine.url))
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._events = self.SQLEvent.__table__

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        rows = await asyncio.to_thread(
            self._read_events, sender_id, fetch_events_from_all_sessions)
        if not self.domain or not rows:
            return None
        events = [json.loads(data) for data in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        new_events = await asyncio.to_thread(self._append_new_events, tracker)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _current_session(self, sender_id: str) -> sa.sql.ColumnElement:
        """Rasa's rule: the sender's events since their latest SessionStarted, or all
        of them if there is none."""
        events = self._events
        start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id,
                   events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(events.c.sender_id == sender_id,
                       sa.or_(events.c.timestamp >= start, start.is_(None)))

    def _read_events(self, sender_id: str, all_sessions: bool) -> list[str]:
        events = self._events
        where = (events.c.sender_id == sender_id if all_sessions
                 else self._current_session(sender_id))
        query = sa.select(events.c.data).where(where).order_by(events.c.id)
        with self.engine.connect() as db:
            return list(db.execute(query).scalars())

    def _append_new_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """Stores the tracker's events that are not stored yet, and returns them."""
        events = self._events
        with self.engine.begin() as db:
            stored = db.execute(
                sa.select(sa.func.count()).select_from(events)
                .where(self._current_session(tracker.sender_id))
            ).scalar_one()
            new_events = list(itertools.islice(tracker.events, stored, None))
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                db.execute(events.insert(), rows)
        return new_events
