"""The Desk's alert log: which alerts the queue owes, and the worker's claim, send and
mark cycle (bot/desk/alerts.py has the rules; bot/alerts sends)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.desk import alerts
from bot.desk.alerts import AlertInfo
from bot.desk.clock import resolve_now
from bot.desk.models import ALERT_CHANNELS, Alert
from bot.desk.records import parse_ticket_ref
from bot.desk.transactions import Transactions
from bot.desk.validation import one_of


class AlertService(Transactions):
    def queue_alerts(
        self, channels: tuple[str, ...], near_fraction: float, now: datetime | None = None
    ) -> int:
        """Add a pending alert on each of `channels` for every alert owed now (an urgent
        ticket waiting, a ticket unclaimed at `near_fraction` of its target) that has
        none yet; how many were added."""
        for channel in channels:
            one_of(channel, ALERT_CHANNELS, "channel")
        if not 0 < near_fraction <= 1:
            raise ValueError("near_fraction must be more than 0 and at most 1")
        at = resolve_now(now)
        with self._write() as session:
            return alerts.queue(session, alerts.owed(session, near_fraction, at), channels, at)

    def claim_alerts(
        self, limit: int, lease: timedelta, now: datetime | None = None
    ) -> list[AlertInfo]:
        """Pending alerts due now, each leased to the caller for `lease`."""
        with self._write() as session:
            return alerts.claim(session, limit, lease, resolve_now(now))

    def alert_sent(self, alert_id: int, now: datetime | None = None) -> None:
        with self._write() as session:
            alerts.mark_sent(session, alert_id, resolve_now(now))

    def alert_failed(self, alert_id: int, error: str, retry_at: datetime) -> None:
        """Kept pending, tried again from `retry_at`."""
        with self._write() as session:
            alerts.mark_failed(session, alert_id, error, resolve_now(retry_at))

    def alert_log(self, ticket_id: int | str | None = None) -> list[AlertInfo]:
        """The log, oldest first; one ticket's when given."""
        query = select(Alert).order_by(Alert.id)
        if ticket_id is not None:
            query = query.where(Alert.ticket_id == parse_ticket_ref(ticket_id))
        with self._read() as session:
            return [alerts.alert_info(row) for row in session.execute(query).scalars()]
