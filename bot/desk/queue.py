"""Appeal-queue operations on an open session (the Desk owns transactions and retries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from bot.desk.categories import HUMAN_HANDOFF, PRIORITY_ORDER, priority_for, response_target
from bot.desk.errors import (
    AlreadyClaimed,
    NotHolder,
    SuspendedUserHandoff,
    TicketNotFound,
    TicketResolved,
)
from bot.desk.events import record_ticket_event
from bot.desk.models import CHAT_SUSPENDED, Report, Ticket
from bot.desk.records import (
    FiledReport,
    ReportInfo,
    TicketInfo,
    format_ticket_ref,
)
from bot.desk.suspensions import active_suspensions, is_suspended

_PRIORITY_RANK = case(
    *[(Ticket.priority == priority, rank) for rank, priority in enumerate(PRIORITY_ORDER)],
    else_=len(PRIORITY_ORDER),
)
QUEUE_ORDER = (_PRIORITY_RANK, Ticket.created_at, Ticket.id)


def file_once(
    session: Session,
    *,
    user_id: str,
    category: str,
    fields: dict[str, Any],
    idempotency_key: str,
    actor: str,
    at: datetime,
) -> FiledReport:
    """One attempt at filing; IntegrityError means a concurrent writer won, so retry."""
    existing = session.execute(
        select(Report).where(Report.idempotency_key == idempotency_key)
    ).scalar_one_or_none()
    if existing is not None:
        return _replay(session, existing, user_id=user_id, category=category)

    ticket = _open_ticket(session, user_id, category)
    # Touching the open ticket with a conditional UPDATE locks it (PostgreSQL) and proves it
    # was not resolved in the meantime; a report must never land on a closed ticket.
    if ticket is not None and _touch_open(session, ticket.id, at):
        report = Report(
            ticket_id=ticket.id, fields=fields, idempotency_key=idempotency_key, created_at=at
        )
        session.add(report)
        session.flush()
        record_ticket_event(
            session,
            ticket_id=ticket.id,
            user_id=user_id,
            actor=actor,
            kind="report_attached",
            at=at,
            detail={"report_id": report.id},
        )
        created = False
    else:
        priority = priority_for(category)
        ticket = Ticket(
            user_id=user_id,
            category=category,
            priority=priority,
            status="open",
            created_at=at,
            updated_at=at,
            response_due_at=at + response_target(priority),
        )
        session.add(ticket)
        session.flush()  # raises IntegrityError if another process opened one first
        report = Report(
            ticket_id=ticket.id, fields=fields, idempotency_key=idempotency_key, created_at=at
        )
        session.add(report)
        session.flush()
        record_ticket_event(
            session,
            ticket_id=ticket.id,
            user_id=user_id,
            actor=actor,
            kind="created",
            at=at,
            detail={"category": category, "priority": priority, "report_id": report.id},
        )
        created = True
    session.flush()
    return FiledReport(
        ticket=ticket_info(session, ticket.id),
        created=created,
        duplicate=False,
        report_id=report.id,
    )


def _replay(session: Session, report: Report, *, user_id: str, category: str) -> FiledReport:
    """The original result for an already-filed idempotency key."""
    ticket = session.get(Ticket, report.ticket_id)
    assert ticket is not None  # foreign key
    if (ticket.user_id, ticket.category) != (user_id, category):
        raise ValueError(
            f"idempotency key {report.idempotency_key!r} was already used for another "
            "user or category"
        )
    first_report_id = session.scalar(
        select(func.min(Report.id)).where(Report.ticket_id == ticket.id)
    )
    return FiledReport(
        ticket=ticket_info(session, ticket.id),
        created=first_report_id == report.id,
        duplicate=True,
        report_id=report.id,
    )


def _open_ticket(session: Session, user_id: str, category: str) -> Ticket | None:
    return session.execute(
        select(Ticket).where(
            Ticket.user_id == user_id, Ticket.category == category, Ticket.status != "resolved"
        )
    ).scalar_one_or_none()


def _touch_open(session: Session, ticket_id: int, at: datetime) -> bool:
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status != "resolved")
        .values(updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


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


def claim(session: Session, ticket_id: int, agent: str, at: datetime) -> TicketInfo:
    refuse_suspended_handoff(session, _load(session, ticket_id), at)
    # One conditional UPDATE: of two agents racing, the database lets exactly one match.
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.assignee.is_(None), Ticket.status == "open")
        .values(status="claimed", assignee=agent, claimed_at=at, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        ticket = _load(session, ticket_id)
        if ticket.status == "resolved":
            raise TicketResolved(ticket_id)
        if ticket.assignee == agent:
            return ticket_info(session, ticket_id)  # claiming twice is harmless
        raise AlreadyClaimed(ticket_id, ticket.assignee or "?")
    ticket = _load(session, ticket_id)
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
    ticket = _load(session, ticket_id)
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
    ticket = _load(session, ticket_id)
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
        raise AlreadyClaimed(ticket_id, _load(session, ticket_id).assignee or "?")
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
    ticket = _load(session, ticket_id)
    if result.rowcount != 1:
        if ticket.status == "resolved":
            raise TicketResolved(ticket_id)
        raise AlreadyClaimed(ticket_id, ticket.assignee or "?")
    return ticket


def _load(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


def ticket_info(session: Session, ticket_id: int) -> TicketInfo:
    return ticket_infos(session, [_load(session, ticket_id)])[0]


def ticket_infos(session: Session, tickets: Iterable[Ticket]) -> list[TicketInfo]:
    tickets = list(tickets)
    reports = reports_by_ticket(session, [t.id for t in tickets])
    return [_info(t, reports.get(t.id, [])) for t in tickets]


def reports_by_ticket(session: Session, ticket_ids: list[int]) -> dict[int, list[ReportInfo]]:
    grouped: dict[int, list[ReportInfo]] = {}
    if not ticket_ids:
        return grouped
    rows = session.execute(
        select(Report).where(Report.ticket_id.in_(ticket_ids)).order_by(Report.id)
    ).scalars()
    for row in rows:
        grouped.setdefault(row.ticket_id, []).append(
            ReportInfo(
                id=row.id,
                ticket_id=row.ticket_id,
                fields=dict(row.fields or {}),
                idempotency_key=row.idempotency_key,
                created_at=row.created_at,
            )
        )
    return grouped


def merge_fields(reports: Iterable[ReportInfo]) -> dict[str, Any]:
    """Latest report wins; a later report that leaves a field empty does not erase it."""
    merged: dict[str, Any] = {}
    for report in reports:
        merged.update({k: v for k, v in report.fields.items() if v not in (None, "")})
    return merged


def _info(row: Ticket, reports: list[ReportInfo]) -> TicketInfo:
    return TicketInfo(
        id=row.id,
        reference=format_ticket_ref(row.id),
        user_id=row.user_id,
        category=row.category,
        priority=row.priority,
        status=row.status,
        assignee=row.assignee,
        outcome=row.outcome,
        resolution_note=row.resolution_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        claimed_at=row.claimed_at,
        resolved_at=row.resolved_at,
        response_due_at=row.response_due_at,
        fields=merge_fields(reports),
        report_count=len(reports),
    )
