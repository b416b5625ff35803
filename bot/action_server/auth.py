"""Only Rasa may call the action server: every request but the health check carries
`Authorization: Bearer <SUPPORTBOT_ACTIONS_TOKEN>`, sent by Rasa from the `headers:` of
the action endpoint in endpoints.yml.

A shared secret in a header, not an HMAC of the body: Rasa 3.6's `EndpointConfig` sends
configured headers with every call, so this needs no change to Rasa, while signing
bodies would mean patching how Rasa sends them. Against callers who do not know the
secret both refuse the same calls; an HMAC adds integrity against someone on the path,
and the path is loopback (or TLS, `cafile:` in endpoints.yml, for a remote server).
Not Rasa's `token:` either: it goes into the URL's query string, where access logs and
proxies keep it.
"""

from __future__ import annotations

import hashlib
import hmac

# The health check reveals nothing and is polled by Rasa's delivery service and bot.serve.
OPEN_PATHS = frozenset({"/health"})
MIN_TOKEN_CHARS = 16


class WeakToken(ValueError):
    """The configured secret is too short to stand against guessing."""


def authorization_header(token: str) -> str:
    return f"Bearer {token}"


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


class TokenCheck:
    """Compares a request's Authorization header with the expected one in constant time:
    both are hashed first, so neither the content nor the length of the secret shows in
    how long a refusal takes."""

    def __init__(self, token: str) -> None:
        if len(token) < MIN_TOKEN_CHARS:
            raise WeakToken(f"the action server's token needs at least {MIN_TOKEN_CHARS} "
                            "characters")
        self._expected = _digest(authorization_header(token))

    def allows(self, authorization: str | None) -> bool:
        return hmac.compare_digest(_digest(authorization or ""), self._expected)
