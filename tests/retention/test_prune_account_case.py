"""A conversation stored under another letter case of an account id (before the channels
named conversations by the canonical id) is kept while that account has open matters."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.desk import open_desk
from bot.project_domain import project_domain
from bot.retention.tracker import prune
from bot.tracker_store import TunedSQLTrackerStore
from tests.support.trackers import DAY, senders


def store_conversation(tracker_url: str, sender: str, at: float) -> None:
    store = TunedSQLTrackerStore(domain=project_domain(), host=tracker_url)
    events = [UserUttered("hej", {"name": "greet"}, timestamp=at),
              ActionExecuted("utter_greet", timestamp=at + 1)]
    try:
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events,
                                                                slots=project_domain().slots)))
    finally:
        store.engine.dispose()


def test_a_mixed_case_conversation_of_a_ticketed_account_is_kept(tmp_path: Path) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    old = time.time() - 100 * DAY
    store_conversation(tracker_url, "Alice01", old)
    store_conversation(tracker_url, "Bob02", old)
    desk = open_desk(f"sqlite:///{tmp_path / 'desk.db'}")
    desk.file_report("alice01", "account_hacked", {"description": "drained"}, "k1")

    store = TunedSQLTrackerStore(domain=project_domain(), host=tracker_url)
    try:
        result = prune(store.engine, desk, days=90)
    finally:
        store.engine.dispose()
    assert (result.conversations, result.kept_for_open_matters) == (1, 1)
    assert senders(tracker_url) == {"Alice01"}
