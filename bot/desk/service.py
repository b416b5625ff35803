"""The Desk: the one entry point actions, the console and the CLI use.

Each method is one transaction; every change writes an `events` row in it.
Results are frozen dataclasses, so callers never hold sessions or ORM objects.
Account ids are taken in any letter case and stored and compared in one canonical form
(bot/desk/accounts.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.desk import agents, evidence, queue, updates
from bot.desk.accounts import canonical_account_id
from bot.desk.categories import HUMAN_HANDOFF, check_category
from bot.desk.clock import resolve_now
from bot.desk.db import is_sqlite, make_engine, migrate
from bot.desk.errors import AgentExists, HandoffRefused
from bot.desk.events import check_subject_type, events_of, record_event, record_ticket_event
from bot.desk.evidence import AbuseEvidenceInfo
from bot.desk.models import (
    AGENT_ROLES,
    OUTCOMES,
    SUSPENSION_CATEGORIES,
    TICKET_STATUSES,
    AbuseEvidence,
    Suspension,
    Ticket,
)
from bot.desk.records import (
    AgentInfo,
    EventInfo,
    FiledReport,
    SuspensionInfo,
    TicketDetail,
    TicketInfo,
    format_ticket_ref,
    parse_ticket_ref,
)
from bot.desk.suspensions import (
    active_suspensions,
    end_suspension,
    lift_all,
    lock_account,
    suspended_by_now,
    suspension_info,
)

MAX_SUSPENSION_HOURS = 24 * 365 * 10
SETTABLE_STATUSES = ("open", "pending_user")
MAX_NOTE_CHARS = 10_000
FILE_ATTEMPTS = 5  # each lost race means the winner's row now exists, so this converges


class Desk:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self.engine, future=True, expire_on_commit=False) as session:
            with session.begin():
                if is_sqlite(self.engine):
                    # Take SQLite's write lock up front: a read-then-write transaction would
                    # otherwise fail with "database is locked" if another writer got in
                    # between (WAL cannot upgrade a stale snapshot). Writers simply queue.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, future=True, expire_on_commit=False) as session:
            with session.begin():
                if is_sqlite(self.engine):
                    # pysqlite runs bare SELECTs outside a transaction; BEGIN gives all the
                    # reads of one call a single consistent snapshot.
                    session.connection().exec_driver_sql("BEGIN")
                yield session

    # -- suspensions -------------------------------------------------------------------

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
        transaction (queue.close_handoffs_of says why closed, not parked); lifting the
        suspension later does not reopen them.
        `category` is one of the policy's SUSPENSION_CATEGORIES; `evidence` e.g.
        {"message_ids": [...], "text": "..."}; both are stored on the row and in the event.
        """
        user_id = _account(user_id)
        reason = _text(reason, "reason")
        agent = _text(agent, "agent")
        if category is not None:
            _choice(category, SUSPENSION_CATEGORIES, "category")
        evidence = _json_fields(evidence) if evidence is not None else None
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
            closed = queue.close_handoffs_of(
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
        user_id = _account(user_id)
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            lifted = lift_all(session, user_id, at=at, agent=agent, detail={})
            return lifted[0] if lifted else None

    def active_suspension(self, user_id: str, now: datetime | None = None) -> SuspensionInfo | None:
        at = resolve_now(now)
        with self._read() as session:
            rows = active_suspensions(session, canonical_account_id(user_id), at)
            return suspension_info(rows[0]) if rows else None

    # -- queue -------------------------------------------------------------------------

    def file_report(
        self,
        user_id: str,
        category: str,
        fields: dict[str, Any],
        idempotency_key: str,
        actor: str = "bot",
        now: datetime | None = None,
    ) -> FiledReport:
        """File a report exactly once per idempotency key.

        Opens a ticket, or attaches to the user's open ticket of that category. Raises
        ValueError for bad input and HandoffRefused for a human handoff while suspended.
        """
        user_id = _account(user_id)
        check_category(category)
        idempotency_key = _text(idempotency_key, "idempotency_key")
        actor = _text(actor, "actor")
        fields = _json_fields(fields)
        at = resolve_now(now)
        for attempt in range(1, FILE_ATTEMPTS + 1):
            try:
                with self._write() as session:
                    if category == HUMAN_HANDOFF:
                        lock_account(session, user_id)
                        if suspended_by_now(session, user_id, at) is not None:
                            raise HandoffRefused(user_id)
                    return queue.file_once(
                        session,
                        user_id=user_id,
                        category=category,
                        fields=fields,
                        idempotency_key=idempotency_key,
                        actor=actor,
                        at=at,
                    )
            except IntegrityError:
                # A concurrent writer opened the ticket or stored this key first; the next
                # attempt sees its row and attaches or replays.
                if attempt == FILE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def list_queue(
        self,
        status: str | None = None,
        category: str | None = None,
        assignee: str | None = None,
    ) -> list[TicketInfo]:
        """Non-resolved tickets by default (status="all" for every ticket), most urgent
        first, then oldest first."""
        query = select(Ticket)
        if status is None:
            query = query.where(Ticket.status != "resolved")
        elif status != "all":
            _choice(status, TICKET_STATUSES + ("all",), "status")
            query = query.where(Ticket.status == status)
        if category is not None:
            query = query.where(Ticket.category == check_category(category))
        if assignee is not None:
            query = query.where(Ticket.assignee == assignee)
        with self._read() as session:
            rows = session.execute(query.order_by(*queue.QUEUE_ORDER)).scalars()
            return queue.ticket_infos(session, rows)

    def get_ticket(self, ticket_id: int | str) -> TicketDetail:
        """Ticket with its reports and history; raises TicketNotFound."""
        ticket_id = parse_ticket_ref(ticket_id)
        with self._read() as session:
            info = queue.ticket_info(session, ticket_id)
            reports = queue.reports_by_ticket(session, [ticket_id]).get(ticket_id, [])
            events = events_of(session, "ticket", ticket_id)
            return TicketDetail(ticket=info, reports=tuple(reports), events=tuple(events))

    def users_with_open_matters(self, now: datetime | None = None) -> set[str]:
        """Users with a ticket not resolved or a suspension not over: agents may still
        read their conversations (the console's transcript), so retention keeps them."""
        at = resolve_now(now)
        with self._read() as session:
            ticketed = session.execute(
                select(Ticket.user_id).where(Ticket.status != "resolved").distinct()
            ).scalars()
            suspended = session.execute(
                select(Suspension.user_id)
                .where(Suspension.lifted_at.is_(None), Suspension.ends_at > at).distinct()
            ).scalars()
            return set(ticketed) | set(suspended)

    def tickets_for_user(self, user_id: str) -> list[TicketInfo]:
        """All of the user's tickets, newest first."""
        with self._read() as session:
            rows = session.execute(
                select(Ticket)
                .where(Ticket.user_id == canonical_account_id(user_id))
                .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            ).scalars()
            return queue.ticket_infos(session, rows)

    def claim(self, ticket_id: int | str, agent: str, now: datetime | None = None) -> TicketInfo:
        """Atomically assign an open ticket; AlreadyClaimed if someone else holds it,
        SuspendedUserHandoff for a request to talk to staff from a suspended user."""
        ticket_id = parse_ticket_ref(ticket_id)
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.claim(session, ticket_id, agent, at)

    def claim_next(self, agent: str, now: datetime | None = None) -> TicketInfo | None:
        """Take the most urgent, oldest open unassigned ticket; None when the queue has
        none. Concurrent callers never get the same ticket (queue.claim_next). Requests to
        talk to staff from suspended users are skipped."""
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.claim_next(session, agent, at)

    def release(self, ticket_id: int | str, agent: str, now: datetime | None = None) -> TicketInfo:
        """Give back a ticket `agent` holds: open and unassigned again; NotHolder otherwise."""
        ticket_id = parse_ticket_ref(ticket_id)
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.release(session, ticket_id, agent, at)

    def set_status(
        self, ticket_id: int | str, status: str, agent: str, now: datetime | None = None
    ) -> TicketInfo:
        """Status "open" (back to work) or "pending_user" (waiting for the user); closing a
        ticket is resolve()."""
        ticket_id = parse_ticket_ref(ticket_id)
        _choice(status, SETTABLE_STATUSES, "status")
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.set_status(session, ticket_id, status, agent, at)

    def add_note(
        self, ticket_id: int | str, text: str, agent: str, now: datetime | None = None
    ) -> EventInfo:
        """An internal note (staff only) in the ticket's history."""
        ticket_id = parse_ticket_ref(ticket_id)
        text = _text(text, "note")
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"note must be at most {MAX_NOTE_CHARS} characters")
        agent = _text(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            ticket = queue.ticket_info(session, ticket_id)
            record_ticket_event(
                session,
                ticket_id=ticket_id,
                user_id=ticket.user_id,
                actor=agent,
                kind="note",
                at=at,
                detail={"text": text},
            )
            session.flush()
            return events_of(session, "ticket", ticket_id)[-1]

    def resolve(
        self,
        ticket_id: int | str,
        outcome: str,
        note: str,
        agent: str,
        now: datetime | None = None,
    ) -> TicketInfo:
        """Close a ticket. Outcome "lifted" also lifts the user's active suspension, in the
        same transaction. Resolving frees the (user, category) slot for a new ticket."""
        ticket_id = parse_ticket_ref(ticket_id)
        _choice(outcome, OUTCOMES, "outcome")
        agent = _text(agent, "agent")
        note = (note or "").strip()
        at = resolve_now(now)
        with self._write() as session:
            row = queue.resolve(session, ticket_id, outcome=outcome, note=note, agent=agent, at=at)
            lifted: list[SuspensionInfo] = []
            if outcome == "lifted":
                lifted = lift_all(
                    session,
                    row.user_id,
                    at=at,
                    agent=agent,
                    detail={"ticket": format_ticket_ref(ticket_id), "ticket_id": ticket_id},
                )
            record_ticket_event(
                session,
                ticket_id=ticket_id,
                user_id=row.user_id,
                actor=agent,
                kind="resolved",
                at=at,
                detail={
                    "outcome": outcome,
                    "note": note,
                    "lifted_suspensions": [s.id for s in lifted],
                },
            )
            return queue.ticket_info(session, ticket_id)

    def history(self, subject_type: str, subject_id: int) -> list[EventInfo]:
        check_subject_type(subject_type)
        with self._read() as session:
            return events_of(session, subject_type, subject_id)

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

    # -- agents ------------------------------------------------------------------------

    def add_agent(
        self, name: str, role: str, password_hash: str, now: datetime | None = None
    ) -> AgentInfo:
        """A console account; AgentExists when the name is taken."""
        name = _text(name, "name")
        _choice(role, AGENT_ROLES, "role")
        password_hash = _text(password_hash, "password_hash")
        at = resolve_now(now)
        try:
            with self._write() as session:
                return agents.agent_info(
                    agents.create(session, name=name, role=role, password_hash=password_hash, at=at)
                )
        except IntegrityError:
            raise AgentExists(name) from None

    def agent_credentials(self, name: str) -> tuple[AgentInfo, str] | None:
        """(account, password hash) for sign-in; None when there is no such agent."""
        with self._read() as session:
            row = agents.find(session, name)
            return None if row is None else (agents.agent_info(row), row.password_hash)

    def get_agent(self, name: str) -> AgentInfo | None:
        with self._read() as session:
            row = agents.find(session, name)
            return None if row is None else agents.agent_info(row)

    def set_agent_password(self, name: str, password_hash: str) -> None:
        """Store a new hash (e.g. rehashed with stronger parameters at sign-in)."""
        with self._write() as session:
            row = agents.find(session, name)
            if row is not None:
                row.password_hash = _text(password_hash, "password_hash")

    # -- abuse evidence ----------------------------------------------------------------

    def record_abuse(
        self,
        user_id: str,
        text: str,
        category: str,
        score: float,
        *,
        signals: str = "",
        language: str | None = None,
        message_id: str | None = None,
        now: datetime | None = None,
    ) -> AbuseEvidenceInfo | None:
        """Keep a flagged message as evidence on the user, its text redacted of secrets.

        Returns None when `message_id` is already recorded (the hook may run twice for a
        message). Touches nothing else: abuse never escalates by itself.
        """
        user_id = _account(user_id)
        _choice(category, SUSPENSION_CATEGORIES, "category")
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise ValueError(f"score must be a number, got {score!r}")
        if not (math.isfinite(score) and 0 <= score <= 1):
            raise ValueError(f"score must be between 0 and 1, got {score}")
        row = AbuseEvidence(
            user_id=user_id,
            message_id=(message_id or None),
            category=category,
            score=float(score),
            text=evidence.evidence_text(text) or "(empty)",
            language=language,
            signals=(signals or "")[:255],
            created_at=resolve_now(now),
        )
        try:
            with self._write() as session:
                if message_id and evidence.find_by_message(session, message_id) is not None:
                    return None
                session.add(row)
                session.flush()
                return evidence.evidence_info(row)
        except IntegrityError:
            # A concurrent run stored this message first.
            if message_id is None:
                raise
            return None

    def abuse_evidence(self, user_id: str, limit: int = 100) -> list[AbuseEvidenceInfo]:
        """The user's flagged messages, newest first (at most `limit`)."""
        with self._read() as session:
            return evidence.of_user(session, canonical_account_id(user_id), limit)

    def abuse_count(self, user_id: str) -> int:
        with self._read() as session:
            return evidence.count_of_user(session, canonical_account_id(user_id))

    # -- telling users about decisions ---------------------------------------------------

    def untold_decisions(self, user_id: str) -> list[TicketInfo]:
        """The user's resolved tickets whose outcome the user has not been told yet."""
        with self._read() as session:
            ids = updates.untold_ticket_ids(session, canonical_account_id(user_id))
            return [queue.ticket_info(session, ticket_id) for ticket_id in ids]

    def mark_told(self, ticket_id: int, actor: str = "bot", now: datetime | None = None) -> bool:
        """Claim the telling of a decision: True for exactly one caller per decision."""
        with self._write() as session:
            return updates.mark_told(session, ticket_id, actor=actor, at=resolve_now(now))


def open_desk(url: str | None = None, *, upgrade: bool = True) -> Desk:
    """A Desk on `url` (default: $SUPPORTBOT_DB_URL or var/supportbot.db), migrated first."""
    if upgrade:
        migrate(url)
    return Desk(make_engine(url))


def _account(value: Any) -> str:
    """An account id to store: non-empty, in canonical form."""
    canonical = canonical_account_id(_text(value, "user_id"))
    if not canonical:
        raise ValueError("user_id must be a non-empty string")
    return canonical


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value.strip()


def _choice(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of: {', '.join(allowed)} (got {value!r})")
    return value


def _json_fields(fields: Any) -> dict[str, Any]:
    """Reject what the JSON column could not store, before touching the database."""
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ValueError(f"fields must be a dict, got {type(fields).__name__}")
    try:
        return json.loads(json.dumps(fields, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fields must be JSON-serialisable: {exc}") from None
