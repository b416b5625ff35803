"""Declaring a variable: `setting()` and the checks most variables share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

Check = Callable[[Any], "str | None"]  # a reason the value is refused, None when fine


def positive(value: float) -> str | None:
    return None if value > 0 else "must be more than 0"


def port(value: int) -> str | None:
    return None if 0 <= value <= 65535 else "must be a port number, 0 to 65535"


def setting(env: str, default: Any, meaning: str, *, shown: str | None = None,
            check: Check | None = None, secret: bool = False) -> Any:
    """One variable: `env` read into the field, `default` when unset, `meaning` and
    `shown` (the default as the README says it) for the table. Secrets stay out of
    repr(), so a logged Settings never carries them."""
    return field(default=default, repr=not secret, metadata={
        "env": env, "meaning": meaning, "shown": shown, "check": check})
