"""The whole path on real servers: an agent suspends a user with the CLI, the user reports
a hacked account in Swedish over the REST channel, and the urgent ticket is in the queue.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.support.live import say, supportbot, tickets

USER = "acct-se-4711"


def test_suspended_user_reports_hacked_account_in_swedish(stack):
    supportbot(stack, "suspend", USER, "--hours", "24", "--reason", "hot mot personalen",
               "--agent", "lena")

    replies = say(stack, USER, "hej")
    assert "avstängd till" in replies[0] and "svensk tid" in replies[0]
    assert "hot mot personalen" in replies[0]

    refused = say(stack, USER, "jag vill prata med en människa")
    assert any("kan inte koppla dig" in r for r in refused)

    advice = say(stack, USER, "mitt konto har blivit hackat, någon har loggat in")
    assert any("Spärra konto" in r for r in advice)  # immediate advice, in Swedish
    say(stack, USER, "idag runt klockan nio")
    filed = say(stack, USER, "min e-post ändrades och det gjordes ett uttag jag inte gjort")
    assert any("SB-" in r and "akut" in r for r in filed)

    # The stack is shared by the session's tests: other users' tickets may be queued too.
    queue = json.loads(supportbot(stack, "queue", "list", "--json"))
    [ticket] = [t for t in queue if t["user_id"] == USER]
    assert (ticket["category"], ticket["priority"], ticket["status"]) == (
        "account_hacked", "urgent", "open")
    assert ticket["fields"]["incident_time"] == "idag runt klockan nio"
    assert "e-post ändrades" in ticket["fields"]["description"]
    assert ticket["fields"]["language"] == "sv"

    status = say(stack, USER, "något nytt om mitt ärende?")
    assert any(ticket["reference"] in r and "väntar på en handläggare" in r for r in status)


def test_conversation_survives_a_rasa_restart_mid_form(stack):
    user = "acct-en-0815"
    say(stack, user, "my deposit of 120 USDT on TRC20 has not arrived")
    stack.restart("rasa")
    asked = say(stack, user, "I don't have the tx id")
    assert any("When did it happen" in r for r in asked)  # the form went on where it was
    filed = say(stack, user, "this morning at 8")
    assert any("SB-" in r for r in filed)
    filed_tickets = tickets(stack, user)
    assert [(t["category"], t["fields"]["amount"], t["fields"]["network"])
            for t in filed_tickets] == [
        ("missing_deposit", "120", "TRC20")]


def _bot_texts(stack, user: str) -> list[str]:
    url = (f"http://localhost:{stack.rasa_port}/conversations/{user}/tracker"
           f"?token={stack.env['SUPPORTBOT_RASA_TOKEN']}")
    with urllib.request.urlopen(url, timeout=30) as response:
        events = json.load(response)["events"]
    return [e.get("text") or "" for e in events if e["event"] == "bot"]


def test_agent_decision_reaches_the_user_once(stack):
    user = "acct-en-appeal"
    supportbot(stack, "suspend", user, "--hours", "48", "--reason", "rudeness", "--agent", "lena")
    say(stack, user, "I want to appeal my suspension")
    filed = say(stack, user, "my brother wrote those messages on my laptop")
    assert any("SB-" in r for r in filed)
    [ticket] = tickets(stack, user)

    out = supportbot(stack, "queue", "resolve", ticket["reference"], "--outcome", "lifted",
                     "--note", "credible", "--agent", "lena")
    # A REST user has no page to push to: told at the next message, not before.
    assert "The user will be told at their next message." in out
    assert not any("lifted your live-chat suspension" in t for t in _bot_texts(stack, user))
    told = [t for t in say(stack, user, "hi") if "lifted your live-chat suspension" in t]
    assert len(told) == 1 and ticket["reference"] in told[0]

    replies = say(stack, user, "hello again")
    assert not any("lifted" in r for r in replies)  # told once, not again
    assert not any("suspended until" in r for r in replies)


def test_rasa_http_api_needs_the_token(stack):
    """Conversations and trigger_intent are not open to whoever reaches the port."""
    url = f"http://localhost:{stack.rasa_port}/conversations/{USER}/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)
    assert refused.value.code == 401


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (/proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_rasa_listens_on_loopback_only(stack):
    """Floods are nginx's to refuse: Rasa is not reachable from another machine."""
    assert _listening_addresses(stack.rasa_port) == {"0100007F"}  # 127.0.0.1

