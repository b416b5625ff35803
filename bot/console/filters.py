"""Jinja filters: times and durations as agents read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.desk.clock import utc_now


def span(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 48 * 3600:
        hours, rest = divmod(int(seconds), 3600)
        minutes = rest // 60
        return f"{hours}h {minutes:02d}m" if hours < 10 else f"{hours}h"
    return f"{int(seconds // 86400)}d"


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def age(moment: datetime | None) -> str:
    return "-" if moment is None else span(utc_now() - moment)


def countdown(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    left = moment - utc_now()
    return f"overdue {span(left)}" if left.total_seconds() < 0 else f"in {span(left)}"


def label(value: Any) -> str:
    return "-" if value in (None, "") else str(value).replace("_", " ")


FILTERS = {"span": span, "when": when, "age": age, "countdown": countdown, "label": label}
