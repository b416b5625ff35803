"""UTC time helpers: every timestamp the desk writes is timezone-aware UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def resolve_now(now: datetime | None) -> datetime:
    """Return `now` as aware UTC (the current time when None).

    Naive datetimes are refused: guessing their zone is how audit trails go wrong.
    """
    if now is None:
        return utc_now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now.isoformat()}: pass a timezone-aware time")
    return now.astimezone(timezone.utc)


# -- times as agents read them (CLI and console) ---------------------------------------


def span(delta: timedelta) -> str:
    """Compact duration: 45 s "<1m", 3 min "3m", 2 h 50 min "2h 50m", 3 days "3d"."""
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 48 * 3600:
        hours, rest = divmod(int(seconds), 3600)
        return f"{hours}h {rest // 60:02d}m" if hours < 10 else f"{hours}h"
    return f"{int(seconds // 86400)}d"


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
