"""An agent's question to the user, on an open session: asked, shown, answered.

The user never chats with staff (policy §7): an agent puts one question on a ticket, the
bot shows it to the user, and the user's next message is attached to the ticket as the
answer. All of it is the ticket's history, so nothing needs a table of its own:

    question_asked  the agent's words or a macro (domain/macros.yml); status pending_user
    question_told   the bot showed it to the user (only once it was really shown)
    answered        the user's reply, redacted like every message; the ticket goes back
                    to the agent (claimed while someone holds it, else open)

A ticket has a pending question while it is `pending_user` and its latest
`question_asked` has no `answered` after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.desk import queue
from bot.desk.errors import AlreadyClaimed, TicketResolved
from bot.desk.events import record_ticket_event
from bot.desk.models import Event, Ticket
from bot.desk.records import TicketInfo, format_ticket_ref
from bot.desk.tickets import load_ticket, ticket_info

ASKED, TOLD, ANSWERED = "question_asked", "question_told", "answered"
MAX_QUESTION_CHARS = 1_000
MAX_ANSWER_CHARS = 4_000


@dataclass(frozen=True)
class PendingQuestion:
    """A question waiting for the user's answer; `macro` or `text` says what to show."""

    ticket_id: int
    reference: str
    category: str
    asked_event_id: int
    asked_at: datetime
    text: str | None
    macro: str | None
    values: dict[str, Any]
    told: bool


def ask(session: Session, ticket_id: int, *, agent: str, text: str | None,
        macro: str | None, values: dict[str, Any], at: datetime) -> TicketInfo:
    """Put the question on the ticket and wait for the user (the agent takes the ticket
    if it is free, as setting `pending_user` does)."""
    ticket = load_ticket(session, ticket_id)
    if ticket.status == "resolved":
        raise TicketResolved(ticket_id)
    if ticket.status != "pending_user":
        queue.set_status(session, ticket_id, "pending_user", agent, at)
    elif ticket.assignee not in (None, agent):
        raise AlreadyClaimed(ticket_id, ticket.assignee)
    record_ticket_event(session, ticket_id=ticket_id, user_id=ticket.user_id, actor=agent,
                        kind=ASKED, at=at,
                        detail={"text": text, "macro": macro, "values": values})
    return ticket_info(session, ticket_id)


def _question_events(session: Session, ticket_ids: list[int]) -> dict[int, list[Event]]:
    rows = session.execute(
        select(Event)
        .where(Event.subject_type == "ticket", Event.subject_id.in_(ticket_ids),
               Event.kind.in_((ASKED, TOLD, ANSWERED)))
        .order_by(Event.id)
    ).scalars()
    grouped: dict[int, list[Event]] = {}
    for row in rows:
        grouped.setdefault(row.subject_id, []).append(row)
    return grouped


def pending_questions(session: Session, user_id: str) -> list[PendingQuestion]:
    """The user's unanswered questions, oldest first."""
    tickets = {
        t.id: t for t in session.execute(
            select(Ticket).where(Ticket.user_id == user_id, Ticket.status == "pending_user")
        ).scalars()
    }
    if not tickets:
        return []
    pending = []
    for ticket_id, events in _question_events(session, list(tickets)).items():
        asked = [i for i, e in enumerate(events) if e.kind == ASKED]
        if not asked:
            continue
        latest = events[asked[-1]]
        after = [e.kind for e in events[asked[-1] + 1:]]
        if ANSWERED in after:
            continue
        detail = dict(latest.detail or {})
        pending.append(PendingQuestion(
            ticket_id=ticket_id, reference=format_ticket_ref(ticket_id),
            category=tickets[ticket_id].category, asked_event_id=latest.id,
            asked_at=latest.at, text=detail.get("text"), macro=detail.get("macro"),
            values=dict(detail.get("values") or {}), told=TOLD in after))
    return sorted(pending, key=lambda q: q.asked_event_id)


def _pending_on(session: Session, ticket_id: int) -> PendingQuestion | None:
    ticket = session.execute(
        select(Ticket).where(Ticket.id == ticket_id).with_for_update()
    ).scalar_one_or_none()
    if ticket is None:
        return None
    return next((q for q in pending_questions(session, ticket.user_id)
                 if q.ticket_id == ticket_id), None)


def mark_told(session: Session, ticket_id: int, asked_event_id: int, *, actor: str,
              at: datetime) -> bool:
    """Record that the user was shown the question; False if it was shown already, was
    answered, or a newer question replaced it."""
    question = _pending_on(session, ticket_id)
    if question is None or question.told or question.asked_event_id != asked_event_id:
        return False
    ticket = load_ticket(session, ticket_id)
    record_ticket_event(session, ticket_id=ticket_id, user_id=ticket.user_id, actor=actor,
                        kind=TOLD, at=at, detail={"question_event": asked_event_id})
    return True


def answer(session: Session, ticket_id: int, *, text: str, skipped: bool, actor: str,
           message_id: str | None, at: datetime) -> TicketInfo | None:
    """Attach the user's answer and hand the ticket back to the agent; None when there
    is no pending question on it any more (answered by a concurrent turn)."""
    question = _pending_on(session, ticket_id)
    if question is None:
        return None
    ticket = load_ticket(session, ticket_id)
    back_to = "claimed" if ticket.assignee else "open"
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == "pending_user")
        .values(status=back_to, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    record_ticket_event(session, ticket_id=ticket_id, user_id=ticket.user_id, actor=actor,
                        kind=ANSWERED, at=at,
                        detail={"text": text[:MAX_ANSWER_CHARS], "skipped": skipped,
                                "message_id": message_id,
                                "question_event": question.asked_event_id})
    record_ticket_event(session, ticket_id=ticket_id, user_id=ticket.user_id, actor=actor,
                        kind="status_changed", at=at,
                        detail={"from": "pending_user", "to": back_to})
    return ticket_info(session, ticket_id)
