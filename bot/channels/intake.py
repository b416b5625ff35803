"""The one door of the user channels: screen a message (bot.channels.guard), answer it
here when it must not be processed, else hand the cleaned, redacted message to delivery.

Shared by the REST and socket.io channels, so a flood is counted per sender whatever
channel it comes through (per Rasa process: each instance keeps its own buckets).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.delivery import deliver
from bot.channels.guard import (
    SECRET_RESPONSES,
    Limits,
    RateLimiter,
    Screened,
    button_payloads,
    render,
    screen,
)
from bot.channels.identity import UNCONFIGURED, mode
from bot.i18n import lang
from bot.language import detect_language
from bot.logs import log_event
from bot.metrics.messages import REFUSED, Turn

logger = logging.getLogger(__name__)
DOMAIN_DIR = Path(__file__).resolve().parents[2] / "domain"
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@lru_cache(maxsize=1)
def _disk_responses() -> Mapping[str, list]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(DOMAIN_DIR)).responses


def responses_of(app: Any) -> Mapping[str, list]:
    """The running model's responses; the repository's domain before a model is loaded."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    return domain.responses if domain is not None else _disk_responses()


class Intake:
    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_env()
        self.limiter = RateLimiter(self.limits.rate_messages, self.limits.rate_seconds)
        self._languages: dict[str, str] = {}  # sender -> last language they wrote in
        self._payloads: tuple[int, frozenset[str]] = (0, frozenset())

    def payloads(self, responses: Mapping[str, list]) -> frozenset[str]:
        # Collected once per loaded model (a new model may offer other buttons).
        if self._payloads[0] != id(responses):
            self._payloads = (id(responses), button_payloads(responses))
        return self._payloads[1]

    def language(self, sender: str, detected: str | None) -> str:
        if detected:
            if len(self._languages) > 50_000:
                self._languages.clear()
            self._languages[sender] = detected
        return lang(self._languages.get(sender))

    async def receive(
        self, app: Any, text: str, sender: str, output: OutputChannel, channel: str,
        on_new_message: OnNewMessage,
    ) -> Screened:
        turn = Turn(channel)  # count, latency, fallback (bot/metrics); no I/O
        responses = responses_of(app)
        screened = screen(text, sender, self.limits, self.limiter, self.payloads(responses))
        language = self.language(sender, screened.language)
        if screened.payload_defused:
            log_event(logger, "payload_defused", logging.WARNING, user=sender, channel=channel)
        if screened.redacted:
            log_event(logger, "secret_redacted", user=sender, channel=channel,
                      kinds=list(screened.redacted))
        if screened.refusal:
            log_event(logger, "message_refused", user=sender, channel=channel,
                      reason=screened.refusal, chars=len(text))
            for reply in self.refusal_texts(responses, screened, language, len(text)):
                await output.send_text_message(sender, reply)
            turn.end(REFUSED)
            return screened
        metadata = {"redacted": list(screened.redacted)} if screened.redacted else {}
        message = UserMessage(screened.text, output, sender, input_channel=channel,
                              metadata=metadata)
        try:
            await deliver(message, turn.watch(message.message_id, on_new_message))
        finally:
            turn.end()
        return screened

    def refusal_texts(
        self, responses: Mapping[str, list], screened: Screened, language: str, length: int
    ) -> list[str]:
        texts = [render(responses, f"utter_{screened.refusal}", language,
                        length=length, max_chars=self.limits.max_chars)]
        # An oversize message was not stored, but a secret in it was still sent.
        texts += [render(responses, SECRET_RESPONSES[k], language) for k in screened.redacted]
        return [t for t in texts if t]


@lru_cache(maxsize=1)
def shared_intake() -> Intake:
    """One per Rasa process: the REST and socket.io channels share the rate limit."""
    current = mode()
    # Operators see at start-up how users sign in, and why every chat fails if unset.
    log_event(logger, "chat_sign_in_mode", logging.ERROR if current == UNCONFIGURED
              else logging.INFO, mode=current)
    return Intake()


def request_language(text: object, accept_language: str | None) -> str:
    """The language of a request that has no conversation yet: its message, else the
    browser's preference, else English."""
    detected = detect_language(text) if isinstance(text, str) else None
    if detected:
        return detected
    return "sv" if (accept_language or "").strip().lower().startswith("sv") else "en"


def error_text(app: Any, reason: str, language: str) -> str:
    """A sign-in or request error (a response in domain/safety.yml)."""
    return render(responses_of(app), f"utter_{reason}", language) or reason
