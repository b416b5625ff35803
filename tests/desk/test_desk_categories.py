from datetime import datetime, timedelta, timezone

import pytest

from bot.desk import CATEGORIES, Desk, parse_ticket_ref, priority_for
from bot.desk.categories import APPEAL_CATEGORIES, PRIORITY_ORDER, response_target

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

EXPECTED = {
    "account_hacked": ("urgent", timedelta(hours=1)),
    "missing_withdrawal": ("high", timedelta(hours=4)),
    "missing_deposit": ("high", timedelta(hours=4)),
    "impersonation": ("normal", timedelta(hours=24)),
    "wrongful_suspension": ("normal", timedelta(hours=24)),
    "human_handoff": ("normal", timedelta(hours=24)),
}


def test_categories_and_priorities() -> None:
    assert set(CATEGORIES) == set(EXPECTED)
    assert "human_handoff" not in APPEAL_CATEGORIES
    assert PRIORITY_ORDER == ("urgent", "high", "normal")
    for category, (priority, target) in EXPECTED.items():
        assert priority_for(category) == priority
        assert response_target(priority) == target


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_ticket_gets_priority_and_due_time(desk: Desk, category: str) -> None:
    filed = desk.file_report("u1", category, {}, f"key-{category}", now=T0)
    priority, target = EXPECTED[category]
    assert filed.ticket.priority == priority
    assert filed.ticket.response_due_at == T0 + target


def test_unknown_category_is_refused(desk: Desk) -> None:
    with pytest.raises(ValueError, match="unknown category 'lost_keys'"):
        desk.file_report("u1", "lost_keys", {}, "k1")
    assert desk.list_queue(status="all") == []


@pytest.mark.parametrize(
    ("ref", "number"), [("SB-00042", 42), ("sb-42", 42), ("42", 42), (" 7 ", 7), (42, 42)]
)
def test_parse_ticket_ref(ref: str, number: int) -> None:
    assert parse_ticket_ref(ref) == number


@pytest.mark.parametrize("ref", ["", "SB-", "SB-x1", "0", "-3", "4.2", "SB-00042x"])
def test_parse_ticket_ref_rejects(ref: str) -> None:
    with pytest.raises(ValueError, match="not a ticket reference"):
        parse_ticket_ref(ref)
