"""Account ids are case-insensitive everywhere the desk compares them.

Suspended as "Alice01", the same person writing as "alice01" or "ALICE01" (or in
full-width letters) is suspended: no handoff. Tickets, suspensions, evidence and
untold decisions of one spelling are found by every other.
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.desk import HUMAN_HANDOFF, Desk, HandoffRefused, canonical_account_id
from bot.desk.models import AbuseEvidence, Suspension, Ticket

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SPELLINGS = ["Alice01", "alice01", "ALICE01", "aLiCe01", " Alice01 ", "ＡＬＩＣＥ０１"]


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def test_canonical_form() -> None:
    assert {canonical_account_id(s) for s in SPELLINGS} == {"alice01"}
    assert canonical_account_id("acct-42") == "acct-42"
    assert canonical_account_id("Straße") == canonical_account_id("STRASSE")
    assert canonical_account_id("alice01") != canonical_account_id("alice02")


@pytest.mark.both_backends
@pytest.mark.parametrize("writes_as", SPELLINGS[1:])
def test_suspended_in_one_case_is_suspended_in_every_other(desk: Desk, writes_as: str) -> None:
    desk.suspend("Alice01", 24, "threats toward staff", "lena", now=T0)
    found = desk.active_suspension(writes_as, now=hours(1))
    assert found is not None and found.user_id == "alice01"
    with pytest.raises(HandoffRefused):
        desk.file_report(writes_as, HUMAN_HANDOFF, {"message": "human!"}, "h1", now=hours(1))
    assert desk.list_queue() == []
    assert [s.user_id for s in desk.suspensions_for_user(writes_as)] == ["alice01"]
    assert desk.lift(writes_as, "lena", now=hours(2)) is not None
    assert desk.active_suspension("Alice01", now=hours(3)) is None


@pytest.mark.both_backends
def test_tickets_of_one_spelling_are_found_by_another(desk: Desk) -> None:
    first = desk.file_report("ALICE01", "missing_deposit", {"asset": "BTC"}, "k1", now=T0)
    again = desk.file_report("alice01", "missing_deposit", {"asset": "ETH"}, "k2",
                             now=hours(1))
    # One open ticket per user and category holds across spellings: the report attaches.
    assert (again.created, again.ticket.id) == (False, first.ticket.id)
    assert first.ticket.user_id == "alice01"
    assert [t.id for t in desk.tickets_for_user("alice01")] == [first.ticket.id]
    assert [t.id for t in desk.tickets_for_user("Alice01")] == [first.ticket.id]
    assert desk.users_with_open_matters(now=hours(1)) == {"alice01"}

    desk.resolve(first.ticket.id, outcome="resolved", note="credited", agent="lena")
    assert [t.id for t in desk.untold_decisions("aLiCe01")] == [first.ticket.id]


def test_a_handoff_filed_in_one_case_is_closed_by_a_suspension_in_another(desk: Desk) -> None:
    ticket = desk.file_report("alice01", HUMAN_HANDOFF, {}, "h1", now=T0).ticket
    desk.suspend("ALICE01", 24, "threats", "lena", now=hours(1))
    assert desk.get_ticket(ticket.id).ticket.outcome == "chat_suspended"


def test_abuse_evidence_of_one_spelling_is_found_by_another(desk: Desk) -> None:
    desk.record_abuse("Alice01", "you idiots", "personal_insults", 0.9, message_id="m1")
    desk.record_abuse("ALICE01", "morons", "personal_insults", 0.8, message_id="m2")
    assert desk.abuse_count("alice01") == 2
    assert {e.user_id for e in desk.abuse_evidence("aLiCe01")} == {"alice01"}


def test_stored_ids_are_canonical_whatever_writes_them(desk: Desk) -> None:
    """The column type canonicalises, so even a write that skips the Desk's methods
    stores, and a query finds, the one canonical spelling."""
    desk.suspend("Alice01", 24, "threats", "lena", now=T0)
    desk.file_report("ALICE01", "account_hacked", {}, "k1", now=T0)
    desk.record_abuse("AlIcE01", "idiots", "personal_insults", 0.9)
    with desk.engine.connect() as connection:
        for column in (Suspension.user_id, Ticket.user_id, AbuseEvidence.user_id):
            assert connection.execute(select(column)).scalars().all() == ["alice01"]
            raw = connection.exec_driver_sql(
                f"SELECT COUNT(*) FROM {column.table.name} WHERE user_id = 'alice01'"
            ).scalar_one()
            assert raw == 1
        assert connection.execute(
            select(Ticket.id).where(Ticket.user_id == "ALICE01")).scalars().all() == [1]


def test_empty_ids_are_refused(desk: Desk) -> None:
    for empty in ("", "   ", "\u3000"):  # an ideographic space folds to a space
        with pytest.raises(ValueError):
            desk.suspend(empty, 1, "threats", "lena")


ACCOUNT_ID = st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=20)


def _respell(draw: st.DrawFn, account: str) -> str:
    """The same id as someone might type it: any letter case, full-width letters, spaces."""
    out = []
    for ch in account:
        ch = draw(st.sampled_from([ch.lower(), ch.upper()]))
        if ch.isalnum() and draw(st.booleans()):
            ch = chr(ord(ch) + 0xFEE0)  # the full-width form of an ASCII letter or digit
        out.append(ch)
    pad = draw(st.sampled_from(["", " ", "\t", "\u00a0"]))
    return pad + "".join(out) + pad


@st.composite
def account_and_respelling(draw: st.DrawFn) -> tuple[str, str]:
    account = draw(ACCOUNT_ID.filter(lambda s: s[0].isalnum()))
    return account, _respell(draw, account)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=account_and_respelling())
def test_no_spelling_of_a_suspended_id_reaches_a_human(
    desk: Desk, pair: tuple[str, str]
) -> None:
    account, spelling = pair
    desk.suspend(account, 24, "threats", "lena", now=T0)
    assert desk.active_suspension(spelling, now=hours(1)) is not None
    with pytest.raises(HandoffRefused):
        desk.file_report(spelling, HUMAN_HANDOFF, {}, f"h-{spelling}", now=hours(1))
    assert desk.lift(spelling, "lena", now=hours(1)) is not None
