"""Per-sender limits on what a chat user may send: messages and bytes in a window.

Counting messages alone let one sender stall everyone with a few huge ones; counting
bytes alone would let a sender flood with tiny ones. Both are counted for every message a
channel receives (refused ones too: a flood of refusals is still a flood), before the
message is cleaned, parsed or read by anything.

The counts live in a `limits` storage: in process memory by default (each Rasa process
counts its own senders), or shared by several instances through a URI such as
`async+redis://host:6379` (limits' asynchronous Redis storage needs the `coredis`
package). Fixed windows, because a window's count is one counter per sender (Redis
INCRBY + EXPIRE); the windows start at a sender's first message, not on the clock.

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

DEFAULT_STORAGE = "async+memory://"
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


def async_storage_uri(uri: str) -> str:
    """The asynchronous variant of a storage URI ("redis://h" -> "async+redis://h"): the
    count is taken on the server's event loop, which a blocking client would stall."""
    uri = uri.strip() or DEFAULT_STORAGE
    return uri if uri.startswith("async+") else f"async+{uri}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    exceeded: str | None = None  # "burst" (in a second), "messages" or "bytes"
    retry_after_s: int = 0


class SenderLimiter:
    def __init__(self, allowance: Allowance | None = None, storage_uri: str = DEFAULT_STORAGE
                 ) -> None:
        self.allowance = allowance or Allowance()
        self._burst = RateLimitItemPerSecond(self.allowance.messages, 1)
        self._messages = RateLimitItemPerSecond(2 * self.allowance.messages,
                                                self.allowance.seconds)
        self._bytes = RateLimitItemPerSecond(self.allowance.bytes, self.allowance.seconds)
        # The strategy keeps only a weak reference to its storage: this one holds it.
        self._storage = storage_from_string(async_storage_uri(storage_uri))
        self._limiter = FixedWindowRateLimiter(self._storage)

    @classmethod
    def from_settings(cls, settings: LimitsSettings | None = None) -> SenderLimiter:
        settings = settings or get_settings().limits
        return cls(Allowance.from_settings(settings),
                   settings.rate_storage_uri or DEFAULT_STORAGE)

    async def charge(self, sender: str, size: int) -> Verdict:
        """Count one message of `size` raw bytes from `sender`; refused when either count
        is over its allowance. The message counts even when the bytes refuse it."""
        for kind, item in (("burst", self._burst), ("messages", self._messages)):
            if not await self._limiter.hit(item, NAMESPACE, kind, sender):
                return await self._refused(kind, item, sender)
        if not await self._limiter.hit(self._bytes, NAMESPACE, "bytes", sender,
                                       cost=max(1, size)):
            return await self._refused("bytes", self._bytes, sender)
        return Verdict(True)

    async def _refused(self, kind: str, item: RateLimitItemPerSecond, sender: str) -> Verdict:
        reset_at, _ = await self._limiter.get_window_stats(item, NAMESPACE, kind, sender)
        return Verdict(False, kind, max(1, int(reset_at - time.time()) + 1))
