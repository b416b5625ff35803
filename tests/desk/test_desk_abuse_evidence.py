"""Abuse evidence in the desk, on SQLite and PostgreSQL: stored redacted, once per
message, listed newest first, and changing nothing else."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.desk.models import Event, Ticket

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.mark.both_backends
def test_evidence_is_stored_redacted_once_and_listed_newest_first(desk):
    first = desk.record_abuse("acct-1", f"you idiots, my seed: {SEED}", "personal_insults",
                              0.85, signals="insult:en", language="en", message_id="m1",
                              now=T0)
    assert first is not None and "absorb" not in first.text
    assert "[redacted seed phrase]" in first.text
    assert desk.record_abuse("acct-1", "again", "rudeness", 0.7, message_id="m1") is None
    desk.record_abuse("acct-1", "I will find you", "threats", 0.95, message_id="m2",
                      now=T0 + timedelta(minutes=1))
    desk.record_abuse("acct-2", "other user", "rudeness", 0.7, message_id="m3", now=T0)
    listed = desk.abuse_evidence("acct-1")
    assert [e.message_id for e in listed] == ["m2", "m1"]
    assert listed[0].created_at == T0 + timedelta(minutes=1)
    assert listed[1].to_dict()["category"] == "personal_insults"
    assert desk.abuse_count("acct-1") == 2 and desk.abuse_count("nobody") == 0
    with desk.engine.connect() as c:  # evidence only: no ticket, no history event
        assert c.execute(select(func.count()).select_from(Ticket)).scalar() == 0
        assert c.execute(select(func.count()).select_from(Event)).scalar() == 0


@pytest.mark.both_backends
def test_bad_evidence_is_refused_before_the_database(desk):
    with pytest.raises(ValueError):
        desk.record_abuse("acct-1", "x", "spam", 0.9)  # not a policy category
    with pytest.raises(ValueError):
        desk.record_abuse("acct-1", "x", "rudeness", 1.5)
    with pytest.raises(ValueError):
        desk.record_abuse("", "x", "rudeness", 0.9)


def test_flood_is_cut(desk):
    info = desk.record_abuse("acct-1", "idiot " * 5000, "personal_insults", 0.85)
    assert len(info.text) <= 1000
