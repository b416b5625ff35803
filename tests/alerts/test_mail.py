"""Alert e-mails: sign-in at the mail server when a name is configured, and the senders
built from settings only when their channel is configured."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bot.alerts.mail import MailSender
from bot.alerts.message import compose
from bot.alerts.webhook import WebhookSender
from bot.alerts.worker import AlertWorker
from bot.desk import Desk
from bot.desk.clock import utc_now
from bot.settings import Settings
from tests.support.alerts import SmtpSink
from tests.support.tools import free_port


def check_login(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = auth_data.login == b"alerts" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


@pytest.fixture
def smtp_with_login():  # type: ignore[no-untyped-def]
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port,
                            authenticator=check_login, auth_require_tls=False,
                            auth_required=True)
    controller.start()
    yield sink
    controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH")  # aiosmtpd: a test server, no TLS
def test_the_sender_signs_in_when_a_name_is_set(desk: Desk, smtp_with_login: SmtpSink) -> None:
    ticket = desk.file_report("acct-1", "account_hacked", {}, "k1").ticket
    alert = compose("urgent_filed", ticket, "http://console", utc_now())
    sender = MailSender(host="127.0.0.1", port=smtp_with_login.port, mail_from="bot@x.example",
                        mail_to=("desk@x.example",), starttls=False)
    with pytest.raises(smtplib.SMTPException):  # refused without signing in
        sender.send(alert)
    MailSender(**{**sender.__dict__, "username": "alerts", "password": "s3cret"}).send(alert)
    assert [m["X-Supportbot-Ticket"] for m in smtp_with_login.messages] == [ticket.reference]


def test_channels_come_from_settings(desk: Desk) -> None:
    nothing = Settings.from_env({}).alerts
    assert AlertWorker.from_settings(desk, nothing) is None
    no_recipient = Settings.from_env({"SUPPORTBOT_ALERT_SMTP_HOST": "mail.x.example"}).alerts
    assert MailSender.from_settings(no_recipient) is None
    both = Settings.from_env({
        "SUPPORTBOT_ALERT_SMTP_HOST": "mail.x.example", "SUPPORTBOT_ALERT_SMTP_PORT": "2525",
        "SUPPORTBOT_ALERT_TO": "a@x.example, b@x.example",
        "SUPPORTBOT_ALERT_WEBHOOK_URL": "https://hooks.x.example/T1/B2/secret",
        "SUPPORTBOT_ALERT_NEAR_TARGET": "0.5"}).alerts
    worker = AlertWorker.from_settings(desk, both)
    assert worker is not None and worker.channels == ("email", "webhook")
    assert worker.near_fraction == 0.5
    assert worker.senders["email"] == MailSender(
        host="mail.x.example", port=2525, mail_from="supportbot@localhost",
        mail_to=("a@x.example", "b@x.example"))
    assert worker.senders["webhook"] == WebhookSender("https://hooks.x.example/T1/B2/secret")
    assert "secret" not in repr(both)  # the webhook URL is a credential: never logged


def test_overdue_tickets_say_so() -> None:
    from bot.desk.records import TicketInfo

    now = utc_now()
    ticket = TicketInfo(
        id=7, reference="SB-00007", user_id="u", category="missing_deposit", priority="high",
        status="open", assignee=None, outcome=None, resolution_note=None,
        created_at=now - timedelta(hours=5), updated_at=now, claimed_at=None,
        resolved_at=None, response_due_at=now - timedelta(hours=1), fields={},
        report_count=1)
    alert = compose("near_target", ticket, "http://c/", now)
    assert alert.subject == "Unclaimed ticket SB-00007 (high): missing deposit, overdue by 1h 00m"
    assert alert.url == "http://c/tickets/SB-00007"
