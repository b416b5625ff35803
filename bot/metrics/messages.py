"""Metrics of every user message, updated in bot.channels.intake.Intake.receive.

One set per Rasa process (Prometheus sums instances). Nothing here does I/O: the
fallback is read from the replies the turn already produced, not from the tracker store.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from prometheus_client import Counter, Histogram

HANDLED = "handled"  # Rasa completed the turn; its replies went out
REFUSED = "refused"  # the guard answered it (rate, size, empty, language); Rasa never saw it
KEPT = "kept"  # not answered now: kept in the outbox for a replay (or parked for staff)
OUTCOMES = (HANDLED, REFUSED, KEPT)

# The responses of a turn the bot did not understand: the menu (the rule for `nlu_fallback`
# and Rasa's `action_default_fallback`) and the clarifying question about a likely case
# (actions/clarify.py). Rasa puts the response's name in every bot message it generates
# (`utter_action`).
FALLBACK_RESPONSES = frozenset({"utter_default", "utter_ask_which_case", "utter_ask_is_it_case",
                                "utter_ask_funds_gone"})

# Seconds: the targets are p50 <= 20 ms (one user) and p95 <= 250 ms (20 users);
# 2.5 s and 5 s catch action-server timeouts and kept turns.
LATENCY_BUCKETS = (0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)

MESSAGES = Counter(
    "supportbot_messages", "User messages received by this Rasa process",
    ["channel", "outcome"],
)
LATENCY = Histogram(
    "supportbot_message_duration_seconds",
    "A user message end to end through the channel: screening, Rasa's turn, replies sent",
    ["channel", "outcome"], buckets=LATENCY_BUCKETS,
)
FALLBACKS = Counter(
    "supportbot_fallback_replies",
    "Handled user messages answered with the fallback response (NLU or core fallback)",
    ["channel"],
)

Handler = Callable[[Any], Awaitable[Any]]


def payloads(output: Any) -> Iterable[dict[str, Any]]:
    """What an output channel holds: delivery's BufferedOutput keeps (recipient, payload)
    pairs, Rasa's CollectingOutputChannel keeps payload dicts."""
    for item in getattr(output, "messages", None) or ():
        payload = item[1] if isinstance(item, tuple) and len(item) == 2 else item
        if isinstance(payload, dict):
            yield payload


def is_fallback(output: Any) -> bool:
    return any(p.get("utter_action") in FALLBACK_RESPONSES for p in payloads(output))


class Turn:
    """One user message through the channel: started at creation, recorded once by `end`."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.started = time.perf_counter()
        self.handled = False
        self.fallback = False
        self._ended = False

    def watch(self, message_id: str, handler: Handler) -> Handler:
        """Rasa's message handler, noting whether it completed this message's turn and
        what it replied. Delivery may first replay the sender's older kept messages
        through it: only `message_id` counts here."""
        async def watched(message: Any) -> Any:
            result = await handler(message)  # raises when the turn was not completed
            if getattr(message, "message_id", None) == message_id:
                self.handled = True
                self.fallback = is_fallback(getattr(message, "output_channel", None))
            return result
        return watched

    def end(self, outcome: str | None = None) -> str:
        """Record the message (once); the outcome defaults to handled or kept."""
        outcome = outcome or (HANDLED if self.handled else KEPT)
        if not self._ended:
            self._ended = True
            MESSAGES.labels(self.channel, outcome).inc()
            LATENCY.labels(self.channel, outcome).observe(time.perf_counter() - self.started)
            if self.fallback and outcome == HANDLED:
                FALLBACKS.labels(self.channel).inc()
        return outcome
