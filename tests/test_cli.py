"""The `supportbot` CLI, called in-process on a real SQLite file."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.outbox import head_revision as outbox_head_revision
from bot.cli import main, span
from bot.desk import Desk
from bot.desk.db import head_revision
from tests.support.cli import run_cli, run_cli_json


def test_db_upgrade_on_a_fresh_file(capsys, cli_db: str, tmp_path: Path) -> None:
    outbox = f"sqlite:///{tmp_path / 'outbox.db'}"
    code, out, _ = run_cli(capsys, cli_db, "db", "upgrade", "--outbox", outbox)
    assert code == 0 and f"revision {head_revision()}" in out
    assert f"revision {outbox_head_revision()}" in out
    upgraded = run_cli_json(capsys, cli_db, "db", "upgrade", "--outbox", outbox)
    assert upgraded["revision"] == head_revision()
    assert upgraded["outbox"]["revision"] == outbox_head_revision()


def test_suspend_status_lift(capsys, cli_db: str) -> None:
    code, out, _ = run_cli(
        capsys, cli_db, "suspend", "u1", "--hours", "24", "--reason", "insults", "--agent", "bob"
    )
    assert code == 0
    assert "Suspended u1" in out and "insults" in out and "24h" in out

    code, out, _ = run_cli(capsys, cli_db, "status", "u1")
    assert code == 0 and "SUSPENDED" in out and "No tickets." in out
    status = run_cli_json(capsys, cli_db, "status", "u1")
    assert status["suspended"] is True
    assert status["suspension"]["agent"] == "bob" and status["suspension"]["active"] is True

    code, out, _ = run_cli(capsys, cli_db, "lift", "u1", "--agent", "alice")
    assert code == 0 and "Lifted" in out
    assert run_cli_json(capsys, cli_db, "lift", "u1") == {"lifted": False, "suspension": None}
    assert run_cli_json(capsys, cli_db, "status", "u1")["suspended"] is False


def test_agent_defaults_to_user_env(capsys, cli_db: str, monkeypatch) -> None:
    suspend = ["suspend", "u1", "--hours", "1", "--reason", "x"]
    monkeypatch.setenv("USER", "carol")
    assert run_cli_json(capsys, cli_db, *suspend)["agent"] == "carol"
    monkeypatch.delenv("USER")
    assert run_cli_json(capsys, cli_db, *suspend)["agent"] == "cli"


def test_queue_list_show_claim_resolve(capsys, cli_db: str, sqlite_desk: Desk) -> None:
    sqlite_desk.suspend("u1", 48, "insults", "bob")
    hacked = sqlite_desk.file_report("u1", "account_hacked", {"email": "a@b.c"}, "k1").ticket
    other = sqlite_desk.file_report("u2", "impersonation", {}, "k2").ticket

    code, out, _ = run_cli(capsys, cli_db, "queue", "list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "REF",
        "PRIORITY",
        "CATEGORY",
        "USER",
        "STATUS",
        "ASSIGNEE",
        "AGE",
        "DUE",
    ]
    assert lines[1].startswith(hacked.reference) and "urgent" in lines[1] and "in 59m" in lines[1]
    assert lines[2].startswith(other.reference)
    listed = run_cli_json(capsys, cli_db, "queue", "list")
    assert [t["reference"] for t in listed] == [hacked.reference, other.reference]

    code, out, _ = run_cli(capsys, cli_db, "queue", "claim", hacked.reference, "--agent", "alice")
    assert code == 0 and "claimed by alice" in out
    mine = run_cli_json(capsys, cli_db, "queue", "list", "--assignee", "alice")
    assert mine[0]["id"] == hacked.id

    code, out, _ = run_cli(capsys, cli_db, "queue", "show", str(hacked.id))
    assert code == 0
    assert "email: a@b.c" in out and "Reports (1):" in out
    assert "created" in out and "alice  claimed" in out

    code, out, _ = run_cli(
        capsys,
        cli_db,
        "queue",
        "resolve",
        hacked.reference,
        "--outcome",
        "lifted",
        "--note",
        "hacker, not the user",
        "--agent",
        "alice",
    )
    assert code == 0 and "lifted" in out
    assert sqlite_desk.active_suspension("u1") is None
    shown = run_cli_json(capsys, cli_db, "queue", "show", hacked.reference)
    assert shown["ticket"]["status"] == "resolved"
    assert [e["kind"] for e in shown["events"]] == ["created", "claimed", "resolved"]
    assert [t["id"] for t in run_cli_json(capsys, cli_db, "queue", "list")] == [other.id]
    resolved = run_cli_json(capsys, cli_db, "queue", "list", "--status", "resolved")
    assert resolved[0]["id"] == hacked.id


def test_json_flag_accepted_before_the_subcommand(capsys, cli_db: str) -> None:
    code = main(["--json", "--db", cli_db, "queue", "list"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out) == []


def test_user_text_cannot_drive_the_terminal(capsys, cli_db: str, sqlite_desk: Desk) -> None:
    note = {"note": "\x1b[2Jhi\nthere"}
    ticket = sqlite_desk.file_report("u1", "impersonation", note, "k1").ticket
    code, out, _ = run_cli(capsys, cli_db, "queue", "show", ticket.reference)
    assert code == 0 and "\x1b" not in out and "\\x1b[2Jhi\\nthere" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["queue", "show", "SB-00042"], "ticket SB-00042 not found"),
        (["queue", "claim", "7", "--agent", "a"], "ticket SB-00007 not found"),
        (["suspend", "u1", "--hours", "0", "--reason", "x"], "hours must be greater than 0"),
        (["suspend", "u1", "--hours", "1", "--reason", " "], "reason must be a non-empty"),
    ],
)
def test_errors_are_one_clear_line(capsys, cli_db: str, args: list, message: str) -> None:
    code, out, err = run_cli(capsys, cli_db, *args)
    assert code == 1 and out == ""
    assert err.strip().startswith(f"supportbot: error: {message}")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_already_claimed_names_the_holder(capsys, cli_db: str, sqlite_desk: Desk) -> None:
    ticket = sqlite_desk.file_report("u1", "account_hacked", {}, "k1").ticket
    sqlite_desk.claim(ticket.id, "alice")
    code, _, err = run_cli(capsys, cli_db, "queue", "claim", ticket.reference, "--agent", "bob")
    assert code == 1
    expected = f"supportbot: error: ticket {ticket.reference} is already claimed by alice"
    assert err.strip() == expected


def test_usage_errors_exit_2(capsys, cli_db: str) -> None:
    assert run_cli(capsys, cli_db, "queue", "show", "abc")[0] == 2
    assert (
        run_cli(
            capsys, cli_db, "queue", "resolve", "1", "--outcome", "maybe", "--note", "x",
            "--agent", "a",
        )[0]
        == 2
    )
    assert run_cli(capsys, cli_db, "suspend", "u1", "--reason", "x")[0] == 2  # --hours missing
    assert main([]) == 2
    capsys.readouterr()


def test_unusable_database_is_a_clear_error(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "nosuchdb://x", "queue", "list")
    assert code == 1 and "bad database URL" in err and "Traceback" not in err
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cli(capsys, f"sqlite:///{blocker}/sub/x.db", "queue", "list")
    assert code == 1 and "Traceback" not in err


def test_a_bad_setting_is_a_clear_error(capsys, monkeypatch) -> None:
    # No --db: the desk's URL comes from the settings, which cannot be read.
    monkeypatch.setenv("SUPPORTBOT_AUTO_MIGRATE", "maybe")
    code, out, err = main(["queue", "list"]), *capsys.readouterr()
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("supportbot: error: bad setting: ")
    assert "SUPPORTBOT_AUTO_MIGRATE" in err and len(err.strip().splitlines()) == 1


def test_python_dash_m_bot(cli_db: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", cli_db, "queue", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_span() -> None:
    assert span(timedelta(seconds=30)) == "<1m"
    assert span(timedelta(minutes=3)) == "3m"
    assert span(timedelta(hours=2, minutes=50)) == "2h 50m"
    assert span(timedelta(days=3)) == "3d"
