"""CSRF protection: one random token per session, sent back in every form."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

FIELD = "csrf_token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_valid(session: dict[str, Any] | None, submitted: str | None) -> bool:
    expected = (session or {}).get("csrf")
    if not isinstance(expected, str) or not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
