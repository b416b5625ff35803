"""Conversations in a real tracker store (and a desk) for the retention tests."""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.desk import open_desk
from bot.project_domain import project_domain
from bot.tracker_store import TunedSQLTrackerStore

DAY = 86400.0


def store_conversations(tracker_url: str, desk_url: str) -> None:
    """Five users: silent 100 days; silent 100 days with an open ticket; silent 100 days
    and still suspended; talking now; silent 100 days but back today."""
    now = time.time()
    store = TunedSQLTrackerStore(domain=project_domain(), host=tracker_url)
    talks = {"acct-quiet": [now - 100 * DAY], "acct-ticket": [now - 100 * DAY],
             "acct-suspended": [now - 100 * DAY], "acct-recent": [now - 60],
             "acct-back": [now - 100 * DAY, now - 60]}
    for sender, times in talks.items():
        events = []
        for at in times:
            events += [UserUttered("hej", {"name": "greet"}, timestamp=at),
                       ActionExecuted("utter_greet", timestamp=at + 1)]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events,
                                                                slots=project_domain().slots)))
    store.engine.dispose()
    desk = open_desk(desk_url)
    desk.file_report("acct-ticket", "account_hacked", {"note": "x"}, "k1")
    desk.suspend("acct-suspended", 48, "threats toward staff", "agent-1")


def senders(tracker_url: str) -> set[str]:
    engine = sa.create_engine(tracker_url)
    try:
        with engine.connect() as db:
            return set(db.exec_driver_sql("SELECT DISTINCT sender_id FROM events").scalars())
    finally:
        engine.dispose()
