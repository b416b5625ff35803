"""UTC time helpers: every timestamp the desk writes is timezone-aware UTC."""

from __future__ import annotations

from datetime import datetime, timezone


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
