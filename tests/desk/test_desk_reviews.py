"""The review inbox behind the Desk: messages stored redacted, once per message id, listed
oldest first, and closed once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.desk import Desk
from bot.desk.reviews import ReviewError, ReviewItemNotFound

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def test_record_redacts_and_keeps_the_prediction(desk: Desk) -> None:
    item = desk.record_review(
        "hacked!! my password is Sommar2024 and 2fa code 482913",
        "report_account_hacked",
        0.41,
        "en",
        "acct-42",
        reason="fallback",
        message_id="msg-1",
        now=T0,
    )
    assert item is not None
    assert item.text == (
        "hacked!! my password is [redacted password] and 2fa code [redacted code]"
    )
    assert (item.predicted_intent, item.confidence, item.reason) == (
        "report_account_hacked",
        0.41,
        "fallback",
    )
    assert (item.language, item.sender_id, item.status, item.created_at) == (
        "en",
        "acct-42",
        "open",
        T0,
    )
    assert desk.review_item(item.id) == item
    assert "Sommar2024" not in json.dumps(item.to_dict())


@pytest.mark.both_backends
def test_a_message_is_recorded_once(desk: Desk) -> None:
    assert desk.record_review("hmm", "greet", 0.2, "en", "a", message_id="same") is not None
    assert desk.record_review("hmm", "greet", 0.2, "en", "a", message_id="same") is None
    assert desk.record_review("hmm", "greet", 0.2, "en", "a") is not None  # no id: no dedupe
    assert desk.record_review(" \x00 ", "greet", 0.2, "en", "a") is None  # nothing left
    assert len(desk.review_items()) == 2


@pytest.mark.both_backends
def test_list_by_status_oldest_first_and_dismiss(desk: Desk) -> None:
    a = desk.record_review("first", "greet", 0.3, "en", "u", now=T0 + timedelta(minutes=5))
    b = desk.record_review("second", "greet", 0.3, "en", "u", now=T0)
    assert a and b
    assert [i.id for i in desk.review_items()] == [b.id, a.id]
    done = desk.dismiss_review(a.id, trainer="tina", now=T0 + timedelta(hours=1))
    assert (done.status, done.resolved_by, done.resolved_at) == (
        "dismissed",
        "tina",
        T0 + timedelta(hours=1),
    )
    assert [i.id for i in desk.review_items()] == [b.id]
    assert [i.id for i in desk.review_items("dismissed")] == [a.id]
    assert len(desk.review_items("all")) == 2
    with pytest.raises(ReviewError, match="already dismissed"):
        desk.dismiss_review(a.id)
    with pytest.raises(ReviewItemNotFound):
        desk.dismiss_review(999)
    with pytest.raises(ValueError):
        desk.review_items("bogus")


def test_an_assigned_item_keeps_its_intent_and_closes_once(desk: Desk) -> None:
    item = desk.record_review("my money is gone", "greet", 0.3, "en", "u")
    assert item
    done = desk.mark_review_assigned(item.id, "report_missing_deposit", trainer="tina", now=T0)
    assert (done.status, done.assigned_intent, done.resolved_by, done.resolved_at) == (
        "assigned",
        "report_missing_deposit",
        "tina",
        T0,
    )
    with pytest.raises(ReviewError, match="already assigned"):
        desk.mark_review_assigned(item.id, "greet")
    with pytest.raises(ReviewItemNotFound):
        desk.review_item(999)


@pytest.mark.both_backends
def test_pages_of_the_inbox(desk: Desk) -> None:
    made = [desk.record_review(f"message {n}", "greet", 0.3, "en", "u",
                               now=T0 + timedelta(minutes=n)) for n in range(5)]
    ids = [i.id for i in made if i]
    assert desk.count_reviews() == 5
    assert [i.id for i in desk.review_items(limit=2)] == ids[:2]
    assert [i.id for i in desk.review_items(limit=2, offset=2)] == ids[2:4]
    assert [i.id for i in desk.review_items(limit=2, offset=4)] == ids[4:]
    desk.dismiss_review(ids[0])
    assert (desk.count_reviews(), desk.count_reviews("dismissed"), desk.count_reviews("all")) \
        == (4, 1, 5)
    with pytest.raises(ValueError, match="unknown status"):
        desk.count_reviews("closed")
