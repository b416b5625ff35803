"""The one door of the user channels: count the message against its sender's limits
(bot.channels.sender_limits), screen it (bot.channels.guard), answer it here when it must
not be processed, else hand the cleaned, redacted message to delivery.

Shared by the REST and socket.io channels, so a flood is counted per sender whatever
channel it comes through (per Rasa process, or in the shared Redis with
SUPPORTBOT_SHARED_STATE=redis: bot.shared_state).
"""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import Awaitable, Callable, Mapping
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.delivery import deliver
from bot.channels.guard import (
    RATE_LIMITED,
    SECRET_RESPONSES,
    Limits,
    Screened,
    button_payloads,
    render,
    screen,
)
from bot.channels.identity import DEVELOPMENT, UNCONFIGURED, dev_login, mode
from bot.channels.languages import RememberedLanguages
from bot.channels.sender_limits import Allowance, SenderLimiter, Verdict
from bot.channels.tx_question import bot_asked_for_tx_id, may_need_the_question
from bot.i18n import lang
from bot.language import LANGUAGE_KEY, detect_language
from bot.logs import log_event
from bot.metrics.messages import REFUSED, Turn
from bot.project_domain import project_responses
from bot.redact.window import SecretWindow
from bot.shared_state import SharedState

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
LANGUAGE_SAMPLE_CHARS = 2000  # enough words to tell en from sv; bounded work


def responses_of(app: Any) -> Mapping[str, list]:
    """The running model's responses; the repository's domain before a model is loaded."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    return domain.responses if domain is not None else project_responses()


def channel_texts(app: Any) -> Mapping[str, list]:
    """Where the channel's own texts are looked up: the running model's responses, then
    the repository's domain (a text added since the model was trained is still said)."""
    return ChainMap(responses_of(app), project_responses())


class Intake:
    def __init__(self, limits: Limits | None = None, limiter: SenderLimiter | None = None,
                 state: SharedState | None = None) -> None:
        self.limits = limits or Limits.from_settings()
        state = state or SharedState.from_settings()
        self.limiter = limiter or SenderLimiter(
            Allowance(messages=self.limits.rate_messages,
                      bytes=Allowance.from_settings().bytes,
                      seconds=max(1, round(self.limits.rate_seconds))),
            state)
        self.languages = RememberedLanguages(state)  # sender -> last language they wrote in
        self._payloads: tuple[int, frozenset[str]] = (0, frozenset())
        self.secrets = SecretWindow.from_settings()  # a secret split over two messages

    def payloads(self, responses: Mapping[str, list]) -> frozenset[str]:
        # Collected once per loaded model (a new model may offer other buttons).
        if self._payloads[0] != id(responses):
            self._payloads = (id(responses), button_payloads(responses))
        return self._payloads[1]

    async def reply_language(self, sender: str | None, sample: str, fallback: str) -> str:
        """The language to refuse an unread message in: its own (from a bounded sample),
        else the sender's last, else `fallback` (the browser's)."""
        detected = detect_language(sample[:LANGUAGE_SAMPLE_CHARS])
        if detected:
            return detected
        return (await self.languages.recall(sender) if sender else None) or fallback

    async def language(self, sender: str, detected: str | None) -> str:
        """The message's language when it shows one (remembered for the sender), else the
        sender's last, else English. One Redis call when the state is shared."""
        if detected:
            await self.languages.remember(sender, detected)
            return lang(detected)
        return lang(await self.languages.recall(sender))

    async def receive(
        self, app: Any, text: str, sender: str, output: OutputChannel, channel: str,
        on_new_message: OnNewMessage, size: int | None = None,
    ) -> Screened:
        """`size`: the raw bytes the channel received for this message (its text's UTF-8
        length when not given); counted against the sender before the text is touched."""
        turn = Turn(channel)  # count, latency, fallback (bot/metrics); no I/O
        size = len(text.encode("utf-8", "surrogatepass")) if size is None else size
        verdict = await self.limiter.charge(sender, size)
        if verdict.allowed:
            expecting = may_need_the_question(text) and await bot_asked_for_tx_id(app, sender)
            screened = screen(text, sender, self.limits, self.payloads(responses_of(app)),
                              secrets=self.secrets, expecting_tx_id=expecting)
        else:
            screened = Screened("", RATE_LIMITED)
        language = await self.language(sender, screened.language)
        if screened.payload_defused:
            log_event(logger, "payload_defused", logging.WARNING, user=sender, channel=channel)
        if screened.redacted:
            log_event(logger, "secret_redacted", user=sender, channel=channel,
                      kinds=list(screened.redacted))
        if screened.refusal:
            log_event(logger, "message_refused", user=sender, channel=channel,
                      reason=screened.refusal, chars=len(text), bytes=size,
                      **_exceeded(verdict))
            for reply in self.refusal_texts(channel_texts(app), screened, language, len(text)):
                await output.send_text_message(sender, reply)
            turn.end(REFUSED)
            return screened
        metadata: dict[str, Any] = {LANGUAGE_KEY: screened.language}
        if screened.redacted:
            metadata["redacted"] = list(screened.redacted)
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


def _exceeded(verdict: Verdict) -> dict[str, object]:
    if verdict.allowed:
        return {}
    return {"exceeded": verdict.exceeded, "retry_after_s": verdict.retry_after_s}


@lru_cache(maxsize=1)
def shared_intake() -> Intake:
    """One per Rasa process: the REST and socket.io channels share the rate limit."""
    log_sign_in_mode()
    intake = Intake()
    allowance = intake.limiter.allowance
    log_event(logger, "chat_limits", messages=allowance.messages, bytes=allowance.bytes,
              seconds=allowance.seconds, max_chars=intake.limits.max_chars,
              storage=intake.limiter.state.described())
    return intake


def log_sign_in_mode() -> None:
    """Operators see at start-up how users sign in: an ERROR when every chat will fail,
    a WARNING when any account id is accepted, or when the dev sign-in is ignored."""
    current = mode()
    level = {UNCONFIGURED: logging.ERROR, DEVELOPMENT: logging.WARNING}.get(
        current, logging.INFO)
    fields: dict[str, object] = {"mode": current}
    if current == DEVELOPMENT:
        fields["note"] = ("development sign-in: any account id is accepted without a "
                          "token; set SUPPORTBOT_IDENTITY_KEY in production")
    elif dev_login():
        level = logging.WARNING
        fields["note"] = ("SUPPORTBOT_DEV_LOGIN=1 is ignored: an identity key is set, "
                          "so only signed tokens sign in")
    log_event(logger, "chat_sign_in_mode", level, **fields)


def request_language(text: object, accept_language: str | None) -> str:
    """The language of a request that has no conversation yet: its message, else the
    browser's preference, else English."""
    detected = detect_language(text) if isinstance(text, str) else None
    if detected:
        return detected
    return "sv" if (accept_language or "").strip().lower().startswith("sv") else "en"


def error_text(app: Any, reason: str, language: str, **values: object) -> str:
    """A sign-in or request error (a response in domain/safety.yml)."""
    return render(channel_texts(app), f"utter_{reason}", language, **values) or reason
