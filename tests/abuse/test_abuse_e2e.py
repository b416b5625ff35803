"""Abuse on the real stack (Rasa + action server + SQLite): an abusive missing-deposit
report gets the calm reply and the report goes on; a threat is answered calmly in Swedish;
both are evidence on the user, and the queue only holds what the user reported."""

from __future__ import annotations

import json

from tests.support.live import say, supportbot

USER = "acct-abuse-e2e"
CALM_EN = "Insults and threats don't make anything go faster"
CALM_SV = "Förolämpningar och hot gör inte att något går fortare"


def test_abusive_messages_are_answered_calmly_recorded_and_never_escalate(stack):
    supportbot(stack, "suspend", USER, "--hours", "24", "--reason", "insults", "--agent", "lena")
    say(stack, USER, "hi")

    replies = say(stack, USER, "where is my fucking deposit???")
    assert any(CALM_EN in r for r in replies), replies
    calm = next(i for i, r in enumerate(replies) if CALM_EN in r)
    # ...and then the missing-deposit report starts, as for a polite message.
    assert any("find your deposit" in r for r in replies[calm + 1 :]), replies

    threat = say(stack, USER, "jag vet var du bor")
    assert any(CALM_SV in r for r in threat), threat

    status = json.loads(supportbot(stack, "status", USER, "--json"))
    categories = sorted(e["category"] for e in status["abuse_evidence"])
    assert categories == ["rudeness", "threats"]
    # No ticket was opened by the abuse; the suspension is the agent's, unchanged.
    assert status["tickets"] == []
    assert status["suspension"]["reason"] == "insults"
    # The stack is shared with other tests: only this user's entries matter.
    queue = json.loads(supportbot(stack, "queue", "list", "--json"))
    assert [t for t in queue if t["user_id"] == USER] == []
