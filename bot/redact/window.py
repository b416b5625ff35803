"""The per-sender window: what a sender's last message leaves for the redaction of their
next one (bot.redact.context.Context), for a short time, in memory.

Bounded in time (an entry older than `seconds` is ignored and dropped) and in senders
(the least recently written go first). It holds kinds announced, counts and Luhn sums,
never the text of a message.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.redact.context import Context
from bot.settings import ChatSettings, get_settings

DEFAULT_SECONDS = ChatSettings.secret_window_seconds
DEFAULT_MAX_SENDERS = 50_000


@dataclass
class SecretWindow:
    seconds: float = DEFAULT_SECONDS
    max_senders: int = DEFAULT_MAX_SENDERS
    _entries: OrderedDict[str, tuple[float, Context]] = field(default_factory=OrderedDict)

    @classmethod
    def from_settings(cls, settings: ChatSettings | None = None) -> SecretWindow:
        """As long as SUPPORTBOT_SECRET_WINDOW_SECONDS says (bot.settings)."""
        return cls(seconds=(settings or get_settings().chat).secret_window_seconds)

    def context(self, sender: str, now: float | None = None) -> Context:
        """What `sender`'s last message left, if it is recent enough; else nothing."""
        now = time.monotonic() if now is None else now
        entry = self._entries.get(sender)
        if entry is None:
            return Context()
        written, carried = entry
        if now - written > self.seconds:
            del self._entries[sender]
            return Context()
        return carried

    def remember(self, sender: str, carried: Context, now: float | None = None) -> None:
        """Keep what `sender`'s message leaves for the next (nothing: forget them)."""
        now = time.monotonic() if now is None else now
        self._entries.pop(sender, None)
        if carried == Context():
            return
        self._entries[sender] = (now, carried)
        while len(self._entries) > self.max_senders:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
