"""Reading tickets on an open session: the queue's order, and tickets as TicketInfo with
the fields of their reports merged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.desk.categories import PRIORITY_ORDER
from bot.desk.errors import TicketNotFound
from bot.desk.models import Report, Ticket
from bot.desk.records import ReportInfo, TicketInfo, format_ticket_ref

_PRIORITY_RANK = case(
    *[(Ticket.priority == priority, rank) for rank, priority in enumerate(PRIORITY_ORDER)],
    else_=len(PRIORITY_ORDER),
)
# Most pressing priority first, then the nearest response target (the queue, claim-next).
QUEUE_ORDER = (_PRIORITY_RANK, Ticket.response_due_at, Ticket.created_at, Ticket.id)


def load_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


def ticket_info(session: Session, ticket_id: int) -> TicketInfo:
    return ticket_infos(session, [load_ticket(session, ticket_id)])[0]


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
