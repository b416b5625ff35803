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

import time
from dataclasses import dataclass
from typing import Any

from bot.settings import ConsoleSettings, get_settings

DEFAULT_ACCOUNT_LIMIT = ConsoleSettings.signin_account_limit
DEFAULT_ADDRESS_LIMIT = ConsoleSettings.signin_address_limit
DEFAULT_STORAGE = ConsoleSettings.throttle_storage
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
    def from_env(cls, settings: ConsoleSettings | None = None) -> SignInThrottle:
        """As SUPPORTBOT_CONSOLE_* say (bot.settings)."""
        settings = settings or get_settings().console
        return cls(settings.signin_account_limit, settings.signin_address_limit,
                   settings.throttle_storage)

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
