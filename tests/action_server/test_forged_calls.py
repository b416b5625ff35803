"""The calls a security test made to the open action server, forged again against the
real one: each would file an urgent ticket for any account, plant a threat in any
account's abuse evidence, or read any account's tickets. Without the secret, with a
wrong one, with one of the right length, sent the wrong way: 401, and nothing changes.
With the secret the same calls do what they did then, so the refusals are the check's."""

from __future__ import annotations

import json

import pytest

from tests.support.action_server import (
    BAD_CREDENTIALS,
    FLIPPED,
    FORGED_CALLS,
    TOKEN,
    ActionServer,
    Answer,
    file_urgent_ticket,
    http,
    plant_threat,
    read_tickets,
)


def forge(server: ActionServer, make_call, account: str, credentials: str) -> Answer:
    headers, query = BAD_CREDENTIALS[credentials]
    return server.post(json.dumps(make_call(account)).encode(), headers,
                       path="/webhook" + query)


def assert_refused(answer: Answer) -> None:
    assert answer.status == 401
    assert answer.json() == {"error": "unauthorized"}


@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS))
def test_forged_calls_are_refused_and_change_nothing(action_server: ActionServer,
                                                     credentials: str) -> None:
    victim = "acct-victim-" + str(abs(hash(credentials)) % 10**8)
    desk = action_server.desk()
    # The status read must have something to leak: the victim has a real ticket.
    real = desk.file_report(victim, "missing_deposit", {"asset": "BTC"}, f"{victim}:real")
    for name, make_call in FORGED_CALLS.items():
        answer = forge(action_server, make_call, victim, credentials)
        assert_refused(answer)
        assert real.ticket.reference not in answer.text, name
    tickets = desk.tickets_for_user(victim)
    assert [t.category for t in tickets] == ["missing_deposit"]  # no urgent ticket filed
    assert desk.abuse_evidence(victim) == []  # no threat planted


def test_the_refusals_are_logged_without_the_secret(action_server: ActionServer) -> None:
    forge(action_server, read_tickets, "acct-logged", "right length, wrong value")
    log = action_server.log.read_text()
    assert '"event": "action_call_refused", "reason": "wrong token"' in log
    assert '"reason": "no token"' in log
    assert TOKEN not in log and FLIPPED not in log


def test_with_the_secret_the_same_calls_work(action_server: ActionServer) -> None:
    """The control: what the refusals above kept out."""
    victim, auth = "acct-control", {"Authorization": f"Bearer {TOKEN}"}
    desk = action_server.desk()

    filed = action_server.call(file_urgent_ticket(victim), auth)
    assert filed.status == 200, filed.text
    (ticket,) = desk.tickets_for_user(victim)
    assert (ticket.category, ticket.priority) == ("account_hacked", "urgent")

    planted = action_server.call(plant_threat(victim), auth)
    assert planted.status == 200, planted.text
    assert [e.category for e in desk.abuse_evidence(victim)] == ["threats"]

    read = action_server.call(read_tickets(victim), auth)
    assert read.status == 200 and ticket.reference in read.text


def test_the_health_check_stays_open_and_says_nothing(action_server: ActionServer) -> None:
    answer = http(action_server.url + "/health")
    assert (answer.status, answer.json()) == (200, {"status": "ok"})
    assert http(action_server.url + "/actions").status == 401  # the action list is not open
