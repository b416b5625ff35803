"""The alert worker against a real SMTP server (aiosmtpd) and a real webhook receiver:
each alert arrives once, and a mail server that is down loses neither ticket nor alert."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.alerts.mail import MailSender
from bot.alerts.webhook import WebhookSender
from bot.alerts.worker import AlertWorker, retry_delay
from bot.desk import Desk
from bot.desk.clock import utc_now
from tests.support.alerts import SmtpSink, WebhookSink


def mail(smtp: SmtpSink) -> MailSender:
    return MailSender(host="127.0.0.1", port=smtp.port, mail_from="bot@desk.example",
                      mail_to=("agents@desk.example", "lead@desk.example"), starttls=False)


def worker(desk: Desk, smtp: SmtpSink, webhook: WebhookSink | None = None) -> AlertWorker:
    senders = [mail(smtp)] + ([WebhookSender(webhook.url)] if webhook else [])
    return AlertWorker(desk, senders, console_url="https://console.desk.example/")


@pytest.mark.both_backends
def test_an_urgent_ticket_sends_one_email_and_one_webhook_post(
    desk: Desk, smtp: SmtpSink, webhook: WebhookSink
) -> None:
    filed = desk.file_report("acct-1", "account_hacked", {"email": "me@x.example"}, "k1")
    alerts = worker(desk, smtp, webhook)
    first = alerts.run_once()
    assert (first.queued, first.sent, first.failed) == (2, 2, 0)
    second = alerts.run_once()  # run twice: nothing goes out again
    assert (second.queued, second.sent, second.failed) == (0, 0, 0)

    [message] = smtp.messages
    ref = filed.ticket.reference
    assert message["Subject"].startswith(f"[supportbot] Urgent ticket {ref}: account hacked")
    assert message["To"] == "agents@desk.example, lead@desk.example"
    assert message["X-Supportbot-Ticket"] == ref
    body = message.get_content()
    assert f"https://console.desk.example/tickets/{ref}" in body
    assert "me@x.example" not in body and "acct-1" not in body  # nothing the user wrote
    [post] = webhook.bodies
    assert post["event"] == "urgent_filed" and post["ticket"] == ref
    assert post["text"].startswith(f"Urgent ticket {ref}")
    assert {a.status for a in desk.alert_log()} == {"sent"}


def test_a_ticket_nearing_its_target_unclaimed_sends_one_alert(
    desk: Desk, smtp: SmtpSink
) -> None:
    filed = desk.file_report("acct-2", "missing_withdrawal", {}, "k2",
                             now=utc_now() - timedelta(hours=3, minutes=10))  # high: 4 h
    alerts = worker(desk, smtp)
    assert alerts.run_once().sent == 1
    assert alerts.run_once().sent == 0
    [message] = smtp.messages
    assert message["X-Supportbot-Event"] == "near_target"
    assert f"Unclaimed ticket {filed.ticket.reference} (high)" in message["Subject"]
    assert "due in 49m" in message["Subject"] or "due in 50m" in message["Subject"]


def test_smtp_down_files_the_ticket_and_sends_the_alert_once_it_is_back(
    desk: Desk, smtp: SmtpSink
) -> None:
    smtp.stop()
    now = utc_now()
    filed = desk.file_report("acct-3", "account_hacked", {}, "k3", now=now)
    assert desk.get_ticket(filed.ticket.id).ticket.status == "open"  # filing never waited
    alerts = worker(desk, smtp)
    down = alerts.run_once(now=now)
    assert (down.sent, down.failed) == (0, 1)
    [pending] = desk.alert_log()
    assert pending.status == "pending" and "Connection" in (pending.last_error or "")
    assert alerts.run_once(now=now + timedelta(seconds=2)).failed == 0  # backing off
    smtp.start()
    back = alerts.run_once(now=now + retry_delay(1))
    assert (back.sent, back.failed) == (1, 0)
    assert len(smtp.messages) == 1
    assert alerts.run_once(now=now + timedelta(minutes=10)).sent == 0


def test_a_failing_webhook_is_retried_without_sending_the_email_again(
    desk: Desk, smtp: SmtpSink, webhook: WebhookSink
) -> None:
    webhook.status = 503
    now = utc_now()
    desk.file_report("acct-4", "account_hacked", {}, "k4", now=now)
    alerts = worker(desk, smtp, webhook)
    assert (alerts.run_once(now=now).sent, len(smtp.messages), webhook.bodies) == (1, 1, [])
    webhook.status = 200
    assert alerts.run_once(now=now + retry_delay(1)).sent == 1
    assert len(smtp.messages) == 1 and len(webhook.bodies) == 1


def test_the_worker_in_the_background_delivers_and_stops(desk: Desk, smtp: SmtpSink) -> None:
    alerts = AlertWorker(desk, [mail(smtp)], poll_seconds=0.1).start()
    try:
        desk.file_report("acct-5", "account_hacked", {}, "k5")
        assert len(smtp.wait_for(1, timeout=10)) == 1
    finally:
        alerts.stop()


def test_retry_delay_doubles_up_to_ten_minutes() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 50)] == [5, 10, 20, 600, 600]
