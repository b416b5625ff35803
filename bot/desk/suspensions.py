"""Suspension registry operations on an open session (the Desk owns transactions)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.desk.events import record_event
from bot.desk.models import Suspension
from bot.desk.records import SuspensionInfo

# pg_advisory_xact_lock's first key: this module's namespace among the desk's locks.
ACCOUNT_LOCK_NAMESPACE = 7318005


def _is_active(now: datetime) -> ColumnElement:
    return (
        Suspension.lifted_at.is_(None)
        & (Suspension.starts_at <= now)
        & (Suspension.ends_at > now)
    )


def active_suspensions(session: Session, user_id: str, now: datetime) -> list[Suspension]:
    """Active = not lifted and starts_at <= now < ends_at; newest first."""
    return list(
        session.execute(
            select(Suspension)
            .where(Suspension.user_id == user_id, _is_active(now))
            .order_by(Suspension.starts_at.desc(), Suspension.id.desc())
        ).scalars()
    )


def suspended_by_now(session: Session, user_id: str, at: datetime) -> Suspension | None:
    """A suspension in force at `at` or issued since, not lifted: what refuses a handoff.

    `at` is taken before the transaction waits for its lock; a suspension committed
    meanwhile starts after `at` yet is already in force when this transaction files.
    """
    return session.execute(
        select(Suspension)
        .where(
            Suspension.user_id == user_id,
            Suspension.lifted_at.is_(None),
            Suspension.ends_at > at,
        )
        .order_by(Suspension.starts_at.desc(), Suspension.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def is_suspended(user_id_column: ColumnElement, now: datetime) -> ColumnElement:
    """SQL condition: the account in `user_id_column` has an active suspension at `now`."""
    return exists().where(Suspension.user_id == user_id_column, _is_active(now))


def lock_account(session: Session, user_id: str) -> None:
    """Serialise the transactions that decide whether `user_id` may reach staff.

    Suspending closes the user's requests for staff; filing one checks for a suspension.
    Under PostgreSQL's READ COMMITTED each could miss the other's uncommitted row and both
    commit: an open request for staff from a suspended user. A transaction-scoped
    advisory lock on the account makes the second wait for the first. SQLite needs none:
    the desk's writers already hold the database's one write lock (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.pg_advisory_xact_lock(ACCOUNT_LOCK_NAMESPACE, func.hashtext(user_id)))
        )


def end_suspension(
    session: Session,
    row: Suspension,
    *,
    at: datetime,
    agent: str,
    kind: str,
    detail: dict[str, Any] | None = None,
) -> SuspensionInfo | None:
    """Mark `row` lifted; None if a concurrent caller already did (no second event)."""
    result = session.execute(
        update(Suspension)
        .where(Suspension.id == row.id, Suspension.lifted_at.is_(None))
        .values(lifted_at=at, lifted_by=agent)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    record_event(
        session,
        at=at,
        actor=agent,
        subject_type="suspension",
        subject_id=row.id,
        user_id=row.user_id,
        kind=kind,
        detail=detail,
    )
    return dataclasses.replace(suspension_info(row), lifted_at=at, lifted_by=agent)


def lift_all(
    session: Session, user_id: str, *, at: datetime, agent: str, detail: dict[str, Any]
) -> list[SuspensionInfo]:
    lifted = []
    for row in active_suspensions(session, user_id, at):
        info = end_suspension(session, row, at=at, agent=agent, kind="lifted", detail=detail)
        if info is not None:
            lifted.append(info)
    return lifted


def suspension_info(row: Suspension) -> SuspensionInfo:
    return SuspensionInfo(
        id=row.id,
        user_id=row.user_id,
        reason=row.reason,
        agent=row.agent,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        lifted_at=row.lifted_at,
        lifted_by=row.lifted_by,
        category=row.category,
        evidence=dict(row.evidence) if row.evidence is not None else None,
    )
