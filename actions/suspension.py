"""Suspension facts as slots, and the once-per-session notice."""

from __future__ import annotations

from typing import Any

from bot.desk import SuspensionInfo
from bot.i18n import format_time

SUSPENSION_SLOTS = (
    "suspended",
    "suspension_reason",
    "suspended_by",
    "suspended_until_en",
    "suspended_until_sv",
)


def suspension_slots(suspension: SuspensionInfo | None) -> dict[str, Any]:
    """Slot values describing the user's active suspension (or its absence)."""
    if suspension is None:
        return {slot: None for slot in SUSPENSION_SLOTS} | {"suspended": False}
    return {
        "suspended": True,
        "suspension_reason": suspension.reason,
        "suspended_by": suspension.agent,
        "suspended_until_en": format_time(suspension.ends_at, "en"),
        "suspended_until_sv": format_time(suspension.ends_at, "sv"),
    }
