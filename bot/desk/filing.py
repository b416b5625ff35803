"""Filing a report on an open session: exactly once per idempotency key, on the user's
open ticket of the category or on a new one (the Desk owns transactions and retries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.desk.categories import priority_for, response_target
from bot.desk.events import record_ticket_event
from bot.desk.models import Report, Ticket
from bot.desk.records import FiledReport
from bot.desk.tickets import ticket_info


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
