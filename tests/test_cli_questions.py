"""`supportbot queue ask` and `queue resolve --reason`: the CLI's way to the user."""

from tests.support.cli import run_cli


def test_ask_with_a_macro_or_text_and_resolve_with_a_reason(capsys, cli_db, sqlite_desk):
    ticket = sqlite_desk.file_report("acct-9", "missing_deposit", {"asset": "BTC"}, "k").ticket
    code, out, _ = run_cli(capsys, cli_db, "queue", "ask", ticket.reference,
                           "--macro", "ask_tx_id", "--agent", "lena")
    # No Rasa here (tests/conftest.py): the bot shows it at the user's next message.
    assert code == 0 and "shows the question at their next message" in out
    assert sqlite_desk.pending_questions("acct-9")[0].macro == "ask_tx_id"
    code, _, err = run_cli(capsys, cli_db, "queue", "ask", ticket.reference,
                           "--macro", "ask_nothing", "--agent", "lena")
    assert code == 1 and "unknown ask macro" in err
    code, out, _ = run_cli(capsys, cli_db, "queue", "resolve", ticket.reference,
                           "--outcome", "resolved", "--note", "found", "--agent", "lena",
                           "--reason", "reason_funds_credited")
    assert code == 0 and "told at their next message" in out
    assert sqlite_desk.decision_reason(ticket.id) == "reason_funds_credited"
