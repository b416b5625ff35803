"""Where the state every instance must agree on lives: the per-sender chat limits, the
language each sender last wrote in, and the console's sign-in counts.

With `SUPPORTBOT_SHARED_STATE=redis` (`make run-scaled`, deploy/systemd) they are kept in
the Redis of Rasa's lock store (`SUPPORTBOT_REDIS_*`, its key prefix first), so a sender
balanced over N instances has one budget, not N, and is answered in one language
everywhere. Otherwise (`make run`) each process keeps its own, in memory.

Every store talks to Redis through coredis, asynchronously: a Redis round trip made on the
event loop with a blocking client (redis-py, limits' sync storage) would stall every
conversation of the instance, for the whole connect timeout while Redis is unreachable.

Redis going away does not refuse or lose a message: each store falls back to its process's
memory (`Outage`), logs `shared_state_unavailable` once, tries Redis again after
`RETRY_SECONDS`, and logs `shared_state_restored` when it answers again. Meanwhile a sender
balanced over N instances may get up to N budgets; refusing everyone's messages while
Redis is down would be worse (the chat would stop for a cache).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.logs import log_event
from bot.settings import BrokerSettings, get_settings

logger = logging.getLogger(__name__)

MEMORY = "memory"
REDIS = "redis"
# Redis answers on the same network in well under a millisecond; a command that takes
# this long means Redis is in trouble, and the message goes on with the local count.
CONNECT_TIMEOUT_S = 0.5
COMMAND_TIMEOUT_S = 0.5
# After a failure, Redis is left alone this long: during an outage at most one message
# per store and process waits for a timeout in this interval, the rest go straight on.
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class SharedState:
    """Where the stores keep their state: `redis_url` (None: this process's memory) and
    the prefix every key starts with."""

    redis_url: str | None = field(default=None, repr=False)  # may carry a password
    key_prefix: str = "supportbot"

    @classmethod
    def from_settings(cls, settings: BrokerSettings | None = None) -> SharedState:
        """As SUPPORTBOT_SHARED_STATE and SUPPORTBOT_REDIS_* say (bot.settings)."""
        settings = settings or get_settings().broker
        if settings.shared_state != REDIS:
            return cls(None, settings.redis_key_prefix)
        auth = f":{quote(settings.redis_password, safe='')}@" if settings.redis_password else ""
        url = f"redis://{auth}{settings.redis_host}:{settings.redis_port}/{settings.redis_db}"
        return cls(url, settings.redis_key_prefix)

    @property
    def shared(self) -> bool:
        return self.redis_url is not None

    def key(self, *parts: str) -> str:
        """A key (or a `limits` namespace) of this deployment: `PREFIX:part:...`."""
        return ":".join((self.key_prefix, *parts))

    def limits_uri(self) -> str:
        """The `limits` storage: its asynchronous variant, counted on the event loop."""
        return f"async+{self.redis_url}" if self.redis_url else "async+memory://"

    def limits_options(self) -> dict[str, Any]:
        """What `limits` passes on to coredis: timeouts, so a stalled Redis fails fast."""
        if not self.redis_url:
            return {}
        return {"connect_timeout": CONNECT_TIMEOUT_S, "stream_timeout": COMMAND_TIMEOUT_S}

    def redis_client(self) -> Any:
        """A coredis client of the shared Redis (strings in, strings out)."""
        if not self.redis_url:
            raise ValueError("no shared Redis: SUPPORTBOT_SHARED_STATE is not `redis`")
        import coredis  # only where Redis is used: every `supportbot` command imports bot

        return coredis.StrictRedis.from_url(self.redis_url, decode_responses=True,
                                            **self.limits_options())

    def described(self) -> str:
        """For log lines: the Redis address without its password, or `memory`."""
        if not self.redis_url:
            return MEMORY
        scheme, _, rest = self.redis_url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"


def unavailable_errors() -> tuple[type[BaseException], ...]:
    """What a Redis that is down, unreachable or stalled raises through coredis."""
    from coredis.exceptions import RedisError

    return (RedisError, OSError, asyncio.TimeoutError)


class Outage:
    """One store's view of the shared Redis: whether to skip it now, and the log lines
    an operator needs (when it went, why, and how many calls were served locally)."""

    def __init__(self, store: str, state: SharedState,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.state, self._clock = store, state, clock
        self._since: float | None = None  # when Redis first failed, None while it works
        self._retry_at = 0.0
        self.local_calls = 0  # served from process memory during this outage

    @property
    def down(self) -> bool:
        return self._since is not None

    def skipping(self) -> bool:
        """True while Redis failed less than RETRY_SECONDS ago: go local at once."""
        if self._since is not None and self._clock() < self._retry_at:
            self.local_calls += 1
            return True
        return False

    def failed(self, error: BaseException) -> None:
        now = self._clock()
        self._retry_at = now + RETRY_SECONDS
        self.local_calls += 1
        if self._since is None:
            self._since = now
            log_event(logger, "shared_state_unavailable", logging.WARNING,
                      store=self.store, redis=self.state.described(),
                      error=type(error).__name__, detail=str(error)[:200],
                      fallback="process memory", retry_in_s=RETRY_SECONDS)

    def succeeded(self) -> None:
        if self._since is not None:
            log_event(logger, "shared_state_restored", store=self.store,
                      redis=self.state.described(),
                      down_s=round(self._clock() - self._since, 1),
                      served_locally=self.local_calls)
            self._since, self.local_calls = None, 0
