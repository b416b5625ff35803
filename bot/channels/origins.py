"""Which web pages may open a socket.io connection to the chat: the Origin check.

A browser sends the page's Origin with every socket.io request, and a WebSocket is not
bound by CORS: without this check any site a user visits could open the chat socket in
the background and, in development sign-in, talk as any account. Allowed: the chat
page's own origin (the scheme and Host of the request, or X-Forwarded-Proto/-Host set by
a proxy in front), plus the origins an operator lists (the exchange's site if it embeds
the chat): `cors_allowed_origins` under the socket channel in credentials.yml, or
SUPPORTBOT_CHAT_ORIGINS (comma-separated; it wins over credentials.yml when set).

A client that sends no Origin (a script, not a browser) is not checked here: it could
send any Origin it liked; the signed token is what keeps it to its own account.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bot.logs import log_event
from bot.settings import ChatSettings, get_settings

logger = logging.getLogger(__name__)

_DECIDED = "supportbot.origin_allowed"  # engine.io asks twice per request; log once


def normalise(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def configured_origins(
    credentials_value: str | Iterable[str] | None, settings: ChatSettings | None = None
) -> frozenset[str]:
    """The operator's list: $SUPPORTBOT_CHAT_ORIGINS when set, else credentials.yml's."""
    listed = (settings or get_settings().chat).origins
    values: Iterable[str] = listed if listed is not None else (
        [credentials_value] if isinstance(credentials_value, str) else credentials_value or ())
    return frozenset(normalise(str(value)) for value in values if str(value).strip())


def own_origins(environ: Mapping[str, Any]) -> set[str]:
    """The origin the chat page was served from, as this request reached us."""
    host = environ.get("HTTP_HOST")
    if not host:
        return set()
    scheme = environ.get("wsgi.url_scheme", "http")
    origins = {normalise(f"{scheme}://{host}")}
    forwarded_proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0]
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0]
    origins.add(normalise(f"{forwarded_proto.strip()}://{forwarded_host.strip()}"))
    return origins


class OriginCheck:
    """engine.io's `cors_allowed_origins` callable: (origin, environ) -> allowed."""

    def __init__(self, listed: frozenset[str] = frozenset()) -> None:
        self.listed = listed

    def __call__(self, origin: str | None, environ: dict[str, Any] | None = None) -> bool:
        if origin is None:  # asked for CORS headers of a request without an Origin
            return False
        environ = environ if environ is not None else {}
        if _DECIDED in environ:
            return bool(environ[_DECIDED])
        allowed = normalise(origin) in self.listed | own_origins(environ)
        environ[_DECIDED] = allowed
        if not allowed:
            log_event(logger, "socket_origin_refused", logging.WARNING,
                      origin=origin[:200], host=str(environ.get("HTTP_HOST", ""))[:200])
        return allowed
