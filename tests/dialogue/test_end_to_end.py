"""The whole path on real servers: an agent suspends a user with the CLI, the user reports
a hacked account in Swedish over the REST channel, and the urgent ticket is in the queue.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import pytest

from bot.serve import Stack
from tests.dialogue.conftest import run_tool

USER = "acct-se-4711"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("stack")
    actions_port = _free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{actions_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n"
    )
    db = f"sqlite:///{tmp / 'desk.db'}"
    running = Stack(rasa_port=_free_port(), actions_port=actions_port,
                    model=str(trained_model), endpoints=str(endpoints),
                    env={"SUPPORTBOT_DB_URL": db}, log_dir=tmp / "log").start()
    running.db = db
    yield running
    running.stop()


def say(stack: Stack, text: str, sender: str = USER) -> list[str]:
    request = urllib.request.Request(
        f"http://localhost:{stack.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.load(response)]


def supportbot(stack: Stack, *args: str) -> str:
    result = run_tool("supportbot", "--db", stack.db, *args, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_suspended_user_reports_hacked_account_in_swedish(stack):
    supportbot(stack, "suspend", USER, "--hours", "24", "--reason", "hot mot personalen",
               "--agent", "lena")

    replies = say(stack, "hej")
    assert "avstängd till" in replies[0] and "svensk tid" in replies[0]
    assert "hot mot personalen" in replies[0]

    refused = say(stack, "jag vill prata med en människa")
    assert any("kan inte koppla dig" in r for r in refused)

    advice = say(stack, "mitt konto har blivit hackat, någon har loggat in")
    assert any("Spärra konto" in r for r in advice)  # immediate advice, in Swedish
    say(stack, "idag runt klockan nio")
    filed = say(stack, "min e-post ändrades och det gjordes ett uttag jag inte gjort")
    assert any("SB-" in r and "akut" in r for r in filed)

    [ticket] = json.loads(supportbot(stack, "queue", "list", "--json"))
    assert ticket["user_id"] == USER
    assert (ticket["category"], ticket["priority"], ticket["status"]) == (
        "account_hacked", "urgent", "open")
    assert ticket["fields"]["incident_time"] == "idag runt klockan nio"
    assert "e-post ändrades" in ticket["fields"]["description"]
    assert ticket["fields"]["language"] == "sv"

    status = say(stack, "något nytt om mitt ärende?")
    assert any(ticket["reference"] in r and "väntar på en handläggare" in r for r in status)


def test_conversation_survives_a_rasa_restart_mid_form(stack):
    user = "acct-en-0815"
    say(stack, "my deposit of 120 USDT on TRC20 has not arrived", sender=user)
    stack.restart("rasa")
    asked = say(stack, "I don't have the tx id", sender=user)
    assert any("When did it happen" in r for r in asked)  # the form went on where it was
    filed = say(stack, "this morning at 8", sender=user)
    assert any("SB-" in r for r in filed)
    tickets = json.loads(supportbot(stack, "status", user, "--json"))["tickets"]
    assert [(t["category"], t["fields"]["amount"], t["fields"]["network"]) for t in tickets] == [
        ("missing_deposit", "120", "TRC20")]
