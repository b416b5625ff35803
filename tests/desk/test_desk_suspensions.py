from datetime import datetime, timedelta, timezone

import pytest

from bot.desk import Desk

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def test_suspension_is_active_only_inside_its_window(desk: Desk) -> None:
    info = desk.suspend("u1", 24, "insults", "bob", now=T0)
    assert (info.starts_at, info.ends_at) == (T0, hours(24))
    assert info.is_active(hours(1)) and not info.is_active(hours(24))
    assert desk.active_suspension("u1", now=T0 - timedelta(seconds=1)) is None
    assert desk.active_suspension("u1", now=T0) == info
    assert desk.active_suspension("u1", now=hours(23.9)) == info
    assert desk.active_suspension("u1", now=hours(24)) is None  # expired
    assert desk.active_suspension("someone-else", now=hours(1)) is None


def test_active_property_uses_the_current_time(desk: Desk) -> None:
    assert desk.suspend("u1", 1, "insults", "bob").active
    assert not desk.suspend("u2", 1, "insults", "bob", now=hours(-2)).active


def test_lift_ends_the_suspension(desk: Desk) -> None:
    info = desk.suspend("u1", 24, "insults", "bob", now=T0)
    lifted = desk.lift("u1", "alice", now=hours(2))
    assert lifted is not None and lifted.id == info.id
    assert (lifted.lifted_at, lifted.lifted_by) == (hours(2), "alice")
    assert not lifted.is_active(hours(3))
    assert desk.active_suspension("u1", now=hours(3)) is None
    assert desk.lift("u1", "alice", now=hours(3)) is None  # nothing active any more
    assert [e.kind for e in desk.history("suspension", info.id)] == ["suspended", "lifted"]


def test_lift_after_expiry_returns_none(desk: Desk) -> None:
    desk.suspend("u1", 1, "insults", "bob", now=T0)
    assert desk.lift("u1", "alice", now=hours(2)) is None


def test_suspending_again_replaces_the_active_suspension(desk: Desk) -> None:
    first = desk.suspend("u1", 24, "insults", "bob", now=T0)
    second = desk.suspend("u1", 72, "threats", "carol", now=hours(1))
    assert desk.active_suspension("u1", now=hours(2)) == second
    assert desk.active_suspension("u1", now=hours(30)) == second  # not cut short by the first
    old = desk.history("suspension", first.id)
    assert [e.kind for e in old] == ["suspended", "replaced"]
    assert (old[-1].actor, old[-1].detail) == ("carol", {"replaced_by": second.id})
    new = desk.history("suspension", second.id)
    assert new[0].detail["replaces"] == [first.id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": 0}, "hours must be greater than 0"),
        ({"hours": -1}, "hours must be greater than 0"),
        ({"hours": float("nan")}, "hours must be greater than 0"),
        ({"hours": "2"}, "hours must be a number"),
        ({"reason": "  "}, "reason must be a non-empty string"),
        ({"agent": ""}, "agent must be a non-empty string"),
        ({"user_id": ""}, "user_id must be a non-empty string"),
    ],
)
def test_bad_suspension_input_is_refused(desk: Desk, kwargs: dict, message: str) -> None:
    args = {"user_id": "u1", "hours": 2, "reason": "insults", "agent": "bob", **kwargs}
    with pytest.raises(ValueError, match=message):
        desk.suspend(**args)
    assert desk.active_suspension("u1") is None
