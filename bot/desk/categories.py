"""Appeal categories, their priorities and response targets."""

from __future__ import annotations

from datetime import timedelta

URGENT = "urgent"
HIGH = "high"
NORMAL = "normal"

# Most pressing first; the queue sorts by this order.
PRIORITY_ORDER: tuple[str, ...] = (URGENT, HIGH, NORMAL)

RESPONSE_TARGETS: dict[str, timedelta] = {
    URGENT: timedelta(hours=1),
    HIGH: timedelta(hours=4),
    NORMAL: timedelta(hours=24),
}

HUMAN_HANDOFF = "human_handoff"

CATEGORY_PRIORITY: dict[str, str] = {
    "account_hacked": URGENT,
    "missing_withdrawal": HIGH,
    "missing_deposit": HIGH,
    "impersonation": NORMAL,
    "wrongful_suspension": NORMAL,
    # Only for users who are NOT suspended and ask for a person (policy §7).
    HUMAN_HANDOFF: NORMAL,
}

CATEGORIES: tuple[str, ...] = tuple(CATEGORY_PRIORITY)
APPEAL_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c != HUMAN_HANDOFF)


def check_category(category: str) -> str:
    if category not in CATEGORY_PRIORITY:
        raise ValueError(f"unknown category {category!r}; expected one of: {', '.join(CATEGORIES)}")
    return category


def priority_for(category: str) -> str:
    return CATEGORY_PRIORITY[check_category(category)]


def priority_rank(priority: str) -> int:
    """0 for the most pressing priority; used for sorting."""
    return PRIORITY_ORDER.index(priority)


def response_target(priority: str) -> timedelta:
    return RESPONSE_TARGETS[priority]
