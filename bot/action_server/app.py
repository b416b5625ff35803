"""rasa_sdk's action server with what it lacks: only Rasa may call it, a small body
limit, and 4xx answers that never echo the request.

- Authentication: every request but /health must carry the shared secret (auth.py);
  otherwise 401 and a structured log line, before any action runs.
- A body limit (SUPPORTBOT_ACTIONS_MAX_BODY_BYTES), checked by Sanic on the raw bytes
  before they are read, and again after inflating a compressed call.
- A malformed call (calls.py) gets a 400 with a fixed reason; rasa_sdk's own error
  handler answered 500 with the request body in the response, so it is replaced here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rasa_sdk import endpoint
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.helpers import STATUS_CODES
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.action_server.auth import OPEN_PATHS, TokenCheck
from bot.action_server.calls import BadCall, check_call, read_body, slot_types
from bot.logs import log_event
from bot.settings import ActionsSettings

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
# A call carries the conversation's current session (domain: only for actions that ask).
# bench/results/action_calls.md measures what real conversations send.
DEFAULT_MAX_BODY_BYTES = ActionsSettings.max_body_bytes
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="supportbot-actions"'}


def create_app(actions: str = "actions", *, token: str,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
               domain: Path = ROOT / "domain") -> Sanic:
    """rasa_sdk's app for the `actions` package, guarded; `token` is the shared secret."""
    app = endpoint.create_app(actions, cors_origins=None)  # servers call it, browsers not
    app.config.REQUEST_MAX_SIZE = max_body_bytes
    tokens = TokenCheck(token)
    types = slot_types(domain)
    known_actions = _action_names(actions)

    @app.middleware("request")
    async def only_rasa(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        authorization = request.headers.get("authorization")
        if tokens.allows(authorization):
            return None
        log_event(logger, "action_call_refused", logging.WARNING,
                  reason="wrong token" if authorization else "no token",
                  path=request.path[:100], peer=request.ip)
        return json({"error": "unauthorized"}, status=401, headers=UNAUTHORIZED_HEADERS)

    @app.middleware("request")
    async def well_formed(request: Request) -> HTTPResponse | None:
        if request.method != "POST" or not _is_webhook(request):
            return None
        if getattr(request.stream, "request_body", None):
            # Sanic runs request middleware for errors too: here the body was cut off
            # (over the limit) and the error handler answers.
            return None
        encoding = request.headers.get("content-encoding")
        try:
            call = read_body(request.body, encoding, max_body_bytes)
            check_call(call, types)
            if call["next_action"] not in known_actions:
                # rasa_sdk would log and answer the caller's name for it.
                raise BadCall("no such action", status=404)
        except BadCall as bad:
            log_event(logger, "action_call_malformed", logging.WARNING, reason=bad.reason,
                      status=bad.status, bytes=len(request.body))
            return json({"error": bad.reason}, status=bad.status)
        request.ctx.action = call["next_action"]
        if encoding is None:
            request.parsed_json = call  # rasa_sdk reads request.json: parsed once
        return None

    def errors(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):  # 404, 405, 413, unreadable request
            status = getattr(exception, "status_code", 400) or 400
            return json({"error": STATUS_CODES.get(status, b"bad request").decode().lower()},
                        status=status)
        log_event(logger, "action_failed", logging.ERROR,
                  action=getattr(request.ctx, "action", None), error=type(exception).__name__)
        logger.error("action_failed traceback", exc_info=exception)
        return json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, errors)  # in place of rasa_sdk's, which echoes the body
    return app


def _action_names(actions: str) -> frozenset[str]:
    """The names rasa_sdk's app will find in `actions` (it registers them the same way)."""
    executor = ActionExecutor()
    executor.register_package(actions)
    return frozenset(executor.actions)


def _is_webhook(request: Request) -> bool:
    route: Any = getattr(request, "route", None)
    return route is not None and route.path.strip("/") == "webhook"
