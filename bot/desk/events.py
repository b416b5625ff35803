"""The append-only history: one row per change, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk.models import SUBJECT_TYPES, Event
from bot.desk.records import EventInfo


def record_event(
    session: Session,
    *,
    at: datetime,
    actor: str,
    subject_type: str,
    subject_id: int,
    user_id: str,
    kind: str,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        Event(
            at=at,
            actor=actor,
            subject_type=subject_type,
            subject_id=subject_id,
            user_id=user_id,
            kind=kind,
            detail=detail or {},
        )
    )


def record_ticket_event(
    session: Session,
    *,
    ticket_id: int,
    user_id: str,
    actor: str,
    kind: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """`record_event` for the most common subject: one of a user's tickets."""
    record_event(session, at=at, actor=actor, subject_type="ticket", subject_id=ticket_id,
                 user_id=user_id, kind=kind, detail=detail)


def check_subject_type(subject_type: str) -> str:
    if subject_type not in SUBJECT_TYPES:
        raise ValueError(
            f"unknown subject type {subject_type!r}; expected one of: {', '.join(SUBJECT_TYPES)}"
        )
    return subject_type


def events_of(session: Session, subject_type: str, subject_id: int) -> list[EventInfo]:
    rows = session.execute(
        select(Event)
        .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
        .order_by(Event.id)
    ).scalars()
    return [event_info(row) for row in rows]


def event_info(row: Event) -> EventInfo:
    return EventInfo(
        id=row.id,
        at=row.at,
        actor=row.actor,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        user_id=row.user_id,
        kind=row.kind,
        detail=dict(row.detail or {}),
    )
