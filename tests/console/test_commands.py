"""`supportbot agent list|disable|reset|role|language` and `supportbot queue reassign`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.auth import hash_password, verify_password
from bot.desk import Desk, make_engine, migrate
from tests.support.cli import run_cli, run_cli_json


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    migrate(url)
    desk = Desk(make_engine(url))
    desk.add_agent("ann", "agent", hash_password("ann's password"))
    desk.add_agent("bo", "agent", hash_password("bo's password"))
    desk.engine.dispose()
    return url


def test_agent_management_commands(capsys: pytest.CaptureFixture, db: str) -> None:
    code, out, _ = run_cli(capsys, db, "agent", "disable", "ann")
    assert code == 0 and "disabled" in out
    listed = run_cli_json(capsys, db, "agent", "list")
    assert [(a["name"], a["disabled"]) for a in listed] == [("ann", True), ("bo", False)]
    run_cli(capsys, db, "agent", "disable", "ann", "--enable")
    reset = run_cli_json(capsys, db, "agent", "reset", "bo")
    desk = Desk(make_engine(db))
    try:
        info, stored = desk.agent_credentials("bo")
        assert info.must_change_password
        assert verify_password(stored, reset["one_time_password"])
        assert not desk.get_agent("ann").disabled
        run_cli(capsys, db, "agent", "role", "ann", "lead")
        run_cli(capsys, db, "agent", "language", "ann", "sv")
        assert (desk.get_agent("ann").role, desk.get_agent("ann").language) == ("lead", "sv")
        ticket = desk.file_report("acct-1", "missing_deposit", {}, "k1").ticket
        desk.claim(ticket.id, "ann")
        code, out, _ = run_cli(capsys, db, "queue", "reassign", ticket.reference, "--to", "bo",
                               "--agent", "ann")
        assert code == 0 and "held by bo" in out
        assert desk.get_ticket(ticket.id).events[-1].kind == "reassigned"
        code, _, err = run_cli(capsys, db, "agent", "disable", "nobody")
        assert code != 0 and "no agent nobody" in err
    finally:
        desk.engine.dispose()
