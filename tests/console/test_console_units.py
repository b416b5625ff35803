"""Console building blocks without a server: cookies, passwords, secret, transcript, the
desk methods the console added, and the CLI commands."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import auth, csrf
from bot.console.transcript import TrackerReader
from bot.desk import AgentExists, Desk, NotHolder, TicketResolved, make_engine
from bot.desk.db import PROJECT_ROOT
from bot.settings import get_settings
from tests.support.console import make_tracker_db

# -- sessions, passwords, CSRF ---------------------------------------------------------


def test_session_cookie_round_trip_tamper_and_expiry() -> None:
    cookie = auth.sign_session({"agent": "alice", "csrf": "t"}, "k1", now=1000)
    assert auth.load_session(cookie, "k1", now=1001)["agent"] == "alice"
    assert auth.load_session(cookie, "k2", now=1001) is None  # other key
    payload, mac = cookie.split(".")
    forged = auth._b64(json.dumps({"agent": "lena", "csrf": "t", "iat": 1000}).encode())
    assert auth.load_session(f"{forged}.{mac}", "k1", now=1001) is None
    assert auth.load_session(cookie, "k1", now=1000 + auth.SESSION_MAX_AGE_S + 1) is None
    for junk in (None, "", "abc", "a.b.c", "%%%.###"):
        assert auth.load_session(junk, "k1") is None


def test_passwords_are_argon2_hashes() -> None:
    hashed = auth.hash_password("long enough")
    assert hashed.startswith("$argon2id$") and "long enough" not in hashed
    assert auth.verify_password(hashed, "long enough")
    assert not auth.verify_password(hashed, "wrong")
    assert not auth.verify_password(None, "not-a-real-password")
    assert not auth.verify_password("garbage", "x")
    with pytest.raises(ValueError, match="at least"):
        auth.hash_password("short")


def test_csrf_tokens_compare_exactly() -> None:
    token = csrf.new_token()
    assert csrf.is_valid({"csrf": token}, token)
    assert not csrf.is_valid({"csrf": token}, token + "x")
    assert not csrf.is_valid({"csrf": token}, None)
    assert not csrf.is_valid({}, "")


def test_secret_from_env_or_generated_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_CONSOLE_SECRET", "from-env")
    assert auth.console_secret(tmp_path) == "from-env"
    monkeypatch.delenv("SUPPORTBOT_CONSOLE_SECRET")
    get_settings.cache_clear()  # read once per process: this test starts another
    first = auth.console_secret(tmp_path / "var")
    assert len(first) > 40 and auth.console_secret(tmp_path / "var") == first
    assert (tmp_path / "var" / "console_secret").stat().st_mode & 0o077 == 0


def test_importing_the_console_creates_no_app_or_engine(tmp_path: Path) -> None:
    code = (
        "import bot.console, bot.console.commands, bot.console.signin_pages, "
        "bot.console.queue_pages, bot.console.ticket_pages, bot.console.suspension_pages\n"
        "from sanic import Sanic\n"
        "assert not Sanic._app_registry, Sanic._app_registry"
    )
    env = {"SUPPORTBOT_DB_URL": f"sqlite:///{tmp_path / 'never.db'}", "PATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT, env=env)
    assert not (tmp_path / "never.db").exists()


# -- transcript ------------------------------------------------------------------------


def test_transcript_in_order_with_abuse_flagged(tmp_path: Path) -> None:
    make_tracker_db(tmp_path / "t.db")
    transcript = TrackerReader(f"sqlite:///{tmp_path / 't.db'}").read("acct-hacked")
    assert transcript.notice is None
    assert [(m.speaker, m.abusive) for m in transcript.messages] == [
        ("user", False),
        ("bot", False),
        ("user", True),
        ("bot", False),
        ("user", False),
    ]
    assert transcript.messages[2].message_id == "m2"
    assert TrackerReader(f"sqlite:///{tmp_path / 't.db'}").read("nobody").messages == []
    short = TrackerReader(f"sqlite:///{tmp_path / 't.db'}").read("acct-hacked", limit=2)
    assert short.truncated and [m.text for m in short.messages][-1] == "my account was hacked"


def test_transcript_unreachable_is_a_notice(tmp_path: Path) -> None:
    missing = TrackerReader(f"sqlite:///{tmp_path / 'missing.db'}").read("u")
    assert missing.notice and not missing.messages
    assert not (tmp_path / "missing.db").exists()
    sqlite3.connect(tmp_path / "empty.db").close()
    assert "unreachable" in TrackerReader(f"sqlite:///{tmp_path / 'empty.db'}").read("u").notice
    down = TrackerReader("postgresql://nobody@127.0.0.1:1/none").read("u")
    assert "unreachable" in down.notice


# -- desk methods the console uses ----------------------------------------------------


def test_release_set_status_and_notes(sqlite_desk: Desk) -> None:
    t = sqlite_desk.file_report("u1", "missing_deposit", {}, "k1").ticket
    with pytest.raises(NotHolder, match="not claimed"):
        sqlite_desk.release(t.id, "alice")
    sqlite_desk.claim(t.id, "alice")
    with pytest.raises(NotHolder, match="held by alice"):
        sqlite_desk.release(t.id, "bob")
    assert sqlite_desk.set_status(t.id, "pending_user", "alice").status == "pending_user"
    assert [x.id for x in sqlite_desk.list_queue(status="pending_user")] == [t.id]
    assert sqlite_desk.set_status(t.id, "open", "alice").status == "claimed"
    released = sqlite_desk.release(t.id, "alice")
    assert (released.status, released.assignee, released.claimed_at) == ("open", None, None)
    # pending_user on a free ticket takes it.
    assert sqlite_desk.set_status(t.id, "pending_user", "bob").assignee == "bob"
    note = sqlite_desk.add_note(t.id, "  asked for the tx hash ", "bob")
    assert note.kind == "note" and note.detail == {"text": "asked for the tx hash"}
    with pytest.raises(ValueError):
        sqlite_desk.add_note(t.id, "  ", "bob")
    with pytest.raises(ValueError):
        sqlite_desk.set_status(t.id, "resolved", "bob")
    sqlite_desk.resolve(t.id, "resolved", "done", "bob")
    with pytest.raises(TicketResolved):
        sqlite_desk.release(t.id, "bob")
    with pytest.raises(TicketResolved):
        sqlite_desk.set_status(t.id, "open", "bob")
    kinds = [e.kind for e in sqlite_desk.get_ticket(t.id).events]
    assert kinds == [
        "created",
        "claimed",
        "status_changed",
        "status_changed",
        "released",
        "status_changed",
        "note",
        "resolved",
    ]


def test_agents_and_suspension_category(sqlite_desk: Desk) -> None:
    info = sqlite_desk.add_agent("alice", "lead", auth.hash_password("long enough"))
    assert info.role == "lead" and not info.disabled
    assert "password_hash" not in info.to_dict()
    with pytest.raises(AgentExists):
        sqlite_desk.add_agent("alice", "agent", "x")
    with pytest.raises(ValueError):
        sqlite_desk.add_agent("bob", "admin", "x")
    found, stored = sqlite_desk.agent_credentials("alice")
    assert found == info and auth.verify_password(stored, "long enough")
    assert sqlite_desk.agent_credentials("nobody") is None
    s = sqlite_desk.suspend("u1", 2, "rude", "alice", category="rudeness",
                            evidence={"message_ids": ["m"]})
    assert (s.category, s.evidence) == ("rudeness", {"message_ids": ["m"]})
    assert sqlite_desk.suspensions_for_user("u1") == [s] and sqlite_desk.recent_suspensions() == [s]
    with pytest.raises(ValueError, match="category"):
        sqlite_desk.suspend("u1", 2, "rude", "alice", category="bad mood")
    plain = sqlite_desk.suspend("u2", 2, "insults", "alice")  # the CLI's way still works
    assert plain.category is None and plain.evidence is None


# -- CLI -------------------------------------------------------------------------------


def test_cli_agent_add_reads_the_password(tmp_path: Path, capsys, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password\n"))
    assert main(["--db", db, "agent", "add", "alice", "--role", "lead", "--password-stdin"]) == 0
    assert "alice (lead)" in capsys.readouterr().out
    prompts = iter(["another password", "another password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(prompts))
    assert main(["--db", db, "agent", "add", "bob", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["role"] == "agent"
    monkeypatch.setattr("sys.stdin", io.StringIO("a good password\n"))
    assert main(["--db", db, "agent", "add", "alice", "--password-stdin"]) == 1
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", db, "agent", "add", "carol", "--password-stdin"]) == 1
    assert "at least 8" in capsys.readouterr().err
    engine = make_engine(db)
    try:
        assert Desk(engine).agent_credentials("bob")[1].startswith("$argon2id$")
    finally:
        engine.dispose()
