"""Abuse evidence in the console: on the ticket and the user's suspensions page, behind
a click; flagged transcript messages folded too."""

from __future__ import annotations

import pytest

from tests.support.console import Console, signed_in, ticket


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("alice")


def closed_details_around(body: str, needle: str) -> str:
    """The <details> element that holds `needle`, asserting it is closed (no `open`)."""
    at = body.index(needle)
    start = body.rindex("<details", 0, at)
    assert "</details>" not in body[start:at], "the text is outside the <details>"
    tag = body[start : body.index(">", start)]
    assert " open" not in tag
    return tag


def test_ticket_shows_evidence_behind_a_click(console: Console) -> None:
    # acct-hacked's transcript (tests/console/conftest.py) has m2, "you are all useless idiots".
    console.desk.record_abuse("acct-hacked", "you are all useless idiots", "personal_insults",
                              0.85, signals="insult:en", language="en", message_id="m2")
    console.desk.record_abuse("acct-hacked", "I know where you live", "threats", 0.95,
                              signals="threats:en", language="en", message_id="x-threat")
    ref = ticket(console, "acct-hacked", "account_hacked")
    body = signed_in(console).get(f"/tickets/{ref}").body
    assert 'id="abuse-evidence"' in body
    tag = closed_details_around(body, "I know where you live")
    assert "evidence" in tag
    summary = body[body.index(tag) : body.index("</summary>", body.index(tag))]
    assert "2 abusive messages" in summary
    assert "threats" in body and "score 0.95" in body
    # The tickets queue and history stay as they were: evidence raised nothing.
    assert console.desk.get_ticket(ref).ticket.priority == "urgent"
    # Every occurrence of the insult (transcript and evidence) is folded.
    text = "you are all useless idiots"
    start = 0
    while (at := body.find(text, start)) != -1:
        closed_details_around(body[: at + len(text)], text)
        start = at + 1


def test_user_without_evidence_sees_none(console: Console) -> None:
    ref = ticket(console, "acct-polite")
    body = signed_in(console).get(f"/tickets/{ref}").body
    assert "No abusive messages detected." in body


def test_suspensions_page_of_a_user_shows_the_evidence(console: Console) -> None:
    console.desk.record_abuse("acct-rude", "du är en idiot", "personal_insults", 0.85,
                              language="sv", message_id="sv-1")
    client = signed_in(console)
    body = client.get("/suspensions?user=acct-rude").body
    closed_details_around(body, "du är en idiot")
    assert "1 abusive message " in body
    assert 'id="abuse-evidence"' not in client.get("/suspensions").body
