"""A variable's text read as its declared type: yes/no, numbers, durations, lists."""

from __future__ import annotations

import re
import typing
from datetime import timedelta
from typing import Any

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
_DURATION = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> timedelta:
    """"90s", "30m", "2h", "1d" or plain seconds; ValueError for anything else or zero."""
    match = _DURATION.match(value.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"not a duration: {value!r} (e.g. 90s, 30m, 2h, 1d)")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def parse(kind: Any, raw: str) -> Any:
    """`raw` (stripped, not empty) as `kind`, a field's type; ValueError says why not."""
    optional = type(None) in typing.get_args(kind)
    if optional:  # `X | None`: unset is None, set is an X
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if kind is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError("not a yes or no: use 1 or 0")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError("not a whole number") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ValueError("not a number") from None
    if kind is timedelta:
        return parse_duration(raw)
    if typing.get_origin(kind) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
