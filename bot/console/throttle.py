"""Sign-in throttling: attempts are counted per account and per address.

Each key has a moving window (the `limits` library). An attempt is counted before the
password is checked, atomically, so concurrent guesses cannot slip past the count, and
once either window is full the attempt is refused unchecked: the right password does not
sign in during a lock-out. A successful sign-in clears its account's count (so the
account counts failures since the last success); the address keeps its count, so one
known password does not reopen a guessing run from that address.

Memory storage by default; a storage URI such as `redis://host:6379` lets several
console instances share the counts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

ACCOUNT_LIMIT_ENV = "SUPPORTBOT_CONSOLE_SIGNIN_ACCOUNT_LIMIT"
ADDRESS_LIMIT_ENV = "SUPPORTBOT_CONSOLE_SIGNIN_ADDRESS_LIMIT"
STORAGE_ENV = "SUPPORTBOT_CONSOLE_THROTTLE_STORAGE"
DEFAULT_ACCOUNT_LIMIT = "5 per 15 minutes"
DEFAULT_ADDRESS_LIMIT = "30 per 15 minutes"
DEFAULT_STORAGE = "memory://"
NAMESPACE = "console-signin"


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in may be tried now; if not, which count is full and for how long."""

    allowed: bool
    locked: str | None = None  # "account" or "address"
    retry_after_s: int = 0


def account_key(name: str) -> str:
    """One count for "Alice", " alice" and "ALICE": case and spacing do not reset it."""
    return " ".join(name.split()).casefold()


class SignInThrottle:
    def __init__(
        self,
        account_limit: str = DEFAULT_ACCOUNT_LIMIT,
        address_limit: str = DEFAULT_ADDRESS_LIMIT,
        storage_uri: str = DEFAULT_STORAGE,
    ) -> None:
        # Imported here: `limits` pulls in pkg_resources (slow), and every `supportbot`
        # command imports this package, not only the console.
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self._limits: dict[str, Any] = {
            "account": parse(account_limit),
            "address": parse(address_limit),
        }
        # The limiter holds its storage only by weak reference: keep it alive here.
        self._storage = storage_from_string(storage_uri)
        self._limiter = MovingWindowRateLimiter(self._storage)

    @classmethod
    def from_env(cls) -> SignInThrottle:
        return cls(
            os.environ.get(ACCOUNT_LIMIT_ENV) or DEFAULT_ACCOUNT_LIMIT,
            os.environ.get(ADDRESS_LIMIT_ENV) or DEFAULT_ADDRESS_LIMIT,
            os.environ.get(STORAGE_ENV) or DEFAULT_STORAGE,
        )

    def attempt(self, account: str, address: str) -> Verdict:
        """Count one sign-in attempt; refused when a count is already full."""
        keys = {"account": account_key(account), "address": address or "unknown"}
        for kind, key in keys.items():
            item = self._limits[kind]
            if not self._limiter.hit(item, NAMESPACE, kind, key):
                reset_at, _remaining = self._limiter.get_window_stats(item, NAMESPACE, kind, key)
                wait = max(1, int(reset_at - time.time()) + 1)
                return Verdict(allowed=False, locked=kind, retry_after_s=wait)
        return Verdict(allowed=True)

    def succeeded(self, account: str) -> None:
        self._limiter.clear(self._limits["account"], NAMESPACE, "account", account_key(account))
