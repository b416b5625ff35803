"""Working the appeal queue on an open session: claiming, releasing, changing status and
resolving tickets, each a conditional UPDATE so concurrent agents never both win (the
Desk owns transactions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.desk.categories import HUMAN_HANDOFF
from bot.desk.errors import AlreadyClaimed, NotHolder, TicketResolved
from bot.desk.events import record_ticket_event
from bot.desk.handoffs import refuse_suspended_handoff
from bot.desk.models import Ticket
from bot.desk.records import TicketInfo
from bot.desk.suspensions import is_suspended
from bot.desk.tickets import QUEUE_ORDER, load_ticket, ticket_info


def claim(session: Session, ticket_id: int, agent: str, at: datetime) -> TicketInfo:
    refuse_suspended_handoff(session, load_ticket(session, ticket_id), at)
    # One conditional UPDATE: of two agents racing, the database lets exactly one match.
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.assignee.is_(None), Ticket.status == "open")
        .values(status="claimed", assignee=agent, claimed_at=at, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        ticket = load_ticket(session, ticket_id)
        if ticket.status == "resolved":
            raise TicketResolved(ticket_id)
        if ticket.assignee == agent:
            return ticket_info(session, ticket_id)  # claiming twice is harmless
        raise AlreadyClaimed(ticket_id, ticket.assignee or "?")
    ticket = load_ticket(session, ticket_id)
    record_ticket_event(
        session,
        ticket_id=ticket_id,
        user_id=ticket.user_id,
        actor=agent,
        kind="claimed",
        at=at,
    )
    return ticket_info(session, ticket_id)


def claim_next(session: Session, agent: str, at: datetime) -> TicketInfo | None:
    """Claim the most urgent, oldest open unassigned ticket; None when there is none.

    PostgreSQL: `FOR UPDATE SKIP LOCKED` lets many agents take the head of the queue at
    once, each getting a different row instead of queueing behind one lock. SQLite
    serialises writers (the Desk opens writes with BEGIN IMMEDIATE), so a plain SELECT is
    already exclusive there; claim()'s conditional UPDATE is the safety net on both.
    """
    query = (
        select(Ticket.id)
        .where(
            Ticket.status == "open",
            Ticket.assignee.is_(None),
            ~((Ticket.category == HUMAN_HANDOFF) & is_suspended(Ticket.user_id, at)),
        )
        .order_by(*QUEUE_ORDER)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Ticket)
    ticket_id = session.scalar(query)
    if ticket_id is None:
        return None
    return claim(session, ticket_id, agent, at)


def reassign(
    session: Session, ticket_id: int, to_agent: str, actor: str, at: datetime
) -> TicketInfo:
    """Hand a held ticket (claimed or waiting for the user) to `to_agent`, keeping its
    status. Conditional on the holder read, so a concurrent release or resolve wins."""
    ticket = load_ticket(session, ticket_id)
    if ticket.status == "resolved":
        raise TicketResolved(ticket_id)
    if ticket.assignee is None or ticket.status not in ("claimed", "pending_user"):
        raise NotHolder(ticket_id, None)
    before = ticket.assignee
    if before == to_agent:
        return ticket_info(session, ticket_id)
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.assignee == before,
               Ticket.status.in_(("claimed", "pending_user")))
        .values(assignee=to_agent, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise NotHolder(ticket_id, load_ticket(session, ticket_id).assignee)
    record_ticket_event(
        session,
        ticket_id=ticket_id,
        user_id=ticket.user_id,
        actor=actor,
        kind="reassigned",
        at=at,
        detail={"from": before, "to": to_agent},
    )
    return ticket_info(session, ticket_id)


def release(session: Session, ticket_id: int, agent: str, at: datetime) -> TicketInfo:
    """Put the ticket held by `agent` back in the queue (open, unassigned)."""
    result = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.status.in_(("claimed", "pending_user")),
            Ticket.assignee == agent,
        )
        .values(status="open", assignee=None, claimed_at=None, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    ticket = load_ticket(session, ticket_id)
    if result.rowcount != 1:
        if ticket.status == "resolved":
            raise TicketResolved(ticket_id)
        raise NotHolder(ticket_id, ticket.assignee)
    record_ticket_event(
        session,
        ticket_id=ticket_id,
        user_id=ticket.user_id,
        actor=agent,
        kind="released",
        at=at,
    )
    return ticket_info(session, ticket_id)


def set_status(
    session: Session, ticket_id: int, status: str, agent: str, at: datetime
) -> TicketInfo:
    """Status "pending_user": waiting for the user's answer (the agent takes the ticket if
    it is free). Status "open": back to work: "claimed" while someone holds it, else "open".
    """
    ticket = load_ticket(session, ticket_id)
    if ticket.status == "resolved":
        raise TicketResolved(ticket_id)
    if ticket.assignee not in (None, agent):
        raise AlreadyClaimed(ticket_id, ticket.assignee)
    refuse_suspended_handoff(session, ticket, at)
    before = ticket.status
    if status == "pending_user":
        claimed_at = ticket.claimed_at or at
        values = {"status": "pending_user", "assignee": agent, "claimed_at": claimed_at}
    else:
        values = {"status": "claimed" if ticket.assignee else "open"}
    # Conditional on what was read: a concurrent claim or resolve makes this match nothing.
    result = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.status == before,
            Ticket.assignee.is_(None) if ticket.assignee is None else Ticket.assignee == agent,
        )
        .values(**values, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyClaimed(ticket_id, load_ticket(session, ticket_id).assignee or "?")
    after = values["status"]
    if after != before:
        record_ticket_event(
            session,
            ticket_id=ticket_id,
            user_id=ticket.user_id,
            actor=agent,
            kind="status_changed",
            at=at,
            detail={"from": before, "to": after},
        )
    return ticket_info(session, ticket_id)


def resolve(
    session: Session, ticket_id: int, *, outcome: str, note: str, agent: str, at: datetime
) -> Ticket:
    """Close the ticket (claimed by `agent` or unclaimed) and record it; returns the row."""
    result = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.status != "resolved",
            (Ticket.assignee.is_(None)) | (Ticket.assignee == agent),
        )
        .values(
            status="resolved",
            outcome=outcome,
            resolution_note=note,
            assignee=agent,
            resolved_at=at,
            updated_at=at,
        )
        .execution_options(synchronize_session=False)
    )
    ticket = load_ticket(session, ticket_id)
    if result.rowcount != 1:
        if ticket.status == "resolved":
            raise TicketResolved(ticket_id)
        raise AlreadyClaimed(ticket_id, ticket.assignee or "?")
    return ticket
