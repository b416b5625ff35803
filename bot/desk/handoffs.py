"""Requests to talk to staff (human_handoff tickets) of users suspended from live chat:
no agent takes one up, and a suspension closes them (on an open session)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.desk.categories import HUMAN_HANDOFF
from bot.desk.errors import SuspendedUserHandoff
from bot.desk.events import record_ticket_event
from bot.desk.models import CHAT_SUSPENDED, Ticket
from bot.desk.suspensions import active_suspensions


def refuse_suspended_handoff(session: Session, ticket: Ticket, at: datetime) -> None:
    """No agent takes up a request to talk to staff while its user is suspended."""
    if ticket.category != HUMAN_HANDOFF or ticket.status == "resolved":
        return
    suspensions = active_suspensions(session, ticket.user_id, at)
    if suspensions:
        raise SuspendedUserHandoff(ticket.id, ticket.user_id, suspensions[0].ends_at)


def close_handoffs_of(
    session: Session, user_id: str, *, suspension_id: int, agent: str, at: datetime
) -> list[int]:
    """Close the user's requests to talk to staff that are not resolved, because live chat
    was just turned off for them; returns the ticket ids closed.

    Closed, not parked: the suspension turns live chat off (policy §5-7), so the request
    is void rather than postponed, and nothing is left that could reach staff later.
    Reports and history stay on the ticket; the (user, human_handoff) slot is free, so a
    request made after the suspension opens a new ticket.
    """
    tickets = session.execute(
        select(Ticket).where(
            Ticket.user_id == user_id,
            Ticket.category == HUMAN_HANDOFF,
            Ticket.status != "resolved",
        )
    ).scalars().all()
    closed = []
    for ticket in tickets:
        before_status, before_assignee = ticket.status, ticket.assignee
        result = session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.status != "resolved")
            .values(
                status="resolved",
                outcome=CHAT_SUSPENDED,
                resolution_note=f"Closed: the user was suspended from live chat "
                f"(suspension {suspension_id}).",
                assignee=agent,
                resolved_at=at,
                updated_at=at,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue  # resolved by an agent in the meantime
        # Not a "resolved" event: this is no agent's decision to tell the user about.
        record_ticket_event(
            session,
            ticket_id=ticket.id,
            user_id=ticket.user_id,
            actor=agent,
            kind="closed_by_suspension",
            at=at,
            detail={
                "suspension_id": suspension_id,
                "from": before_status,
                "assignee": before_assignee,
            },
        )
        closed.append(ticket.id)
    return closed
