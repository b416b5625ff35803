"""Checks of the Desk's arguments, before any transaction: a bad value is a ValueError
whose message names the argument."""

from __future__ import annotations

import json
from typing import Any

from bot.desk.accounts import canonical_account_id


def account(value: Any) -> str:
    """An account id to store: non-empty, in canonical form."""
    canonical = canonical_account_id(non_empty(value, "user_id"))
    if not canonical:
        raise ValueError("user_id must be a non-empty string")
    return canonical


def non_empty(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value.strip()


def one_of(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of: {', '.join(allowed)} (got {value!r})")
    return value


def json_fields(fields: Any) -> dict[str, Any]:
    """Reject what the JSON column could not store, before touching the database."""
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ValueError(f"fields must be a dict, got {type(fields).__name__}")
    try:
        return json.loads(json.dumps(fields, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fields must be JSON-serialisable: {exc}") from None
