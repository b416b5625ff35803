"""Sign-in throttling against a real `supportbot console`, with the default limits
(5 attempts per account, 30 per address, in any 15 minutes).

Attackers here come from several loopback addresses (127.0.0.0/8 all reaches the
console), so the per-account and the per-address counts are each tested alone."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console.throttle import DEFAULT_ACCOUNT_LIMIT, DEFAULT_ADDRESS_LIMIT
from tests.support.console import PASSWORD, Client, Console, start_console

ACCOUNT_LIMIT = int(DEFAULT_ACCOUNT_LIMIT.split()[0])
ADDRESS_LIMIT = int(DEFAULT_ADDRESS_LIMIT.split()[0])
WRONG = "Tr0ub4dor&3-wrong"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A console of its own: the lock-outs here must not touch other tests' agents."""
    tmp = tmp_path_factory.mktemp("throttle")
    for console in start_console(tmp):
        for name in ("alice", "bob", "carol", "dave", "erin"):
            console.add_agent(name)
        console.log_path = tmp / "console.log"  # type: ignore[attr-defined]
        yield console


def try_sign_in(site: Console, name: str, password: str, source: str) -> tuple[Client, int]:
    client = Client(site.url, source=source)
    reply = client.login(name, password)
    return client, reply.status


def signed_in(client: Client) -> bool:
    return client.get("/queue").status == 200


def log_lines(site: Console) -> list[dict]:
    path: Path = site.log_path  # type: ignore[attr-defined]
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        start = line.find('{"event"')
        if start >= 0:
            lines.append(json.loads(line[start:]))
    return lines


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(site: Console) -> None:
    # The reported attack, spread over eight addresses so only the account count holds it.
    statuses = Counter()
    for attempt in range(40):
        _client, status = try_sign_in(site, "alice", WRONG, f"127.0.0.{20 + attempt % 8}")
        statuses[status] += 1
    assert statuses == {401: ACCOUNT_LIMIT, 429: 40 - ACCOUNT_LIMIT}

    client = Client(site.url, source="127.0.0.30")
    reply = client.login("alice", PASSWORD)
    assert reply.status == 429
    assert "Too many sign-in attempts" in reply.body and "try again in" in reply.body
    assert 0 < int(reply.headers["retry-after"]) <= 15 * 60
    assert not signed_in(client)
    # Another agent is not locked out by alice's lock.
    _client, status = try_sign_in(site, "bob", PASSWORD, "127.0.0.31")
    assert status == 302


def test_one_address_guessing_many_accounts_is_stopped(site: Console) -> None:
    attacker = "127.0.0.40"
    statuses = Counter(
        try_sign_in(site, f"guess-{i}", WRONG, attacker)[1] for i in range(ADDRESS_LIMIT + 10)
    )
    assert statuses == {401: ADDRESS_LIMIT, 429: 10}
    # The right password of a real agent from that address is refused unchecked ...
    client, status = try_sign_in(site, "carol", PASSWORD, attacker)
    assert status == 429 and not signed_in(client)
    # ... and a forged X-Forwarded-For does not buy a fresh address.
    client = Client(site.url, source=attacker)
    client.headers = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}
    assert client.login("carol", PASSWORD).status == 429
    # Carol herself, from her own address, signs in.
    client, status = try_sign_in(site, "carol", PASSWORD, "127.0.0.41")
    assert status == 302 and signed_in(client)


def test_case_and_spacing_do_not_reset_the_account_count(site: Console) -> None:
    for i, name in enumerate(["dave", "Dave", "DAVE", " dave ", "dAvE"]):
        assert try_sign_in(site, name, WRONG, f"127.0.0.{50 + i}")[1] == 401
    assert try_sign_in(site, "DaVe", WRONG, "127.0.0.56")[1] == 429
    assert try_sign_in(site, "dave", PASSWORD, "127.0.0.57")[1] == 429


def test_typos_then_the_right_password_sign_in_and_clear_the_count(site: Console) -> None:
    source = "127.0.0.60"
    for _ in range(ACCOUNT_LIMIT - 1):
        assert try_sign_in(site, "erin", WRONG, source)[1] == 401
    client, status = try_sign_in(site, "erin", PASSWORD, source)
    assert status == 302 and signed_in(client)
    # The success cleared erin's count: a new run of typos gets the full allowance.
    for _ in range(ACCOUNT_LIMIT - 1):
        assert try_sign_in(site, "erin", WRONG, "127.0.0.61")[1] == 401
    assert try_sign_in(site, "erin", PASSWORD, "127.0.0.61")[1] == 302


def test_failures_are_logged_with_account_and_address_never_the_password(
    site: Console,
) -> None:
    secret_guess = "hunter2-secret-guess"
    try_sign_in(site, "bob", secret_guess, "127.0.0.70")
    lines = log_lines(site)
    refused = [e for e in lines if e["event"] == "console_signin_refused"]
    assert {
        "event": "console_signin_refused",
        "account": "bob",
        "address": "127.0.0.70",
        "reason": "wrong_name_or_password",
    } in refused
    locked = [e for e in refused if e["reason"] == "account_locked"]
    assert locked and all(e["account"] and e["address"] for e in locked)
    assert any(e["reason"] == "address_locked" and e["address"] == "127.0.0.40" for e in refused)
    assert any(e["event"] == "console_signin" and e["account"] == "carol" for e in lines)
    text = site.log_path.read_text(errors="replace")  # type: ignore[attr-defined]
    for password in (secret_guess, WRONG, PASSWORD):
        assert password not in text
