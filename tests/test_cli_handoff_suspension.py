"""`supportbot` for agents: a suspension closes the user's request for staff, whatever
the letter case of the id, and claiming one for a suspended user is one clear line."""

from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cli import main
from bot.desk import HUMAN_HANDOFF, Desk, make_engine, migrate
from bot.desk.models import Ticket


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def desk(db: str):
    migrate(db)
    engine = make_engine(db)
    yield Desk(engine)
    engine.dispose()


def run(capsys: pytest.CaptureFixture, db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_suspending_in_other_case_closes_the_request_shown_in_status(capsys, db, desk):
    ticket = desk.file_report("alice01", HUMAN_HANDOFF, {"message": "a person"}, "h1").ticket
    code, out, _ = run(capsys, db, "suspend", "ALICE01", "--hours", "24",
                       "--reason", "threats", "--agent", "lena")
    assert code == 0 and "Suspended alice01" in out

    code, out, _ = run(capsys, db, "queue", "list")
    assert code == 0 and out.strip() == "No tickets match."
    code, out, _ = run(capsys, db, "queue", "show", ticket.reference)
    assert "outcome chat_suspended" in out and "closed_by_suspension" in out
    code, out, _ = run(capsys, db, "status", "Alice01")
    assert "SUSPENDED" in out and ticket.reference in out

    code, out, err = run(capsys, db, "queue", "claim", ticket.reference, "--agent", "bob")
    assert (code, out) == (1, "")
    assert err.strip() == f"supportbot: error: ticket {ticket.reference} is already resolved"


def test_claiming_an_open_request_of_a_suspended_user_is_one_clear_line(capsys, db, desk):
    ticket = desk.file_report("alice01", HUMAN_HANDOFF, {}, "h1").ticket
    suspension = desk.suspend("alice01", 24, "threats", "lena")
    with desk.engine.begin() as connection:  # an open one left from before this rule
        connection.execute(update(Ticket).where(Ticket.id == ticket.id)
                           .values(status="open", outcome=None, assignee=None))

    code, out, err = run(capsys, db, "queue", "claim", ticket.reference, "--agent", "bob")
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"supportbot: error: ticket {ticket.reference} is a request to talk to staff from "
        f"alice01, who is suspended from live chat until "
        f"{suspension.ends_at:%Y-%m-%d %H:%M} UTC; it cannot be claimed"
    )
    assert desk.get_ticket(ticket.id).ticket.assignee is None
