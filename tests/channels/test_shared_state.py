"""Shared limits and remembered languages (bot/shared_state.py) against the real Redis on
127.0.0.1:6379: two objects built from one SharedState stand for two Rasa instances (each
has its own connection pool and its own process memory, as two processes would).

Each test has its own key prefix, and deletes only its keys afterwards, so parallel runs
and the scale-out tests (same database) never see each other's counts. Without Redis the
tests skip, or fail with SUPPORTBOT_REQUIRE_SERVICES=1 (tests/support/services.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import intake as intake_module
from bot.channels.guard import Limits
from bot.channels.intake import Intake
from bot.channels.languages import RememberedLanguages
from bot.channels.sender_limits import Allowance, SenderLimiter
from bot.console.throttle import SignInThrottle
from bot.settings import Settings
from bot.shared_state import RETRY_SECONDS, Outage, SharedState

DB = 1  # the lock store's database, as in production; the prefix keeps tests apart


@pytest.fixture
def state(redis_server: tuple[str, int]) -> Iterator[SharedState]:
    host, port = redis_server
    prefix = f"sbtest{uuid.uuid4().hex[:12]}"
    yield SharedState(f"redis://{host}:{port}/{DB}", prefix)
    client = redis.Redis(host=host, port=port, db=DB)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers: a stalled Redis."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    found = []
    for record in caplog.records:
        message = record.getMessage()
        if message.startswith("{"):
            line = json.loads(message)
            if line.get("event") == name:
                found.append(line)
    return found


# -- one budget whatever instance a message reaches ---------------------------------------

def test_two_instances_share_one_budget_per_sender(state: SharedState) -> None:
    allowance = Allowance(messages=1000, bytes=100, seconds=60)
    first, second = SenderLimiter(allowance, state), SenderLimiter(allowance, state)

    async def run() -> list[str | None]:
        verdicts = []
        for limiter in (first, second, first, second, first):  # balanced over both
            verdicts.append((await limiter.charge("acct-42", 30)).exceeded)
        # Another sender has a budget of its own.
        verdicts.append((await second.charge("acct-43", 30)).exceeded)
        return verdicts
    # 100 bytes in the window, wherever they arrive: the fourth message is over.
    assert asyncio.run(run()) == [None, None, None, "bytes", "bytes", None]
    assert not first.outage.down and not second.outage.down


def test_in_memory_each_instance_counts_its_own() -> None:
    """What the shared budget replaces (and what `make run` keeps): N budgets for N."""
    allowance = Allowance(messages=1000, bytes=100, seconds=60)
    first, second = SenderLimiter(allowance), SenderLimiter(allowance)

    async def run() -> list[str | None]:
        return [(await limiter.charge("acct-42", 30)).exceeded
                for limiter in (first, second, first, second, first)]
    assert asyncio.run(run()) == [None, None, None, None, None]


def test_the_refusal_says_when_the_shared_window_ends(state: SharedState) -> None:
    allowance = Allowance(messages=1000, bytes=10, seconds=30)
    first, second = SenderLimiter(allowance, state), SenderLimiter(allowance, state)

    async def run():
        await first.charge("acct-42", 10)
        return await second.charge("acct-42", 1)
    verdict = asyncio.run(run())
    assert not verdict.allowed and verdict.exceeded == "bytes"
    assert 1 <= verdict.retry_after_s <= 31


def test_the_keys_carry_the_deployments_prefix(state: SharedState,
                                               redis_server: tuple[str, int]) -> None:
    asyncio.run(SenderLimiter(Allowance(), state).charge("acct-42", 5))
    host, port = redis_server
    keys = [k.decode() for k in redis.Redis(host=host, port=port, db=DB).scan_iter(
        match=f"*{state.key_prefix}*")]
    assert keys and all(f"{state.key_prefix}:chat-sender" in k for k in keys)


# -- the remembered language -------------------------------------------------------------

def test_a_language_remembered_on_one_instance_is_read_on_another(state: SharedState) -> None:
    first, second = RememberedLanguages(state), RememberedLanguages(state)

    async def run() -> list[str | None]:
        await first.remember("acct-42", "sv")
        seen = [await second.recall("acct-42"), await second.recall("acct-43")]
        await second.remember("acct-42", "en")  # the sender switched, on the other one
        return [*seen, await first.recall("acct-42")]
    assert asyncio.run(run()) == ["sv", None, "en"]


def test_the_channels_answer_in_the_language_seen_on_the_other_instance(
        state: SharedState) -> None:
    limits = Limits(rate_messages=100)
    first, second = Intake(limits, state=state), Intake(limits, state=state)

    async def run() -> list[str]:
        said = await first.language("acct-42", "sv")  # "hej, varför är jag avstängd?"
        return [said,
                await second.language("acct-42", None),  # "ok" on the other instance
                await second.reply_language("acct-42", "12345", "en"),  # too large to read
                await second.reply_language("acct-99", "12345", "en")]  # nobody known
    assert asyncio.run(run()) == ["sv", "sv", "sv", "en"]


# -- the console's sign-in counts --------------------------------------------------------

def test_two_consoles_share_the_sign_in_counts(state: SharedState) -> None:
    first = SignInThrottle("3 per 1 minute", "100 per 1 minute", state)
    second = SignInThrottle("3 per 1 minute", "100 per 1 minute", state)

    async def run() -> list[bool]:
        allowed = [(await console.attempt("Alice", "10.0.0.1")).allowed
                   for console in (first, second, first, second)]
        await second.succeeded("alice")  # a success clears the account on both
        return [*allowed, (await first.attempt("alice", "10.0.0.1")).allowed]
    assert asyncio.run(run()) == [True, True, True, False, True]


# -- Redis unreachable: messages go on, counted in the process, operators told -----------

def unreachable(port: int) -> SharedState:
    return SharedState(f"redis://:hunter2@127.0.0.1:{port}/{DB}", "sbtestdown")


@pytest.mark.parametrize("port_fixture", ["closed_port", "silent_port"])
def test_with_redis_unreachable_the_limit_falls_back_to_this_process(
        port_fixture: str, request: pytest.FixtureRequest,
        caplog: pytest.LogCaptureFixture) -> None:
    state = unreachable(request.getfixturevalue(port_fixture))
    limiter = SenderLimiter(Allowance(messages=1000, bytes=100, seconds=60), state)
    caplog.set_level(logging.INFO, logger="bot.shared_state")

    async def run() -> list[str | None]:
        return [(await limiter.charge("acct-42", 30)).exceeded for _ in range(5)]
    # Not refused for the outage, and still limited: the process's own count holds.
    assert asyncio.run(run()) == [None, None, None, "bytes", "bytes"]
    [line] = events(caplog, "shared_state_unavailable")  # once, not per message
    assert line["store"] == "sender_limits" and line["fallback"] == "process memory"
    assert line["redis"].endswith(f"127.0.0.1:{state.redis_url.rsplit(':', 1)[1]}")
    assert "hunter2" not in caplog.text
    assert limiter.outage.down and limiter.outage.local_calls == 5


def test_with_redis_unreachable_a_message_is_handed_on_not_dropped(
        closed_port: int, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    handed: list[UserMessage] = []

    async def deliver(message: UserMessage, _handler: Any) -> None:
        handed.append(message)
    monkeypatch.setattr(intake_module, "deliver", deliver)
    caplog.set_level(logging.INFO)
    intake = Intake(Limits(rate_messages=100), state=unreachable(closed_port))
    output = CollectingOutputChannel()

    async def run() -> None:
        await intake.receive(SimpleNamespace(), "hej, varför är jag avstängd?", "acct-42",
                             output, "rest", on_new_message=None)  # type: ignore[arg-type]
        await intake.receive(SimpleNamespace(), "ok", "acct-42", output, "rest",
                             on_new_message=None)  # type: ignore[arg-type]
    asyncio.run(run())
    assert [m.text for m in handed] == ["hej, varför är jag avstängd?", "ok"]
    assert output.messages == []  # no refusal: the user is answered by the bot
    assert handed[0].metadata["language"] == "sv"
    stores = {line["store"] for line in events(caplog, "shared_state_unavailable")}
    assert stores == {"sender_limits", "remembered_languages"}
    assert not events(caplog, "message_refused")


def test_with_redis_unreachable_the_language_is_remembered_in_the_process(
        closed_port: int) -> None:
    languages = RememberedLanguages(unreachable(closed_port))

    async def run() -> str | None:
        await languages.remember("acct-42", "sv")
        return await languages.recall("acct-42")
    assert asyncio.run(run()) == "sv"
    assert languages.outage.down


def test_with_redis_unreachable_sign_in_stays_throttled(closed_port: int) -> None:
    throttle = SignInThrottle("2 per 1 minute", "100 per 1 minute", unreachable(closed_port))

    async def run() -> list[bool]:
        return [(await throttle.attempt("alice", "10.0.0.1")).allowed for _ in range(3)]
    assert asyncio.run(run()) == [True, True, False]


def test_an_outage_is_retried_after_a_pause_and_its_end_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    outage = Outage("sender_limits", SharedState("redis://127.0.0.1:6379/1"),
                    clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="bot.shared_state")
    assert not outage.skipping()
    outage.failed(ConnectionError("refused"))
    assert outage.skipping() and outage.skipping()  # the next calls go local at once
    now[0] += RETRY_SECONDS
    assert not outage.skipping()  # time to try Redis again
    outage.failed(ConnectionError("refused"))  # still down: not logged again
    now[0] += RETRY_SECONDS + 1
    assert not outage.skipping()
    outage.succeeded()
    assert not outage.down
    assert len(events(caplog, "shared_state_unavailable")) == 1
    [restored] = events(caplog, "shared_state_restored")
    assert restored["served_locally"] == 4 and restored["down_s"] == 2 * RETRY_SECONDS + 1


def test_the_settings_choose_the_store() -> None:
    assert SharedState.from_settings(Settings().broker) == SharedState(None, "supportbot")
    broker = Settings.from_env({
        "SUPPORTBOT_SHARED_STATE": "redis", "SUPPORTBOT_REDIS_HOST": "cache.internal",
        "SUPPORTBOT_REDIS_PORT": "6380", "SUPPORTBOT_REDIS_DB": "4",
        "SUPPORTBOT_REDIS_PASSWORD": "p@ss/word", "SUPPORTBOT_REDIS_KEY_PREFIX": "sb2",
    }).broker
    state = SharedState.from_settings(broker)
    assert state.redis_url == "redis://:p%40ss%2Fword@cache.internal:6380/4"
    assert state.limits_uri() == "async+redis://:p%40ss%2Fword@cache.internal:6380/4"
    assert state.described() == "redis://cache.internal:6380/4"
    assert "p%40ss" not in repr(state) and state.key("language", "a") == "sb2:language:a"
