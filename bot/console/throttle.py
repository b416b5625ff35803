"""Sign-in throttling: attempts are counted per account and per address.

Each key has a moving window (the `limits` library). An attempt is counted before the
password is checked, atomically, so concurrent guesses cannot slip past the count, and
once either window is full the attempt is refused unchecked: the right password does not
sign in during a lock-out. A successful sign-in clears its account's count (so the
account counts failures since the last success); the address keeps its count, so one
known password does not reopen a guessing run from that address.

The console may run as several processes (behind nginx, on two machines): sessions are in
the desk, and the alert worker can run on its own (SUPPORTBOT_ALERT_IN_CONSOLE=0). So the
counts are kept where bot.shared_state says: in the shared Redis with
SUPPORTBOT_SHARED_STATE=redis, or else an attacker would get one budget per console
process; in process memory otherwise. The Redis storage is limits' asynchronous one, so a
slow Redis never stalls the console's event loop (the live queue of every agent). If
Redis fails, attempts are counted in the process's memory meanwhile: sign-in stays
throttled (per process) and open to agents, and `shared_state_unavailable` is logged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.settings import ConsoleSettings, get_settings
from bot.shared_state import Outage, SharedState, unavailable_errors

DEFAULT_ACCOUNT_LIMIT = ConsoleSettings.signin_account_limit
DEFAULT_ADDRESS_LIMIT = ConsoleSettings.signin_address_limit
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
        state: SharedState | None = None,
    ) -> None:
        # Imported here: `limits` pulls in pkg_resources (slow), and every `supportbot`
        # command imports this package, not only the console.
        from limits import parse
        from limits.aio.strategies import MovingWindowRateLimiter
        from limits.storage import storage_from_string

        self._limits: dict[str, Any] = {
            "account": parse(account_limit),
            "address": parse(address_limit),
        }
        self.state = state or SharedState()
        self._namespace = self.state.key(NAMESPACE)
        # A limiter holds its storage only by weak reference: these keep them alive.
        self._local_storage = storage_from_string("async+memory://")
        self._local = MovingWindowRateLimiter(self._local_storage)
        self._shared: Any = None
        if self.state.shared:
            self._shared_storage = storage_from_string(self.state.limits_uri(),
                                                       **self.state.limits_options())
            self._shared = MovingWindowRateLimiter(self._shared_storage)
            self._unavailable = unavailable_errors()
        self.outage = Outage("console_signin_throttle", self.state)

    @classmethod
    def from_env(cls, settings: ConsoleSettings | None = None,
                 state: SharedState | None = None) -> SignInThrottle:
        """As SUPPORTBOT_CONSOLE_* and SUPPORTBOT_SHARED_STATE say (bot.settings)."""
        settings = settings or get_settings().console
        return cls(settings.signin_account_limit, settings.signin_address_limit,
                   state or SharedState.from_settings())

    async def attempt(self, account: str, address: str) -> Verdict:
        """Count one sign-in attempt; refused when a count is already full."""
        if self._shared is not None and not self.outage.skipping():
            try:
                verdict = await self._attempt(self._shared, account, address)
            except self._unavailable as error:
                self.outage.failed(error)
            else:
                self.outage.succeeded()
                return verdict
        return await self._attempt(self._local, account, address)

    async def _attempt(self, limiter: Any, account: str, address: str) -> Verdict:
        keys = {"account": account_key(account), "address": address or "unknown"}
        for kind, key in keys.items():
            item = self._limits[kind]
            if not await limiter.hit(item, self._namespace, kind, key):
                reset_at, _remaining = await limiter.get_window_stats(
                    item, self._namespace, kind, key)
                wait = max(1, int(reset_at - time.time()) + 1)
                return Verdict(allowed=False, locked=kind, retry_after_s=wait)
        return Verdict(allowed=True)

    async def succeeded(self, account: str) -> None:
        """Clear the account's count, in both places (it may have been counted in either)."""
        args = (self._limits["account"], self._namespace, "account", account_key(account))
        await self._local.clear(*args)
        if self._shared is not None and not self.outage.skipping():
            try:
                await self._shared.clear(*args)
            except self._unavailable as error:
                self.outage.failed(error)
