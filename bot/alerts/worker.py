"""The alert worker: queue the alerts the desk owes, send the pending ones, retry the
failed ones with back-off. Each pass is a few short desk transactions; sending happens
outside them, so a slow mail server holds no lock and blocks no filing.

Delivery is at least once: a row is marked sent after its channel took it, so a worker
killed between the two sends that alert again when its lease ends; never zero times.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.alerts.mail import MailSender
from bot.alerts.message import AlertMessage, compose
from bot.alerts.webhook import WebhookSender
from bot.desk import Desk
from bot.desk.alerts import AlertInfo
from bot.desk.clock import resolve_now
from bot.logs import log_event
from bot.settings import AlertsSettings

logger = logging.getLogger(__name__)

BATCH = 20  # alerts claimed per pass
LEASE = timedelta(minutes=2)  # longer than a send may take (two 10 s time-outs and more)
FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=10)
SEND_ERRORS = (OSError, smtplib.SMTPException, ValueError)


class Sender(Protocol):
    channel: str

    def send(self, alert: AlertMessage) -> None: ...


def retry_delay(attempts: int) -> timedelta:
    """5 s after the first failure, doubling, at most 10 minutes: a mail server that is
    back is used within minutes, one that stays down costs a connection every 10."""
    return min(MAX_RETRY, FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16))


@dataclass(frozen=True)
class PassResult:
    queued: int
    sent: int
    failed: int


class AlertWorker:
    def __init__(
        self,
        desk: Desk,
        senders: list[Sender],
        *,
        near_fraction: float = 0.75,
        console_url: str = "http://localhost:8080",
        poll_seconds: float = 2.0,
    ) -> None:
        if not senders:
            raise ValueError("the alert worker needs at least one channel")
        self.desk = desk
        self.senders = {sender.channel: sender for sender in senders}
        self.near_fraction = near_fraction
        self.console_url = console_url
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, desk: Desk, settings: AlertsSettings) -> AlertWorker | None:
        """None when neither a mail server with recipients nor a webhook is configured."""
        senders: list[Sender] = [
            sender for sender in (MailSender.from_settings(settings),
                                  WebhookSender.from_settings(settings)) if sender is not None]
        if not senders:
            return None
        return cls(desk, senders, near_fraction=settings.near_target,
                   console_url=settings.console_url, poll_seconds=settings.poll_seconds)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self.senders)

    def run_once(self, now: datetime | None = None) -> PassResult:
        """One pass: queue what is owed at `now`, then send what is due."""
        at = resolve_now(now)
        queued = self.desk.queue_alerts(self.channels, self.near_fraction, now=at)
        sent = failed = 0
        for alert in self.desk.claim_alerts(BATCH, LEASE, now=at):
            if self._deliver(alert, at):
                sent += 1
            else:
                failed += 1
        return PassResult(queued=queued, sent=sent, failed=failed)

    def _deliver(self, alert: AlertInfo, at: datetime) -> bool:
        ticket = self.desk.get_ticket(alert.ticket_id).ticket
        fields = {"ticket": ticket.reference, "alert_event": alert.event,
                  "channel": alert.channel, "attempt": alert.attempts}
        sender = self.senders.get(alert.channel)
        try:
            if sender is None:  # queued while that channel was configured; it is not now
                raise ValueError(f"the {alert.channel} channel is not configured")
            sender.send(compose(alert.event, ticket, self.console_url, at))
        except SEND_ERRORS as error:
            delay = retry_delay(alert.attempts)
            reason = f"{type(error).__name__}: {error}"
            if isinstance(sender, WebhookSender):  # its URL is a credential
                reason = reason.replace(sender.url, "<webhook URL>")
            self.desk.alert_failed(alert.id, reason, at + delay)
            log_event(logger, "alert_failed", logging.WARNING, **fields,
                      error=reason[:200], retry_in_s=int(delay.total_seconds()))
            return False
        self.desk.alert_sent(alert.id, now=at)
        log_event(logger, "alert_sent", **fields)
        return True

    # -- running in the background ------------------------------------------------------

    def run(self) -> None:
        """Pass after pass until stop(); a failing pass (the database away) is logged and
        the next one tries again."""
        while not self._stop.is_set():
            try:
                result = self.run_once()
            except Exception as error:  # noqa: BLE001 - the worker outlives any one pass
                log_event(logger, "alert_pass_failed", logging.ERROR,
                          error=f"{type(error).__name__}: {error}"[:300])
            else:
                if result.failed == 0 and result.sent == BATCH:
                    continue  # more may be waiting
            self._stop.wait(self.poll_seconds)

    def start(self) -> AlertWorker:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="alert-worker", daemon=True)
        self._thread.start()
        log_event(logger, "alert_worker_started", channels=list(self.channels),
                  near_target=self.near_fraction, poll_s=self.poll_seconds)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current send (a daemon thread: a process that cannot wait exits
        anyway, and an alert it was sending goes out again when its lease ends)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
