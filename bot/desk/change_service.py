"""The Desk's change mark: what a live view polls to learn that the queue changed and
which urgent tickets are waiting (the console's live queue, bot/console/live.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.desk.categories import URGENT
from bot.desk.models import Event, Ticket
from bot.desk.records import format_ticket_ref
from bot.desk.transactions import Transactions


@dataclass(frozen=True)
class WaitingTicket:
    id: int
    reference: str
    category: str
    created_at: datetime


@dataclass(frozen=True)
class QueueMark:
    """Every change writes an event, so a new `last_event_id` means the queue changed.
    Urgent tickets are listed by state, not read from events: ids of concurrent
    transactions may commit out of order, and a poller reading forward would miss one."""

    last_event_id: int
    urgent_waiting: tuple[WaitingTicket, ...]


class ChangeService(Transactions):
    def queue_mark(self) -> QueueMark:
        """The newest event's id and the urgent tickets open and unclaimed, oldest first."""
        with self._read() as session:
            last = session.scalar(select(func.max(Event.id))) or 0
            rows = session.execute(
                select(Ticket.id, Ticket.category, Ticket.created_at)
                .where(Ticket.priority == URGENT, Ticket.status == "open",
                       Ticket.assignee.is_(None))
                .order_by(Ticket.created_at, Ticket.id)
            ).all()
            return QueueMark(last, tuple(
                WaitingTicket(id, format_ticket_ref(id), category, created_at)
                for id, category, created_at in rows))
