"""`supportbot status USER` counts the user's abuse evidence; --json lists it."""

from tests.support.cli import run_cli, run_cli_json


def test_status_counts_evidence_and_json_lists_it(capsys, cli_db: str) -> None:
    from bot.desk import open_desk

    desk = open_desk(cli_db)
    desk.record_abuse("u9", "you idiot", "personal_insults", 0.85, message_id="c1")
    desk.record_abuse("u9", "I will find you", "threats", 0.95, message_id="c2")
    desk.engine.dispose()
    code, out, _ = run_cli(capsys, cli_db, "status", "u9")
    assert code == 0
    assert "Abuse evidence: 2 message(s) flagged" in out and "1 threats" in out
    assert "idiot" not in out  # texts only on request
    listed = run_cli_json(capsys, cli_db, "status", "u9")["abuse_evidence"]
    assert {e["category"] for e in listed} == {"personal_insults", "threats"}
    assert run_cli_json(capsys, cli_db, "status", "nobody")["abuse_evidence"] == []
