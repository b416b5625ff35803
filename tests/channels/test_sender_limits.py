"""Per-sender limits: messages and bytes, counted with the `limits` library."""

from __future__ import annotations

import asyncio

from bot.channels.sender_limits import Allowance, SenderLimiter
from bot.settings import Settings
from bot.shared_state import SharedState


def charges(limiter: SenderLimiter, calls: list[tuple[str, int]]) -> list[str | None]:
    async def run() -> list[str | None]:
        return [(await limiter.charge(sender, size)).exceeded for sender, size in calls]
    return asyncio.run(run())


def test_messages_are_counted_per_sender():
    limiter = SenderLimiter(Allowance(messages=3, bytes=10**6, seconds=60))
    assert charges(limiter, [("a", 10)] * 5 + [("b", 10)]) == [
        None, None, None, "burst", "burst", None]


def test_a_burst_then_a_human_pace_then_the_windows_count():
    limiter = SenderLimiter(Allowance(messages=2, bytes=10**6, seconds=60))

    async def run() -> list[str | None]:
        verdicts = []
        for _ in range(3):  # two at once, three times, a second apart
            verdicts += [(await limiter.charge("a", 1)).exceeded for _ in range(2)]
            await asyncio.sleep(1.05)
        return verdicts
    # At most 2 in a second, and 4 (twice that) in the 60 s window.
    assert asyncio.run(run()) == [None, None, None, None, "messages", "messages"]


def test_bytes_are_counted_so_a_few_large_messages_are_refused():
    limiter = SenderLimiter(Allowance(messages=100, bytes=1000, seconds=60))
    assert charges(limiter, [("a", 600), ("a", 300), ("a", 200), ("a", 1), ("b", 999)]) == [
        None, None, "bytes", "bytes", None]


def test_a_message_is_never_free():
    limiter = SenderLimiter(Allowance(messages=100, bytes=3, seconds=60))
    assert charges(limiter, [("a", 0)] * 4) == [None, None, None, "bytes"]


def test_a_refusal_says_when_to_come_back():
    limiter = SenderLimiter(Allowance(messages=1, bytes=100, seconds=30))

    async def run():
        await limiter.charge("a", 1)
        return await limiter.charge("a", 1)
    verdict = asyncio.run(run())
    assert not verdict.allowed and 1 <= verdict.retry_after_s <= 31


def test_the_window_passes():
    limiter = SenderLimiter(Allowance(messages=1, bytes=100, seconds=2))

    async def run():
        first, second = await limiter.charge("a", 1), await limiter.charge("a", 1)
        await asyncio.sleep(1.05)  # the second's window has passed, 2 in 2 s allowed
        third, fourth = await limiter.charge("a", 1), await limiter.charge("a", 1)
        await asyncio.sleep(1.1)  # and now the 2 s window
        return [v.allowed for v in (first, second, third, fourth,
                                    await limiter.charge("a", 1))]
    assert asyncio.run(run()) == [True, False, True, False, True]


def test_settings_from_the_environment():
    assert Allowance.from_settings(Settings().limits) == Allowance(10, 64 * 1024, 10)
    env = {"SUPPORTBOT_RATE_MESSAGES": "3", "SUPPORTBOT_RATE_BYTES": "5000",
           "SUPPORTBOT_RATE_SECONDS": "0.2"}
    limits = Settings.from_env(env).limits
    assert Allowance.from_settings(limits) == Allowance(3, 5000, 1)  # at least a second
    settings = Settings.from_env(env)
    limiter = SenderLimiter.from_settings(settings.limits, SharedState.from_settings(
        settings.broker))
    assert not limiter.state.shared  # memory unless SUPPORTBOT_SHARED_STATE=redis
    assert charges(limiter, [("a", 1)] * 4) == [None, None, None, "burst"]
