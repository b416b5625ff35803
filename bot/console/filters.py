"""Jinja filters: times and durations as agents read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from bot.desk.clock import span, utc_now, when  # noqa: F401 - when is a filter


def age(moment: datetime | None) -> str:
    return "-" if moment is None else span(utc_now() - moment)


@pass_context
def countdown(context: Context, moment: datetime | None) -> str:
    """"in 3h" or "overdue 20m", in the page's language (its `_`, bot/console/texts.py)."""
    if moment is None:
        return "-"
    gettext = context.get("_") or str
    left = moment - utc_now()
    if left.total_seconds() < 0:
        return gettext("overdue %(span)s") % {"span": span(left)}
    return gettext("in %(span)s") % {"span": span(left)}


def label(value: Any) -> str:
    return "-" if value in (None, "") else str(value).replace("_", " ")


FILTERS = {"span": span, "when": when, "age": age, "countdown": countdown, "label": label}
