"""Malformed JSON to Rasa's own HTTP API gets a 400, not a 500.

Rasa 3.6 answers 500 to a few bodies it cannot read (probed: bad JSON to /model/parse,
an empty body or `[]` to trigger_intent and messages, `[]` to tracker/events). The API
needs the operator's token, but a 500 says "bug" and pages someone. This request
middleware checks the JSON bodies of those endpoints before Rasa reads them; bot/server.py
installs it on the app.
"""

from __future__ import annotations

import json
import re

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

# Endpoint -> the JSON types its body may have, and a field that must be a string.
_JSON_BODIES: list[tuple[re.Pattern[str], tuple[type, ...], str | None]] = [
    (re.compile(r"^/model/parse/?$"), (dict,), "text"),
    (re.compile(r"^/conversations/[^/]+/trigger_intent/?$"), (dict,), "name"),
    (re.compile(r"^/conversations/[^/]+/(?:messages|execute)/?$"), (dict,), None),
    (re.compile(r"^/conversations/[^/]+/tracker/events/?$"), (dict, list), None),
    (re.compile(r"^/model/predict/?$"), (list,), None),
]


def body_problem(path: str, method: str, body: bytes) -> str | None:
    """Why Rasa could not read this body, or None when it is fine (or not ours to judge)."""
    if method not in ("POST", "PUT"):
        return None
    rule = next((rule for rule in _JSON_BODIES if rule[0].match(path)), None)
    if rule is None:
        return None
    _, expected, field = rule
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "the body is not JSON"
    if not isinstance(data, expected) or (isinstance(data, list) and not data and
                                          "tracker/events" in path):
        return "the body is JSON of the wrong shape for this endpoint"
    if field and not isinstance(data.get(field), str):
        return f'"{field}" must be a string'
    return None


def install(app: Sanic) -> None:
    """Check the API's JSON bodies on every request of `app`; once per app."""
    if getattr(app.ctx, "supportbot_api_guard", False):
        return
    app.ctx.supportbot_api_guard = True

    async def check(request: Request) -> HTTPResponse | None:
        # Sanic runs request middleware for errors too: a body it stopped reading (over
        # the size limit) is the size handler's to answer (bot.channels.body_limits).
        stream = getattr(request, "stream", None)
        if stream is not None and getattr(stream, "request_body", None):
            return None
        problem = body_problem(request.path, request.method, request.body or b"")
        if problem is None:
            return None
        return response.json({"status": "failure", "reason": "BadRequest", "code": 400,
                              "message": f"Malformed request: {problem}."}, status=400)

    app.register_middleware(check, "request")

