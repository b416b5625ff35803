"""The alert log: which alerts the queue owes, once per ticket, event and channel, and
the claim, send and retry cycle a worker runs on it (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.desk import Desk
from bot.desk.clock import utc_now

CHANNELS = ("email", "webhook")


@pytest.mark.both_backends
def test_an_urgent_ticket_is_owed_one_alert_per_channel_once(desk: Desk) -> None:
    now = utc_now()
    filed = desk.file_report("acct-1", "account_hacked", {}, "k1", now=now)
    desk.file_report("acct-2", "impersonation", {}, "k2", now=now)  # normal: nothing yet
    assert desk.queue_alerts(CHANNELS, 0.75, now=now) == 2
    assert desk.queue_alerts(CHANNELS, 0.75, now=now) == 0
    log = desk.alert_log()
    assert {(a.ticket_id, a.event, a.channel) for a in log} == {
        (filed.ticket.id, "urgent_filed", "email"), (filed.ticket.id, "urgent_filed", "webhook")}
    assert all(a.status == "pending" and a.attempts == 0 for a in log)


@pytest.mark.both_backends
def test_a_ticket_unclaimed_at_three_quarters_of_its_target_is_owed_an_alert(
    desk: Desk,
) -> None:
    filed_at = utc_now() - timedelta(hours=20)  # normal: 24 h target, 75 % is 18 h
    normal = desk.file_report("acct-3", "impersonation", {}, "k3", now=filed_at)
    claimed = desk.file_report("acct-4", "wrongful_suspension", {}, "k4", now=filed_at)
    desk.claim(claimed.ticket.id, "alice")
    fresh = desk.file_report("acct-5", "missing_deposit", {}, "k5")  # high, 4 h, just filed
    assert desk.queue_alerts(("email",), 0.75) == 1
    [alert] = desk.alert_log()
    assert (alert.ticket_id, alert.event) == (normal.ticket.id, "near_target")
    assert desk.alert_log(fresh.ticket.id) == []
    later = utc_now() + timedelta(hours=3, minutes=1)  # fresh passes 3 h of its 4
    assert desk.queue_alerts(("email",), 0.75, now=later) == 1
    assert [a.event for a in desk.alert_log(fresh.ticket.id)] == ["near_target"]


@pytest.mark.both_backends
def test_claimed_alerts_are_leased_retried_after_back_off_and_sent_once(desk: Desk) -> None:
    now = utc_now()
    desk.file_report("acct-6", "account_hacked", {}, "k6", now=now)
    desk.queue_alerts(("email",), 0.75, now=now)
    [alert] = desk.claim_alerts(10, timedelta(minutes=2), now=now)
    assert alert.attempts == 1
    assert desk.claim_alerts(10, timedelta(minutes=2), now=now) == []  # leased to the first
    desk.alert_failed(alert.id, "ConnectionRefusedError: down", now + timedelta(seconds=5))
    assert desk.claim_alerts(10, timedelta(minutes=2), now=now + timedelta(seconds=4)) == []
    [again] = desk.claim_alerts(10, timedelta(minutes=2), now=now + timedelta(seconds=5))
    assert again.attempts == 2 and again.last_error == "ConnectionRefusedError: down"
    desk.alert_sent(again.id, now=now + timedelta(seconds=6))
    [done] = desk.alert_log()
    assert done.status == "sent" and done.last_error is None and done.sent_at is not None
    assert desk.claim_alerts(10, timedelta(minutes=2), now=now + timedelta(hours=1)) == []
    assert desk.queue_alerts(("email",), 0.75, now=now + timedelta(seconds=7)) == 0


def test_queue_mark_moves_with_every_change_and_lists_waiting_urgent_tickets(
    desk: Desk,
) -> None:
    before = desk.queue_mark()
    urgent = desk.file_report("acct-7", "account_hacked", {}, "k7")
    desk.file_report("acct-8", "impersonation", {}, "k8")
    mark = desk.queue_mark()
    assert mark.last_event_id > before.last_event_id
    assert [t.reference for t in mark.urgent_waiting] == [urgent.ticket.reference]
    desk.claim(urgent.ticket.id, "alice")
    claimed = desk.queue_mark()
    assert claimed.last_event_id > mark.last_event_id and claimed.urgent_waiting == ()
