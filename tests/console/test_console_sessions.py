"""Signing out ends a console session on the server: a copy of the cookie is worth
nothing afterwards. Live against `supportbot console`, plus the store on its own."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import io
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.console.sessions import SessionStore
from bot.console.throttle import SignInThrottle, Verdict
from bot.desk import Desk
from bot.desk.clock import utc_now
from bot.desk.models import ConsoleSession
from tests.support.console import PASSWORD, Client, Console


@pytest.fixture(scope="module", autouse=True)
def agents(console: Console) -> None:
    console.add_agent("sam")
    console.add_agent("tove")


def signed_in(console: Console, name: str) -> Client:
    client = Client(console.url)
    assert client.login(name).status == 302
    assert client.get("/queue").status == 200
    return client


def with_cookie_of(console: Console, client: Client) -> Client:
    """A second client holding a copy of `client`'s cookie (what a thief would hold)."""
    thief = Client(console.url)
    for cookie in client.jar:
        thief.jar.set_cookie(cookie)
    return thief


def test_a_cookie_captured_before_logout_is_refused_after_it(console: Console) -> None:
    agent = signed_in(console, "sam")
    copy = with_cookie_of(console, agent)
    assert copy.get("/queue").status == 200  # the copy works while the session lives
    token = copy.csrf()

    assert agent.submit("/logout", {}).status == 302

    assert copy.get("/queue").status == 302
    assert copy.get("/queue").location == "/login"
    assert copy.get("/api/queue").status == 401
    # Its forms are dead too: the session that held the CSRF token is gone.
    ref = console.desk.file_report("acct-after-logout", "impersonation", {}, "k-logout")
    reply = copy.post(f"/tickets/SB-{ref.ticket.id:05d}/claim", {"csrf_token": token})
    assert reply.status == 403
    assert console.desk.get_ticket(ref.ticket.id).ticket.assignee is None


def test_signing_out_ends_only_that_session(console: Console) -> None:
    laptop, phone = signed_in(console, "tove"), signed_in(console, "tove")
    laptop.submit("/logout", {})
    assert laptop.get("/queue").status == 302
    assert phone.get("/queue").status == 200


def test_agent_signout_and_password_end_every_session(console: Console) -> None:
    first, second = signed_in(console, "sam"), signed_in(console, "sam")
    assert main(["--db", console.db_url, "agent", "signout", "sam"]) == 0
    assert first.get("/queue").status == 302 and second.get("/queue").status == 302

    kept = signed_in(console, "sam")
    stdin, sys.stdin = sys.stdin, io.StringIO("a brand new passphrase\n")
    try:
        code = main(["--db", console.db_url, "agent", "password", "sam", "--password-stdin"])
    finally:
        sys.stdin = stdin
    assert code == 0
    assert kept.get("/queue").status == 302
    assert Client(console.url).login("sam", PASSWORD).status == 401
    assert Client(console.url).login("sam", "a brand new passphrase").status == 302


# -- the store alone -------------------------------------------------------------------


def test_sessions_expire_on_the_server_and_old_rows_are_swept(sqlite_desk: Desk) -> None:
    store = SessionStore(sqlite_desk.engine, timedelta(hours=12))
    t0 = utc_now()
    old = store.start("ada", now=t0)
    assert store.agent_of(old, now=t0 + timedelta(hours=11)) == "ada"
    assert store.agent_of(old, now=t0 + timedelta(hours=12)) is None
    assert store.agent_of("never-issued") is None
    store.start("bea", now=t0 + timedelta(hours=13))  # sweeps the expired row
    with sqlite_desk.engine.connect() as connection:
        agents = connection.execute(select(ConsoleSession.agent)).scalars().all()
    assert agents == ["bea"]


def test_the_table_holds_a_hash_never_the_token(sqlite_desk: Desk) -> None:
    store = SessionStore(sqlite_desk.engine, timedelta(hours=12))
    token = store.start("ada")
    with sqlite_desk.engine.connect() as connection:
        (stored,) = connection.execute(select(ConsoleSession.token_hash)).scalars().all()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    store.end(token)
    assert store.agent_of(token) is None


def test_the_throttle_keeps_its_storage_alive() -> None:
    # limits' strategies hold their storage by weak reference only.
    throttle = SignInThrottle("2 per 1 minute", "10 per 1 minute")
    gc.collect()

    async def attempts() -> tuple[list[bool], Verdict]:
        verdicts = [(await throttle.attempt("Ada", "10.0.0.1")).allowed for _ in range(3)]
        return verdicts, await throttle.attempt(" ada ", "10.0.0.2")
    verdicts, refused = asyncio.run(attempts())
    assert verdicts == [True, True, False]
    assert not refused.allowed and refused.locked == "account"
    assert 0 < refused.retry_after_s <= 61
