"""The queue by pages, searched by ticket number or account id, and claim-next taken by
two desks at once (two engines: two processes' worth of connections)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.desk import Desk, make_engine
from bot.desk.clock import utc_now
from bot.desk.records import TicketInfo


def _file(desk: Desk, n: int, category: str = "impersonation", **kw: object) -> TicketInfo:
    return desk.file_report(f"Acct-{n}", category, {}, f"k-{n}-{category}", **kw).ticket


def test_status_all_is_paged_with_a_total(desk: Desk) -> None:
    for n in range(7):
        _file(desk, n)
    desk.resolve(1, "resolved", "done", "lena")
    first = desk.queue_page(status="all", page_size=3)
    assert (first.total, first.pages, len(first.tickets)) == (7, 3, 3)
    assert not first.has_previous and first.has_next
    last = desk.queue_page(status="all", page=3, page_size=3)
    assert [t.id for t in last.tickets] == [7]
    assert last.has_previous and not last.has_next
    everything = {t.id for p in (1, 2, 3)
                  for t in desk.queue_page(status="all", page=p, page_size=3).tickets}
    assert everything == set(range(1, 8))
    assert desk.queue_page().total == 6  # the default hides resolved tickets
    assert desk.queue_page(status="all", page=99, page_size=3).page == 3  # clamped


def test_search_by_ticket_number_or_account_id_any_case(desk: Desk) -> None:
    for n in range(3):
        _file(desk, n)
    other = _file(desk, 2, "missing_deposit")
    desk.resolve(1, "resolved", "done", "lena")
    assert [t.id for t in desk.queue_page(search="SB-00002").tickets] == [2]
    assert [t.id for t in desk.queue_page(search="2").tickets] == [2]
    # An account id in another case finds every ticket of it, resolved ones too.
    assert {t.id for t in desk.queue_page(search="ACCT-2").tickets} == {3, other.id}
    assert [t.id for t in desk.queue_page(search="sb-1").tickets] == [1]
    assert desk.queue_page(search="acct-404").total == 0
    assert desk.queue_page(search="9" * 40).total == 0  # no integer overflow
    assert desk.queue_page(search="acct-2", category="missing_deposit").total == 1


def test_claim_next_takes_priority_then_the_nearest_target(desk: Desk) -> None:
    now = utc_now()
    old_normal = _file(desk, 1, now=now - timedelta(hours=30))
    high = _file(desk, 2, "missing_deposit", now=now - timedelta(minutes=5))
    urgent = _file(desk, 3, "account_hacked", now=now)
    assert desk.claim_next("a", now=now).id == urgent.id
    assert desk.claim_next("a", now=now).id == high.id
    assert desk.claim_next("a", now=now).id == old_normal.id
    assert desk.claim_next("a", now=now) is None


@pytest.mark.both_backends
def test_two_desks_pressing_claim_next_at_once_get_different_tickets(
    desk: Desk, db_url: str
) -> None:
    other = Desk(make_engine(db_url))
    try:
        for round_ in range(10):
            for n in range(2):
                _file(desk, 100 * round_ + n, "account_hacked")
            start = threading.Barrier(2)
            got: dict[str, int | None] = {}
            errors: list[BaseException] = []

            # Bound as defaults: each round's barrier and results, not the last round's.
            def press(d: Desk, agent: str, start: threading.Barrier = start,
                      got: dict[str, int | None] = got,
                      errors: list[BaseException] = errors) -> None:
                start.wait()
                try:
                    taken = d.claim_next(agent)
                    got[agent] = taken.id if taken else None
                except BaseException as error:  # noqa: BLE001 - reported below
                    errors.append(error)

            threads = [threading.Thread(target=press, args=(d, name))
                       for d, name in ((desk, "ann"), (other, "bo"))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
            assert None not in got.values() and got["ann"] != got["bo"], got
            for agent, ticket_id in got.items():
                assert desk.get_ticket(ticket_id).ticket.assignee == agent
    finally:
        other.engine.dispose()
