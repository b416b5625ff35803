"""Per-sender limits: messages and bytes, counted with the `limits` library. Windows
pass on a clock the test moves (`Clock`), not by waiting."""

from __future__ import annotations

import asyncio
import time

from bot.channels.sender_limits import Allowance, MemoryWindows, SenderLimiter
from bot.settings import Settings
from bot.shared_state import SharedState


class Clock:
    """Seconds since the epoch, as time.time() gives them, that move only when told."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))  # whole seconds: the windows' ends are exact

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def charges(limiter: SenderLimiter, calls: list[tuple[str, int]]) -> list[str | None]:
    async def run() -> list[str | None]:
        return [(await limiter.charge(sender, size)).exceeded for sender, size in calls]
    return asyncio.run(run())


def test_messages_are_counted_per_sender():
    limiter = SenderLimiter(Allowance(messages=3, bytes=10**6, seconds=60))
    assert charges(limiter, [("a", 10)] * 5 + [("b", 10)]) == [
        None, None, None, "burst", "burst", None]


def test_a_burst_then_a_human_pace_then_the_windows_count():
    clock = Clock()
    limiter = SenderLimiter(Allowance(messages=2, bytes=10**6, seconds=60), clock=clock)

    async def run() -> list[str | None]:
        verdicts = []
        for _ in range(3):  # two at once, three times, a second apart
            verdicts += [(await limiter.charge("a", 1)).exceeded for _ in range(2)]
            clock.advance(1.05)
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
    clock = Clock()
    limiter = SenderLimiter(Allowance(messages=1, bytes=100, seconds=2), clock=clock)

    async def run():
        first, second = await limiter.charge("a", 1), await limiter.charge("a", 1)
        clock.advance(1.05)  # the second's window has passed, 2 in 2 s allowed
        third, fourth = await limiter.charge("a", 1), await limiter.charge("a", 1)
        clock.advance(1.1)  # and now the 2 s window
        return [v.allowed for v in (first, second, third, fourth,
                                    await limiter.charge("a", 1))]
    assert asyncio.run(run()) == [True, False, True, False, True]


def test_a_window_ends_on_its_clock_and_not_before():
    clock = Clock()
    limiter = SenderLimiter(Allowance(messages=1, bytes=100, seconds=30), clock=clock)
    assert charges(limiter, [("a", 1), ("a", 1)]) == [None, "burst"]
    clock.advance(0.75)
    assert charges(limiter, [("a", 1)]) == ["burst"]  # the same second
    clock.advance(0.25)
    assert charges(limiter, [("a", 1)]) == [None]
    clock.advance(1)
    verdict = asyncio.run(limiter.charge("a", 1))  # 2 in 30 s: 28 s of the window are left
    assert verdict.exceeded == "messages" and verdict.retry_after_s == 29


def test_ended_windows_are_dropped_from_memory():
    clock = Clock()
    windows = MemoryWindows(clock)

    async def run() -> tuple[int, int]:
        for sender in range(100):
            await windows.incr(f"k{sender}", 5)
        clock.advance(5)
        await windows.incr("late", 5)
        return len(windows._counts), await windows.get("k0")
    assert asyncio.run(run()) == (1, 0)


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
