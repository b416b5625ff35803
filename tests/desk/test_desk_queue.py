import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.desk import (
    AlreadyClaimed,
    Desk,
    HandoffRefused,
    TicketNotFound,
    TicketResolved,
    make_engine,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def test_queue_is_ordered_urgent_first_then_oldest(desk: Desk) -> None:
    desk.file_report("a", "impersonation", {}, "k1", now=minutes(0))
    desk.file_report("b", "missing_deposit", {}, "k2", now=minutes(1))
    desk.file_report("c", "account_hacked", {}, "k3", now=minutes(2))
    desk.file_report("d", "missing_withdrawal", {}, "k4", now=minutes(3))
    desk.file_report("e", "account_hacked", {}, "k5", now=minutes(4))
    queue = desk.list_queue()
    assert [(t.priority, t.user_id) for t in queue] == [
        ("urgent", "c"),
        ("urgent", "e"),
        ("high", "b"),
        ("high", "d"),
        ("normal", "a"),
    ]


@pytest.mark.both_backends
def test_second_report_attaches_to_open_ticket(desk: Desk) -> None:
    first = desk.file_report("u1", "missing_deposit", {"asset": "BTC"}, "k1", now=minutes(0))
    second = desk.file_report(
        "u1", "missing_deposit", {"tx_hash": "ab12", "asset": "ETH"}, "k2", now=minutes(5)
    )
    assert first.created and not first.duplicate
    assert not second.created and not second.duplicate
    assert second.ticket.id == first.ticket.id
    assert second.ticket.report_count == 2
    assert second.ticket.fields == {"asset": "ETH", "tx_hash": "ab12"}  # latest wins
    assert len(desk.list_queue()) == 1
    # Another category is another ticket.
    other = desk.file_report("u1", "account_hacked", {}, "k3", now=minutes(6))
    assert other.created and other.ticket.id != first.ticket.id


@pytest.mark.both_backends
def test_resolving_frees_the_slot_for_a_new_ticket(desk: Desk) -> None:
    first = desk.file_report("u1", "impersonation", {}, "k1", now=minutes(0))
    desk.resolve(first.ticket.id, "resolved", "handled", "alice", now=minutes(1))
    again = desk.file_report("u1", "impersonation", {}, "k2", now=minutes(2))
    assert again.created and again.ticket.id != first.ticket.id
    assert [t.id for t in desk.tickets_for_user("u1")] == [again.ticket.id, first.ticket.id]


@pytest.mark.both_backends
def test_same_idempotency_key_is_filed_once(desk: Desk) -> None:
    first = desk.file_report("u1", "account_hacked", {"email": "a@b"}, "turn-1", now=minutes(0))
    again = desk.file_report("u1", "account_hacked", {"email": "a@b"}, "turn-1", now=minutes(1))
    assert again.duplicate and again.created  # the original call opened the ticket
    assert again.ticket.id == first.ticket.id
    assert again.report_id == first.report_id
    detail = desk.get_ticket(first.ticket.id)
    assert len(detail.reports) == 1
    assert [e.kind for e in detail.events] == ["created"]


def test_idempotency_key_reused_for_another_user_is_an_error(desk: Desk) -> None:
    desk.file_report("u1", "account_hacked", {}, "shared")
    with pytest.raises(ValueError, match="already used"):
        desk.file_report("u2", "account_hacked", {}, "shared")


def test_empty_later_field_does_not_erase_earlier_value(desk: Desk) -> None:
    desk.file_report("u1", "missing_withdrawal", {"tx_hash": "ff00", "amount": "1"}, "k1")
    filed = desk.file_report("u1", "missing_withdrawal", {"tx_hash": None, "amount": "2"}, "k2")
    assert filed.ticket.fields == {"tx_hash": "ff00", "amount": "2"}


def test_bad_report_input_is_refused(desk: Desk) -> None:
    with pytest.raises(ValueError, match="user_id"):
        desk.file_report("  ", "account_hacked", {}, "k1")
    with pytest.raises(ValueError, match="idempotency_key"):
        desk.file_report("u1", "account_hacked", {}, "")
    with pytest.raises(ValueError, match="JSON"):
        desk.file_report("u1", "account_hacked", {"blob": object()}, "k1")
    with pytest.raises(ValueError, match="naive"):
        desk.file_report("u1", "account_hacked", {}, "k1", now=datetime(2024, 1, 1))
    assert desk.list_queue(status="all") == []


def test_list_queue_filters(desk: Desk) -> None:
    a = desk.file_report("a", "account_hacked", {}, "k1", now=minutes(0)).ticket
    b = desk.file_report("b", "impersonation", {}, "k2", now=minutes(1)).ticket
    c = desk.file_report("c", "impersonation", {}, "k3", now=minutes(2)).ticket
    desk.claim(b.id, "alice", now=minutes(3))
    desk.resolve(c.id, "upheld", "no evidence", "bob", now=minutes(4))
    ids = lambda tickets: [t.id for t in tickets]  # noqa: E731
    assert ids(desk.list_queue()) == [a.id, b.id]
    assert ids(desk.list_queue(status="open")) == [a.id]
    assert ids(desk.list_queue(status="claimed")) == [b.id]
    assert ids(desk.list_queue(status="resolved")) == [c.id]
    assert ids(desk.list_queue(status="all")) == [a.id, b.id, c.id]
    assert ids(desk.list_queue(category="impersonation")) == [b.id]
    assert ids(desk.list_queue(assignee="alice")) == [b.id]
    with pytest.raises(ValueError, match="status"):
        desk.list_queue(status="closed")


def test_ticket_reference_and_lookup(desk: Desk) -> None:
    ticket = desk.file_report("u1", "account_hacked", {}, "k1").ticket
    assert ticket.reference == f"SB-{ticket.id:05d}"
    assert desk.get_ticket(ticket.reference).ticket == ticket
    with pytest.raises(TicketNotFound, match="SB-00999 not found"):
        desk.get_ticket(999)


def test_claim_is_exclusive(desk: Desk) -> None:
    ticket = desk.file_report("u1", "account_hacked", {}, "k1", now=minutes(0)).ticket
    claimed = desk.claim(ticket.id, "alice", now=minutes(1))
    assert (claimed.status, claimed.assignee, claimed.claimed_at) == (
        "claimed",
        "alice",
        minutes(1),
    )
    assert desk.claim(ticket.id, "alice").assignee == "alice"  # re-claiming is harmless
    with pytest.raises(AlreadyClaimed) as caught:
        desk.claim(ticket.id, "bob")
    assert caught.value.assignee == "alice"
    with pytest.raises(AlreadyClaimed):
        desk.resolve(ticket.id, "resolved", "mine now", "bob")
    with pytest.raises(TicketNotFound):
        desk.claim(424242, "bob")
    assert [e.kind for e in desk.history("ticket", ticket.id)] == ["created", "claimed"]


def test_resolved_ticket_cannot_be_claimed_or_resolved_again(desk: Desk) -> None:
    ticket = desk.file_report("u1", "impersonation", {}, "k1").ticket
    resolved = desk.resolve(ticket.id, "upheld", "suspension stands", "alice")
    assert (resolved.status, resolved.outcome, resolved.assignee) == ("resolved", "upheld", "alice")
    assert resolved.resolution_note == "suspension stands"
    with pytest.raises(TicketResolved, match="already resolved"):
        desk.claim(ticket.id, "bob")
    with pytest.raises(TicketResolved):
        desk.resolve(ticket.id, "lifted", "again", "alice")
    with pytest.raises(ValueError, match="outcome"):
        desk.resolve(ticket.id, "forgiven", "x", "alice")


def test_resolve_lifted_lifts_the_suspension(desk: Desk) -> None:
    suspension = desk.suspend("u1", 48, "insults", "bob", now=T0)
    ticket = desk.file_report("u1", "wrongful_suspension", {}, "k1", now=minutes(5)).ticket
    desk.claim(ticket.id, "alice", now=minutes(6))
    resolved = desk.resolve(ticket.id, "lifted", "impersonator", "alice", now=minutes(7))
    assert resolved.outcome == "lifted"
    assert desk.active_suspension("u1", now=minutes(8)) is None
    lifted = desk.history("suspension", suspension.id)[-1]
    assert (lifted.kind, lifted.actor, lifted.at) == ("lifted", "alice", minutes(7))
    assert lifted.detail["ticket"] == ticket.reference
    resolved_event = desk.history("ticket", ticket.id)[-1]
    assert resolved_event.kind == "resolved"
    assert resolved_event.detail["lifted_suspensions"] == [suspension.id]


def test_upheld_keeps_the_suspension(desk: Desk) -> None:
    desk.suspend("u1", 48, "insults", "bob", now=T0)
    ticket = desk.file_report("u1", "wrongful_suspension", {}, "k1", now=minutes(1)).ticket
    desk.resolve(ticket.id, "upheld", "logs confirm", "alice", now=minutes(2))
    assert desk.active_suspension("u1", now=minutes(3)) is not None


def test_human_handoff_refused_while_suspended(desk: Desk) -> None:
    desk.suspend("u1", 1, "threats", "bob", now=T0)
    with pytest.raises(HandoffRefused):
        desk.file_report("u1", "human_handoff", {}, "k1", now=minutes(1))
    filed = desk.file_report("u1", "human_handoff", {}, "k1", now=minutes(61))  # expired
    assert filed.created


@pytest.mark.both_backends
def test_claim_race_has_exactly_one_winner(db_url: str, desk: Desk) -> None:
    ticket = desk.file_report("u1", "account_hacked", {}, "k1").ticket
    results = _race(db_url, 8, lambda d, i: d.claim(ticket.id, f"agent{i}"))
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(e, AlreadyClaimed) for e in losers), losers
    assert {e.assignee for e in losers} == {winners[0].assignee}
    assert [e.kind for e in desk.history("ticket", ticket.id)] == ["created", "claimed"]


@pytest.mark.both_backends
def test_racing_reports_open_one_ticket_and_store_each_key_once(db_url: str, desk: Desk) -> None:
    # Half the threads share a key (a retried step), the rest are distinct reports.
    results = _race(
        db_url, 8, lambda d, i: d.file_report("u1", "missing_deposit", {"n": i}, f"k{i % 4}")
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.ticket.id for r in results}) == 1
    assert sum(r.created and not r.duplicate for r in results) == 1
    assert sum(r.duplicate for r in results) == 4
    detail = desk.get_ticket(results[0].ticket.id)
    assert sorted(r.idempotency_key for r in detail.reports) == ["k0", "k1", "k2", "k3"]


def _race(db_url: str, n: int, work) -> list:
    """Run work(desk, i) in n threads at once, each with its own engine (like processes)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        engine = make_engine(db_url)
        try:
            desk = Desk(engine)
            barrier.wait()
            results[i] = work(desk, i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
