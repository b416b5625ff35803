"""Telling users about decisions on their tickets, exactly once.

A decision has been told when a `user_told` event follows the ticket's `resolved` event.
The bot tells at the user's next message (pull), or at once when an agent's decision is
pushed into the conversation; whichever comes first marks it, so it is told once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk.events import record_ticket_event
from bot.desk.models import Event, Ticket

TOLD = "user_told"


def _untold(session: Session, ticket_ids: list[int]) -> set[int]:
    """Those of `ticket_ids` whose latest resolution has no `user_told` event after it."""
    if not ticket_ids:
        return set()
    rows = session.execute(
        select(Event.subject_id, Event.kind)
        .where(Event.subject_type == "ticket", Event.subject_id.in_(ticket_ids),
               Event.kind.in_(("resolved", TOLD)))
        .order_by(Event.id)
    ).all()
    last_kind = {subject_id: kind for subject_id, kind in rows}
    return {ticket_id for ticket_id, kind in last_kind.items() if kind == "resolved"}


def untold_ticket_ids(session: Session, user_id: str) -> list[int]:
    resolved = session.execute(
        select(Ticket.id).where(Ticket.user_id == user_id, Ticket.status == "resolved")
    ).scalars().all()
    return sorted(_untold(session, list(resolved)))


def mark_told(session: Session, ticket_id: int, *, actor: str, at: datetime) -> bool:
    """Record that the user was told; False if someone else told them first."""
    # Row lock on PostgreSQL; SQLite writers are already serialised (BEGIN IMMEDIATE).
    ticket = session.execute(
        select(Ticket).where(Ticket.id == ticket_id).with_for_update()
    ).scalar_one_or_none()
    if ticket is None or ticket_id not in _untold(session, [ticket_id]):
        return False
    record_ticket_event(session, ticket_id=ticket_id, user_id=ticket.user_id, actor=actor,
                        kind=TOLD, at=at, detail={"outcome": ticket.outcome})
    return True
