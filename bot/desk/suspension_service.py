"""The Desk's live-chat suspensions: suspending, lifting, and reading them."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.desk import handoffs
from bot.desk.accounts import canonical_account_id
from bot.desk.clock import resolve_now
from bot.desk.events import record_event
from bot.desk.models import SUSPENSION_CATEGORIES, Suspension
from bot.desk.records import SuspensionInfo
from bot.desk.suspensions import (
    active_suspensions,
    end_suspension,
    lift_all,
    lock_account,
    suspension_info,
)
from bot.desk.transactions import Transactions
from bot.desk.validation import account, json_fields, non_empty, one_of

MAX_SUSPENSION_HOURS = 24 * 365 * 10


class SuspensionService(Transactions):
    def suspend(
        self,
        user_id: str,
        hours: float,
        reason: str,
        agent: str,
        now: datetime | None = None,
        *,
        category: str | None = None,
        evidence: dict[str, Any] | None = None,
    ) -> SuspensionInfo:
        """Suspend live chat for `hours`; an active suspension is replaced (and recorded).

        The user's requests to talk to staff that are not resolved are closed in the same
        transaction (handoffs.close_handoffs_of says why closed, not parked); lifting the
        suspension later does not reopen them.
        `category` is one of the policy's SUSPENSION_CATEGORIES; `evidence` e.g.
        {"message_ids": [...], "text": "..."}; both are stored on the row and in the event.
        """
        user_id = account(user_id)
        reason = non_empty(reason, "reason")
        agent = non_empty(agent, "agent")
        if category is not None:
            one_of(category, SUSPENSION_CATEGORIES, "category")
        evidence = json_fields(evidence) if evidence is not None else None
        if isinstance(hours, bool) or not isinstance(hours, (int, float)):
            raise ValueError(f"hours must be a number, got {hours!r}")
        if not (math.isfinite(hours) and 0 < hours <= MAX_SUSPENSION_HOURS):
            raise ValueError(
                f"hours must be greater than 0 and at most {MAX_SUSPENSION_HOURS}, got {hours}"
            )
        at = resolve_now(now)
        with self._write() as session:
            lock_account(session, user_id)
            previous = active_suspensions(session, user_id, at)
            row = Suspension(
                user_id=user_id,
                reason=reason,
                agent=agent,
                starts_at=at,
                ends_at=at + timedelta(hours=hours),
                category=category,
                evidence=evidence,
            )
            session.add(row)
            session.flush()
            for old in previous:
                end_suspension(
                    session,
                    old,
                    at=at,
                    agent=agent,
                    kind="replaced",
                    detail={"replaced_by": row.id},
                )
            closed = handoffs.close_handoffs_of(
                session, user_id, suspension_id=row.id, agent=agent, at=at
            )
            record_event(
                session,
                at=at,
                actor=agent,
                subject_type="suspension",
                subject_id=row.id,
                user_id=user_id,
                kind="suspended",
                detail={
                    "hours": hours,
                    "reason": reason,
                    "ends_at": row.ends_at.isoformat(),
                    "replaces": [old.id for old in previous],
                    **({"category": category} if category else {}),
                    **({"evidence": evidence} if evidence else {}),
                    **({"closed_tickets": closed} if closed else {}),
                },
            )
            return suspension_info(row)

    def lift(self, user_id: str, agent: str, now: datetime | None = None) -> SuspensionInfo | None:
        """End the user's active suspension now; None when there is none."""
        user_id = account(user_id)
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            lifted = lift_all(session, user_id, at=at, agent=agent, detail={})
            return lifted[0] if lifted else None

    def active_suspension(self, user_id: str, now: datetime | None = None) -> SuspensionInfo | None:
        at = resolve_now(now)
        with self._read() as session:
            rows = active_suspensions(session, canonical_account_id(user_id), at)
            return suspension_info(rows[0]) if rows else None

    def suspensions_for_user(self, user_id: str) -> list[SuspensionInfo]:
        """All of the user's suspensions, newest first."""
        with self._read() as session:
            rows = session.execute(
                select(Suspension)
                .where(Suspension.user_id == canonical_account_id(user_id))
                .order_by(Suspension.starts_at.desc(), Suspension.id.desc())
            ).scalars()
            return [suspension_info(row) for row in rows]

    def recent_suspensions(self, limit: int = 50) -> list[SuspensionInfo]:
        """The latest suspensions of every user, newest first."""
        with self._read() as session:
            rows = session.execute(
                select(Suspension)
                .order_by(Suspension.starts_at.desc(), Suspension.id.desc())
                .limit(limit)
            ).scalars()
            return [suspension_info(row) for row in rows]
