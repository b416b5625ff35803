"""The Desk's appeal queue: filing reports, working tickets, deciding them, and telling
users the decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot import macros
from bot.desk import agents, filing, questions, queue, queue_search, tickets, updates
from bot.desk.accounts import canonical_account_id
from bot.desk.categories import HUMAN_HANDOFF, check_category
from bot.desk.clock import resolve_now
from bot.desk.errors import AgentNotFound, AgentUnavailable, HandoffRefused
from bot.desk.events import check_subject_type, events_of, record_ticket_event
from bot.desk.models import OUTCOMES, TICKET_STATUSES, Suspension, Ticket
from bot.desk.records import (
    EventInfo,
    FiledReport,
    SuspensionInfo,
    TicketDetail,
    TicketInfo,
    format_ticket_ref,
    parse_ticket_ref,
)
from bot.desk.suspensions import lift_all, lock_account, suspended_by_now
from bot.desk.transactions import Transactions
from bot.desk.validation import account, json_fields, non_empty, one_of

SETTABLE_STATUSES = ("open", "pending_user")
MAX_NOTE_CHARS = 10_000
FILE_ATTEMPTS = 5  # each lost race means the winner's row now exists, so this converges


class TicketService(Transactions):
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
        user_id = account(user_id)
        check_category(category)
        idempotency_key = non_empty(idempotency_key, "idempotency_key")
        actor = non_empty(actor, "actor")
        fields = json_fields(fields)
        at = resolve_now(now)
        for attempt in range(1, FILE_ATTEMPTS + 1):
            try:
                with self._write() as session:
                    if category == HUMAN_HANDOFF:
                        lock_account(session, user_id)
                        if suspended_by_now(session, user_id, at) is not None:
                            raise HandoffRefused(user_id)
                    return filing.file_once(
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
            one_of(status, TICKET_STATUSES + ("all",), "status")
            query = query.where(Ticket.status == status)
        if category is not None:
            query = query.where(Ticket.category == check_category(category))
        if assignee is not None:
            query = query.where(Ticket.assignee == assignee)
        with self._read() as session:
            rows = session.execute(query.order_by(*tickets.QUEUE_ORDER)).scalars()
            return tickets.ticket_infos(session, rows)

    def get_ticket(self, ticket_id: int | str) -> TicketDetail:
        """Ticket with its reports and history; raises TicketNotFound."""
        ticket_id = parse_ticket_ref(ticket_id)
        with self._read() as session:
            info = tickets.ticket_info(session, ticket_id)
            reports = tickets.reports_by_ticket(session, [ticket_id]).get(ticket_id, [])
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
            return tickets.ticket_infos(session, rows)

    def claim(self, ticket_id: int | str, agent: str, now: datetime | None = None) -> TicketInfo:
        """Atomically assign an open ticket; AlreadyClaimed if someone else holds it,
        SuspendedUserHandoff for a request to talk to staff from a suspended user."""
        ticket_id = parse_ticket_ref(ticket_id)
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.claim(session, ticket_id, agent, at)

    def claim_next(self, agent: str, now: datetime | None = None) -> TicketInfo | None:
        """Take the most urgent, oldest open unassigned ticket; None when the queue has
        none. Concurrent callers never get the same ticket (queue.claim_next). Requests to
        talk to staff from suspended users are skipped."""
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.claim_next(session, agent, at)

    def reassign(
        self, ticket_id: int | str, to_agent: str, actor: str, now: datetime | None = None
    ) -> TicketInfo:
        """Give a held ticket to another (enabled) agent, with a `reassigned` event;
        AgentNotFound, AgentUnavailable, NotHolder (nobody holds it), TicketResolved."""
        ticket_id = parse_ticket_ref(ticket_id)
        to_agent, actor = non_empty(to_agent, "agent"), non_empty(actor, "actor")
        at = resolve_now(now)
        with self._write() as session:
            target = agents.find(session, to_agent)
            if target is None:
                raise AgentNotFound(to_agent)
            if target.disabled:
                raise AgentUnavailable(to_agent)
            return queue.reassign(session, ticket_id, to_agent, actor, at)

    def queue_page(
        self,
        status: str | None = None,
        category: str | None = None,
        assignee: str | None = None,
        search: str | None = None,
        page: int = 1,
        page_size: int = 50,
    ) -> queue_search.QueuePage:
        """One page of the queue, most pressing first, with the total that matches;
        `search` is a ticket number (SB-00042, 42) or an account id."""
        query = queue_search.matching(status, category, assignee, search)
        with self._read() as session:
            return queue_search.page_of(session, query, page, page_size)

    def release(self, ticket_id: int | str, agent: str, now: datetime | None = None) -> TicketInfo:
        """Give back a ticket `agent` holds: open and unassigned again; NotHolder otherwise."""
        ticket_id = parse_ticket_ref(ticket_id)
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.release(session, ticket_id, agent, at)

    def set_status(
        self, ticket_id: int | str, status: str, agent: str, now: datetime | None = None
    ) -> TicketInfo:
        """Status "open" (back to work) or "pending_user" (waiting for the user); closing a
        ticket is resolve()."""
        ticket_id = parse_ticket_ref(ticket_id)
        one_of(status, SETTABLE_STATUSES, "status")
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            return queue.set_status(session, ticket_id, status, agent, at)

    def add_note(
        self, ticket_id: int | str, text: str, agent: str, now: datetime | None = None
    ) -> EventInfo:
        """An internal note (staff only) in the ticket's history."""
        ticket_id = parse_ticket_ref(ticket_id)
        text = non_empty(text, "note")
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"note must be at most {MAX_NOTE_CHARS} characters")
        agent = non_empty(agent, "agent")
        at = resolve_now(now)
        with self._write() as session:
            ticket = tickets.ticket_info(session, ticket_id)
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
        reason: str | None = None,
    ) -> TicketInfo:
        """Close a ticket. Outcome "lifted" also lifts the user's active suspension, in the
        same transaction. Resolving frees the (user, category) slot for a new ticket.
        `reason`: a reason macro (domain/macros.yml) the user hears with the decision."""
        ticket_id = parse_ticket_ref(ticket_id)
        one_of(outcome, OUTCOMES, "outcome")
        macros.get(reason, "reason")  # ValueError for an unknown one
        agent = non_empty(agent, "agent")
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
                    **({"reason": reason} if reason else {}),
                },
            )
            return tickets.ticket_info(session, ticket_id)

    def history(self, subject_type: str, subject_id: int) -> list[EventInfo]:
        check_subject_type(subject_type)
        with self._read() as session:
            return events_of(session, subject_type, subject_id)

    def untold_decisions(self, user_id: str) -> list[TicketInfo]:
        """The user's resolved tickets whose outcome the user has not been told yet."""
        with self._read() as session:
            ids = updates.untold_ticket_ids(session, canonical_account_id(user_id))
            return [tickets.ticket_info(session, ticket_id) for ticket_id in ids]

    def mark_told(self, ticket_id: int, actor: str = "bot", now: datetime | None = None) -> bool:
        """Claim the telling of a decision: True for exactly one caller per decision."""
        with self._write() as session:
            return updates.mark_told(session, ticket_id, actor=actor, at=resolve_now(now))

    def decision_reason(self, ticket_id: int) -> str | None:
        """The reason macro told with the ticket's latest decision, if the agent chose one."""
        with self._read() as session:
            resolved = [e for e in events_of(session, "ticket", ticket_id)
                        if e.kind == "resolved"]
            return resolved[-1].detail.get("reason") if resolved else None

    # -- asking the user, through the bot (bot/desk/questions.py) ----------------------

    def ask_user(
        self,
        ticket_id: int | str,
        agent: str,
        text: str | None = None,
        macro: str | None = None,
        now: datetime | None = None,
    ) -> TicketInfo:
        """Put one question to the ticket's user: free `text`, or an ask macro
        (domain/macros.yml). The ticket waits in `pending_user` until the answer."""
        ticket_id = parse_ticket_ref(ticket_id)
        agent = non_empty(agent, "agent")
        text = (text or "").strip() or None
        macros.get(macro, "ask")
        if (text is None) == (macro is None):
            raise ValueError("a question is either free text or a macro, not both or neither")
        if text is not None and len(text) > questions.MAX_QUESTION_CHARS:
            raise ValueError(f"question must be at most {questions.MAX_QUESTION_CHARS} characters")
        at = resolve_now(now)
        with self._write() as session:
            fields = tickets.ticket_info(session, ticket_id).fields
            values = {k: fields[k] for k in ("asset", "network") if fields.get(k)}
            return questions.ask(session, ticket_id, agent=agent, text=text, macro=macro,
                                 values=values, at=at)

    def pending_questions(self, user_id: str) -> list[questions.PendingQuestion]:
        """The user's unanswered questions, oldest first (`told`: shown already)."""
        with self._read() as session:
            return questions.pending_questions(session, canonical_account_id(user_id))

    def mark_question_told(self, ticket_id: int, asked_event_id: int, actor: str = "bot",
                           now: datetime | None = None) -> bool:
        """Record that the question was shown; True for exactly one caller."""
        with self._write() as session:
            return questions.mark_told(session, ticket_id, asked_event_id, actor=actor,
                                       at=resolve_now(now))

    def attach_answer(
        self,
        ticket_id: int,
        text: str,
        skipped: bool = False,
        message_id: str | None = None,
        actor: str = "bot",
        now: datetime | None = None,
    ) -> TicketInfo | None:
        """Attach the user's (already redacted) answer and give the ticket back to the
        agent; None if the question was answered meanwhile."""
        at = resolve_now(now)
        with self._write() as session:
            return questions.answer(session, ticket_id, text=text, skipped=skipped,
                                    actor=actor, message_id=message_id, at=at)
