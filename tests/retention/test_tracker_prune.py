"""`supportbot tracker prune`: conversations silent for N days go, unless their user has
an open ticket or a suspension not over; real tracker store and desk (SQLite here, and
PostgreSQL in tests/scaleout/test_tracker_prune_pg.py)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.cli import main
from bot.desk import open_desk
from bot.tracker_store import TunedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain"))
DAY = 86400.0


def store_conversations(tracker_url: str, desk_url: str) -> None:
    """Five users: silent 100 days; silent 100 days with an open ticket; silent 100 days
    and still suspended; talking now; silent 100 days but back today."""
    now = time.time()
    store = TunedSQLTrackerStore(domain=DOMAIN, host=tracker_url)
    talks = {"acct-quiet": [now - 100 * DAY], "acct-ticket": [now - 100 * DAY],
             "acct-suspended": [now - 100 * DAY], "acct-recent": [now - 60],
             "acct-back": [now - 100 * DAY, now - 60]}
    for sender, times in talks.items():
        events = []
        for at in times:
            events += [UserUttered("hej", {"name": "greet"}, timestamp=at),
                       ActionExecuted("utter_greet", timestamp=at + 1)]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events,
                                                                slots=DOMAIN.slots)))
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


def test_prune_deletes_only_the_silent_without_open_matters(tmp_path: Path, capsys):
    tracker, desk = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'desk.db'}"
    store_conversations(tracker, desk)
    everyone = senders(tracker)

    args = ["tracker", "prune", "--days", "90", "--tracker-db", tracker, "--db", desk, "--json"]
    assert main([*args, "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "conversations": 1, "events": 2, "kept_for_open_matters": 2}
    assert senders(tracker) == everyone  # a dry run deletes nothing

    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["events"] == 2
    assert senders(tracker) == everyone - {"acct-quiet"}
    assert main(args) == 0  # again: nothing more to do
    assert json.loads(capsys.readouterr().out)["conversations"] == 0


def test_prune_on_a_fresh_machine_and_bad_input(tmp_path: Path, capsys):
    tracker, desk = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'desk.db'}"
    assert main(["tracker", "prune", "--days", "30", "--tracker-db", tracker, "--db", desk]) == 0
    assert "deleted 0 events of 0 conversations" in capsys.readouterr().out
    assert main(["tracker", "prune", "--days", "0"]) == 2  # usage error
    assert main(["tracker", "prune", "--days", "30", "--tracker-db", "nosuch://x",
                 "--db", desk]) == 1
    assert "error" in capsys.readouterr().err
