"""REST channel at /webhooks/rest/webhook, in place of Rasa's `rest`.

    POST {"message": "..."}  with  Authorization: Bearer <token from the exchange's site>

The sender is the token's account (development: the body's "sender" when no token).
Differences from Rasa's RestInput, on purpose: malformed bodies get a 4xx JSON answer
instead of a 500; a body over SUPPORTBOT_MAX_MESSAGE_BYTES gets 413 before it is parsed,
and a sender over their limits 429 (both {"error", "message"} in the user's language);
the client cannot choose `input_channel` or `metadata` (metadata is where the channel
records redactions); no streaming mode.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import body_limits
from bot.channels.guard import RATE_LIMITED
from bot.channels.identity import IdentityError, bearer, resolve_sender
from bot.channels.intake import (
    LANGUAGE_SAMPLE_CHARS,
    Intake,
    OnNewMessage,
    error_text,
    request_language,
    shared_intake,
)
from bot.logs import log_event

logger = logging.getLogger(__name__)


# Enough of a refused body to tell its language (the user is answered in it), and no more.
LANGUAGE_SAMPLE_BYTES = 4096


def parse_body(body: bytes) -> dict[str, Any] | None:
    """The JSON object of a request body, or None for anything else."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[...
        return None
    return data if isinstance(data, dict) else None


def refusal_language(request: Request, text: object) -> str:
    """The language to refuse a request in before the intake reads it: a bounded sample
    of its message, else the browser's. Only refusals read it here; a message let through
    has its language read once, by the intake."""
    sample = text[:LANGUAGE_SAMPLE_CHARS] if isinstance(text, str) else None
    return request_language(sample, request.headers.get("accept-language"))


class GuardedRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"  # the URL (/webhooks/rest/) and what the tracker records

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls()

    def __init__(self, intake: Intake | None = None) -> None:
        self.intake = intake or shared_intake()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("guarded_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return webhook

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        raw = request.body or b""
        limit = body_limits.limits_of(request.app).message_bytes
        if len(raw) > limit:  # before the JSON is parsed or the text cleaned
            sample = raw[:LANGUAGE_SAMPLE_BYTES].decode("utf-8", "ignore")
            browser = request_language(None, request.headers.get("accept-language"))
            language = await self.intake.reply_language(None, sample, browser)
            log_event(logger, "message_refused", logging.WARNING, channel="rest",
                      reason=body_limits.TOO_LARGE, bytes=len(raw), limit=limit)
            return self._error(request, body_limits.TOO_LARGE, 413, language,
                               max_chars=self.intake.limits.max_chars)
        body = parse_body(raw)
        text = body.get("message") if body else None
        if body is None or not isinstance(text, (str, type(None))):
            log_event(logger, "request_malformed", logging.WARNING, channel="rest",
                      bytes=len(request.body or b""))
            return self._error(request, "malformed_request", 400, refusal_language(request, text))
        try:
            sender = resolve_sender(bearer(request.headers.get("authorization")),
                                    body.get("sender"))
        except IdentityError as error:
            log_event(logger, "sign_in_refused", logging.WARNING, channel="rest",
                      reason=error.reason, detail=error.detail)
            return self._error(request, error.reason, error.status,
                               refusal_language(request, text))
        if sender is None:  # development without a sender
            return self._error(request, "sender_invalid", 400, refusal_language(request, text))

        collector = CollectingOutputChannel()
        try:
            screened = await self.intake.receive(request.app, text or "", sender, collector,
                                                 self.name(), on_new_message, size=len(raw))
            if screened.refusal == RATE_LIMITED:
                message = " ".join(m.get("text", "") for m in collector.messages)
                return response.json({"error": RATE_LIMITED, "message": message}, status=429)
        except CancelledError:
            log_event(logger, "message_timeout", logging.ERROR, user=sender, channel="rest")
        except Exception as error:  # noqa: BLE001 - the user gets what was said so far
            logger.exception("message handling failed")
            log_event(logger, "message_failed", logging.ERROR, user=sender, channel="rest",
                      error=type(error).__name__)
        return response.json(collector.messages)

    @staticmethod
    def _error(request: Request, reason: str, status: int, language: str, **values: object
               ) -> HTTPResponse:
        message = error_text(request.app, reason, language, **values)
        return response.json({"error": reason, "message": message}, status=status)
