"""Jinja filters: times and durations as agents read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.desk.clock import span, utc_now, when  # noqa: F401 - when is a filter


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
