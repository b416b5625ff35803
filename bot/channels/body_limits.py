"""How many bytes a request to the Rasa server may carry, checked before anything reads it.

Two limits, both on raw bytes:

- the body of any request to the Rasa process (chat channels, socket.io, Rasa's HTTP
  API): Sanic's REQUEST_MAX_SIZE (100 MB by default) and WEBSOCKET_MAX_SIZE, and
  engine.io's max_http_buffer_size. Sanic compares Content-Length before it reads the
  body and counts the bytes of a chunked one as they come; over it: 413.
- one chat message: checked by the channel on the body's length before the JSON is
  parsed or the text cleaned; over it: 413 (REST) or a `chat_error` (socket.io).

Both answer in the user's language with utter_message_too_large (domain/safety.yml).
A message may have 2,000 characters (SUPPORTBOT_MAX_MESSAGE_CHARS); as JSON each takes
at most 12 bytes (an escaped surrogate pair), so 32 KiB holds any message the bot could
read with room for the envelope, and 64 KiB any request Rasa's API is sent by our tools
(a trigger_intent, a parse).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.logs import log_event
from bot.settings import LimitsSettings, get_settings

logger = logging.getLogger(__name__)

TOO_LARGE = "message_too_large"  # utter_message_too_large in domain/safety.yml


@dataclass(frozen=True)
class BodyLimits:
    body_bytes: int = 64 * 1024
    message_bytes: int = 32 * 1024

    @classmethod
    def from_settings(cls, settings: LimitsSettings | None = None) -> BodyLimits:
        """As SUPPORTBOT_MAX_BODY_BYTES and _MESSAGE_BYTES say (bot.settings)."""
        settings = settings or get_settings().limits
        message = settings.max_message_bytes
        # A message the channel would accept must fit in a body the server accepts.
        return cls(body_bytes=max(settings.max_body_bytes, message), message_bytes=message)


def content_length(headers: Mapping[str, str]) -> int | None:
    """The declared body length, None when absent or not a number."""
    value = headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None


def install(app: Sanic, limits: BodyLimits | None = None) -> None:
    """Set the server's body limits and answer 413 in words; once per app."""
    if getattr(app.ctx, "supportbot_body_limits", None) is not None:
        return
    limits = limits or BodyLimits.from_settings()
    app.ctx.supportbot_body_limits = limits
    app.config.REQUEST_MAX_SIZE = limits.body_bytes
    app.config.WEBSOCKET_MAX_SIZE = limits.body_bytes

    async def too_large(request: Request, exception: Exception) -> HTTPResponse:
        declared = content_length(request.headers) if request is not None else None
        log_event(logger, "request_too_large", logging.WARNING,
                  path=getattr(request, "path", None), bytes=declared,
                  limit=limits.body_bytes)
        return too_large_response(request.app if request is not None else app, request)

    app.error_handler.add(PayloadTooLarge, too_large)


def too_large_response(app: Any, request: Request | None) -> HTTPResponse:
    # Imported here: intake imports Rasa's domain machinery, not needed to set limits.
    from bot.channels.intake import error_text, request_language, shared_intake

    accept = request.headers.get("accept-language") if request is not None else None
    message = error_text(app, TOO_LARGE, request_language(None, accept),
                         max_chars=shared_intake().limits.max_chars)
    return response.json({"error": TOO_LARGE, "message": message, "status": "failure",
                          "reason": "PayloadTooLarge", "code": 413}, status=413)


def limits_of(app: Any) -> BodyLimits:
    """The app's limits (installed by the first channel), else the environment's."""
    ctx = getattr(app, "ctx", None)
    return getattr(ctx, "supportbot_body_limits", None) or BodyLimits.from_settings()
