"""Rasa's SQL tracker store on the engine the rest of the bot uses (bot.desk.db).

Rasa 3.6 builds a plain engine: for a SQLite file that is a new connection per
session, a rollback journal and an fsync on every commit, all on the event loop's
thread, so while one user's tracker is saved no other message moves. Here the same
store runs on a pooled engine with WAL and `synchronous = NORMAL` (see make_engine).
Server databases (PostgreSQL) keep Rasa's own engine and pool settings.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
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
