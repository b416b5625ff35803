"""On the real stack: a user asks for staff, is then suspended in another letter case of
their id; the request is closed, a new one is refused, and every spelling of the id is
one conversation and one ticket list."""

from __future__ import annotations

import json
import urllib.request

from tests.support.live import say, supportbot, tickets


def _tracker_events(stack, sender: str) -> list[dict]:
    url = (f"http://localhost:{stack.rasa_port}/conversations/{sender}/tracker"
           f"?token={stack.env['SUPPORTBOT_RASA_TOKEN']}")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)["events"]


def test_request_for_staff_is_closed_by_a_suspension_in_any_letter_case(stack):
    filed = say(stack, "Acct-Case-77", "I want to talk to a human")
    assert any("SB-" in r for r in filed), filed
    [ticket] = tickets(stack, "acct-case-77")
    assert (ticket["category"], ticket["status"]) == ("human_handoff", "open")

    supportbot(stack, "suspend", "ACCT-CASE-77", "--hours", "24", "--reason",
               "threats toward staff", "--agent", "lena")
    shown = json.loads(supportbot(stack, "queue", "show", ticket["reference"], "--json"))
    assert (shown["ticket"]["status"], shown["ticket"]["outcome"]) == (
        "resolved", "chat_suspended")
    queue = json.loads(supportbot(stack, "queue", "list", "--json"))
    assert [t for t in queue if t["user_id"] == "acct-case-77"] == []

    refused = say(stack, "acct-case-77", "let me talk to a real person")
    assert any("can't connect you with a person" in r for r in refused), refused
    status = json.loads(supportbot(stack, "status", "Acct-Case-77", "--json"))
    assert status["suspended"] is True
    assert [t["reference"] for t in status["tickets"]] == [ticket["reference"]]

    # One conversation, under the canonical id the desk and the console use.
    said = [e.get("text") for e in _tracker_events(stack, "acct-case-77")
            if e["event"] == "user"]
    assert "I want to talk to a human" in said and "let me talk to a real person" in said
