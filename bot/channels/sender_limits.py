"""Per-sender limits on what a chat user may send: messages and bytes in a window.

Counting messages alone let one sender stall everyone with a few huge ones; counting
bytes alone would let a sender flood with tiny ones. Both are counted for every message a
channel receives (refused ones too: a flood of refusals is still a flood), before the
message is cleaned, parsed or read by anything.

The counts live in a `limits` storage chosen by bot.shared_state: in process memory
(`make run`: each Rasa process counts its own senders), or in the shared Redis when several
instances run, one budget per sender whatever instance a message reaches. The Redis
storage is limits' asynchronous one (coredis), so a count never blocks the event loop. If
Redis fails, the message is counted in this process's memory instead (never refused or
lost for it) and operators get one `shared_state_unavailable` line. Fixed windows,
because a window's count is one counter per sender (Redis INCRBY + EXPIRE in one script);
the windows start at a sender's first message, not on the clock.

Messages are counted in two windows, close to the token bucket this replaced ("10 at
once, then one a second"): at most `messages` in one second, and at most twice that in
`seconds`. A person who sends a few quick lines and then goes on at a human pace is
never refused; a burst of 20 gets 10 through.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

from bot.settings import LimitsSettings, get_settings
from bot.shared_state import Outage, SharedState, unavailable_errors

NAMESPACE = "chat-sender"


@dataclass(frozen=True)
class Allowance:
    """What one sender may send.

    Defaults: 10 messages in a second, 20 and 64 KiB in 10 s. A message is at most 2,000
    characters, mostly one byte each (six as some clients escape them in JSON), so the
    messages a person writes fit; a flood of large ones does not, and one 30 MB body is
    refused before that by the body limit (bot.channels.body_limits).
    """

    messages: int = 10
    bytes: int = 64 * 1024
    seconds: int = 10

    @classmethod
    def from_settings(cls, settings: LimitsSettings | None = None) -> Allowance:
        """As SUPPORTBOT_RATE_* say (bot.settings)."""
        settings = settings or get_settings().limits
        return cls(
            messages=settings.rate_messages,
            bytes=settings.rate_bytes,
            # limits counts whole seconds; a window is at least one.
            seconds=max(1, round(settings.rate_seconds)),
        )


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    exceeded: str | None = None  # "burst" (in a second), "messages" or "bytes"
    retry_after_s: int = 0


class SenderLimiter:
    def __init__(self, allowance: Allowance | None = None, state: SharedState | None = None
                 ) -> None:
        self.allowance = allowance or Allowance()
        self.state = state or SharedState()
        self._burst = RateLimitItemPerSecond(self.allowance.messages, 1)
        self._messages = RateLimitItemPerSecond(2 * self.allowance.messages,
                                                self.allowance.seconds)
        self._bytes = RateLimitItemPerSecond(self.allowance.bytes, self.allowance.seconds)
        self._namespace = self.state.key(NAMESPACE)
        # A strategy keeps only a weak reference to its storage: these hold them.
        self._local_storage = storage_from_string("async+memory://")
        self._local = FixedWindowRateLimiter(self._local_storage)
        self._shared: FixedWindowRateLimiter | None = None
        if self.state.shared:
            self._shared_storage = storage_from_string(self.state.limits_uri(),
                                                       **self.state.limits_options())
            self._shared = FixedWindowRateLimiter(self._shared_storage)
            self._unavailable = unavailable_errors()
        self.outage = Outage("sender_limits", self.state)

    @classmethod
    def from_settings(cls, settings: LimitsSettings | None = None,
                      state: SharedState | None = None) -> SenderLimiter:
        settings = settings or get_settings().limits
        return cls(Allowance.from_settings(settings), state or SharedState.from_settings())

    async def charge(self, sender: str, size: int) -> Verdict:
        """Count one message of `size` raw bytes from `sender`; refused when either count
        is over its allowance. The message counts even when the bytes refuse it. Counted
        in the shared Redis when there is one and it answers, else in this process."""
        if self._shared is not None and not self.outage.skipping():
            try:
                verdict = await self._charge(self._shared, sender, size)
            except self._unavailable as error:
                self.outage.failed(error)
            else:
                self.outage.succeeded()
                return verdict
        return await self._charge(self._local, sender, size)

    async def _charge(self, limiter: FixedWindowRateLimiter, sender: str, size: int
                      ) -> Verdict:
        for kind, item in (("burst", self._burst), ("messages", self._messages)):
            if not await limiter.hit(item, self._namespace, kind, sender):
                return await self._refused(limiter, kind, item, sender)
        if not await limiter.hit(self._bytes, self._namespace, "bytes", sender,
                                 cost=max(1, size)):
            return await self._refused(limiter, "bytes", self._bytes, sender)
        return Verdict(True)

    async def _refused(self, limiter: FixedWindowRateLimiter, kind: str,
                       item: RateLimitItemPerSecond, sender: str) -> Verdict:
        reset_at, _ = await limiter.get_window_stats(item, self._namespace, kind, sender)
        return Verdict(False, kind, max(1, int(reset_at - time.time()) + 1))
