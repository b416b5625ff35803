"""`supportbot` for agents: a suspension closes the user's request for staff, whatever
the letter case of the id, and claiming one for a suspended user is one clear line."""


from sqlalchemy import update

from bot.desk import HUMAN_HANDOFF
from bot.desk.models import Ticket
from tests.support.cli import run_cli


def test_suspending_in_other_case_closes_the_request_shown_in_status(capsys, cli_db, sqlite_desk):
    ticket = sqlite_desk.file_report("alice01", HUMAN_HANDOFF, {"message": "a person"}, "h1").ticket
    code, out, _ = run_cli(capsys, cli_db, "suspend", "ALICE01", "--hours", "24",
                       "--reason", "threats", "--agent", "lena")
    assert code == 0 and "Suspended alice01" in out

    code, out, _ = run_cli(capsys, cli_db, "queue", "list")
    assert code == 0 and out.strip() == "No tickets match."
    code, out, _ = run_cli(capsys, cli_db, "queue", "show", ticket.reference)
    assert "outcome chat_suspended" in out and "closed_by_suspension" in out
    code, out, _ = run_cli(capsys, cli_db, "status", "Alice01")
    assert "SUSPENDED" in out and ticket.reference in out

    code, out, err = run_cli(capsys, cli_db, "queue", "claim", ticket.reference, "--agent", "bob")
    assert (code, out) == (1, "")
    assert err.strip() == f"supportbot: error: ticket {ticket.reference} is already resolved"


def test_claiming_an_open_request_of_a_suspended_user_is_one_clear_line(
    capsys, cli_db, sqlite_desk
):
    ticket = sqlite_desk.file_report("alice01", HUMAN_HANDOFF, {}, "h1").ticket
    suspension = sqlite_desk.suspend("alice01", 24, "threats", "lena")
    with sqlite_desk.engine.begin() as connection:  # an open one left from before this rule
        connection.execute(update(Ticket).where(Ticket.id == ticket.id)
                           .values(status="open", outcome=None, assignee=None))

    code, out, err = run_cli(capsys, cli_db, "queue", "claim", ticket.reference, "--agent", "bob")
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"supportbot: error: ticket {ticket.reference} is a request to talk to staff from "
        f"alice01, who is suspended from live chat until "
        f"{suspension.ends_at:%Y-%m-%d %H:%M} UTC; it cannot be claimed"
    )
    assert sqlite_desk.get_ticket(ticket.id).ticket.assignee is None
