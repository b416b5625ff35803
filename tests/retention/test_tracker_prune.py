"""`supportbot tracker prune`: conversations silent for N days go, unless their user has
an open ticket or a suspension not over; real tracker store and desk (SQLite here, and
PostgreSQL in tests/scaleout/test_tracker_prune_pg.py)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main
from tests.support.trackers import senders, store_conversations


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
