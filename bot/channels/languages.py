"""The language each sender last wrote in, for the channel's own answers to messages that
give no sign of one ("ok", a refused flood, a message too large to read).

Kept where bot.shared_state says: in the shared Redis when several instances run, so a
sender balanced to another instance is still answered in their language; in this
process's memory otherwise. Every language is also kept in memory, which answers while
Redis is unreachable (then an instance knows only what it saw itself).
"""

from __future__ import annotations

from typing import Any

from bot.shared_state import Outage, SharedState, unavailable_errors

LANGUAGES = ("en", "sv")
# A sender silent this long is answered by their next message's language, or the
# browser's: nobody needs the remembered one any more, and Redis drops it.
KEEP_SECONDS = 30 * 24 * 3600
MAX_LOCAL = 50_000  # senders kept in memory; forgotten all at once past it (bounded)


class RememberedLanguages:
    def __init__(self, state: SharedState | None = None) -> None:
        self.state = state or SharedState()
        self._local: dict[str, str] = {}
        self._redis: Any = self.state.redis_client() if self.state.shared else None
        self._unavailable = unavailable_errors() if self.state.shared else ()
        self.outage = Outage("remembered_languages", self.state)

    def _key(self, sender: str) -> str:
        return self.state.key("language", sender)

    async def remember(self, sender: str, language: str) -> None:
        if language not in LANGUAGES:
            return
        if len(self._local) > MAX_LOCAL:
            self._local.clear()
        self._local[sender] = language
        if self._redis is not None and not self.outage.skipping():
            try:
                await self._redis.set(self._key(sender), language, ex=KEEP_SECONDS)
            except self._unavailable as error:
                self.outage.failed(error)
            else:
                self.outage.succeeded()

    async def recall(self, sender: str) -> str | None:
        """The sender's last language: the shared one, else what this process saw."""
        if self._redis is not None and not self.outage.skipping():
            try:
                shared = await self._redis.get(self._key(sender))
            except self._unavailable as error:
                self.outage.failed(error)
            else:
                self.outage.succeeded()
                if shared in LANGUAGES:
                    return shared
        return self._local.get(sender)
