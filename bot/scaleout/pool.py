"""Which backend gets a request: round-robin for REST, a stable choice per client for
socket.io, and dead backends skipped (passively on a failed connect, actively by the
balancer's health checks).
"""

from __future__ import annotations

import itertools
import logging
import time
import zlib
from dataclasses import dataclass

from bot.logs import log_event

logger = logging.getLogger(__name__)

DOWN_S = 5.0  # a backend that refused a connection is left alone this long


@dataclass
class Backend:
    url: str  # http://127.0.0.1:5005, no trailing slash
    down_until: float = 0.0

    def alive(self, now: float) -> bool:
        return now >= self.down_until


class Pool:
    def __init__(self, urls: list[str]) -> None:
        if not urls:
            raise ValueError("the balancer needs at least one backend")
        self.backends = [Backend(url.rstrip("/")) for url in urls]
        self._turn = itertools.count()

    def round_robin(self) -> list[Backend]:
        """Every backend, to try in order: the next in turn first, live ones before
        those marked down (which are still tried last: the mark may be stale)."""
        start = next(self._turn) % len(self.backends)
        return self._live_first(start)

    def sticky(self, key: str) -> list[Backend]:
        """The same first choice for the same key while it is alive; when it is down,
        the next one in the ring, so one client's requests still land together."""
        start = zlib.crc32(key.encode("utf-8")) % len(self.backends)
        return self._live_first(start)

    def _live_first(self, start: int) -> list[Backend]:
        ring = self.backends[start:] + self.backends[:start]
        now = time.monotonic()
        return [b for b in ring if b.alive(now)] + [b for b in ring if not b.alive(now)]

    def mark_down(self, backend: Backend, reason: str) -> None:
        was_alive = backend.alive(time.monotonic())
        backend.down_until = time.monotonic() + DOWN_S
        if was_alive:
            log_event(logger, "backend_down", logging.WARNING, backend=backend.url,
                      reason=reason)

    def mark_up(self, backend: Backend) -> None:
        if not backend.alive(time.monotonic()):
            log_event(logger, "backend_up", backend=backend.url)
        backend.down_until = 0.0
