"""The alert log on an open session: which tickets are owed an alert, and the rows a
worker claims, sends and marks (bot/alerts sends them; the Desk owns transactions).

Two events are alerted, once per ticket and channel: an urgent ticket filed and still
waiting for an agent, and any ticket still unclaimed at a fraction of its response
target. The unique (ticket, event, channel) row is what makes "once" hold across
workers and restarts; a row stays pending, with a growing back-off, until its channel
takes it, so a mail server that is down loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.desk.categories import URGENT
from bot.desk.models import Alert, Ticket
from bot.desk.records import _fields_dict

URGENT_FILED = "urgent_filed"
NEAR_TARGET = "near_target"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class AlertInfo:
    id: int
    ticket_id: int
    event: str
    channel: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None

    def to_dict(self) -> dict[str, Any]:
        return _fields_dict(self)


def alert_info(row: Alert) -> AlertInfo:
    return AlertInfo(
        id=row.id,
        ticket_id=row.ticket_id,
        event=row.event,
        channel=row.channel,
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


def is_near_target(ticket: Ticket, fraction: float, at: datetime) -> bool:
    """`fraction` of the time from filing to the response target has passed."""
    return at >= ticket.created_at + (ticket.response_due_at - ticket.created_at) * fraction


def owed(session: Session, fraction: float, at: datetime) -> list[tuple[int, str]]:
    """(ticket id, event) of every alert the open, unclaimed tickets are owed now.

    Only tickets still waiting for an agent: one claimed in the meantime needs no alert.
    """
    waiting = session.execute(
        select(Ticket).where(Ticket.status == "open", Ticket.assignee.is_(None))
    ).scalars()
    due: list[tuple[int, str]] = []
    for ticket in waiting:
        if ticket.priority == URGENT:
            due.append((ticket.id, URGENT_FILED))
        if is_near_target(ticket, fraction, at):
            due.append((ticket.id, NEAR_TARGET))
    return due


def queue(
    session: Session, owed_alerts: list[tuple[int, str]], channels: tuple[str, ...], at: datetime
) -> int:
    """Pending rows for the owed alerts on each channel; existing rows are left alone (the
    unique constraint settles two workers racing). Returns how many were added."""
    if not owed_alerts or not channels:
        return 0
    ids = {ticket_id for ticket_id, _ in owed_alerts}
    known = set(
        session.execute(
            select(Alert.ticket_id, Alert.event, Alert.channel).where(Alert.ticket_id.in_(ids))
        ).all()
    )
    rows = [
        {"ticket_id": ticket_id, "event": event, "channel": channel, "status": "pending",
         "attempts": 0, "created_at": at, "next_attempt_at": at}
        for ticket_id, event in owed_alerts
        for channel in channels
        if (ticket_id, event, channel) not in known
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(insert(Alert).values(rows).on_conflict_do_nothing())
    return max(result.rowcount, 0)


def claim(session: Session, limit: int, lease: timedelta, at: datetime) -> list[AlertInfo]:
    """Up to `limit` pending rows due now, leased to the caller: no other worker takes
    them until `lease` has passed (a worker that died mid-send is then replaced)."""
    query = (
        select(Alert)
        .where(Alert.status == "pending", Alert.next_attempt_at <= at)
        .order_by(Alert.next_attempt_at, Alert.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.execute(query).scalars())
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = at + lease
    session.flush()
    return [alert_info(row) for row in rows]


def mark_sent(session: Session, alert_id: int, at: datetime) -> None:
    row = session.get(Alert, alert_id)
    if row is not None:
        row.status, row.sent_at, row.last_error = "sent", at, None


def mark_failed(session: Session, alert_id: int, error: str, retry_at: datetime) -> None:
    row = session.get(Alert, alert_id)
    if row is not None and row.status == "pending":
        row.next_attempt_at, row.last_error = retry_at, error[:MAX_ERROR_CHARS]
