"""Writing a finished report to the appeal queue, exactly once, and telling the user."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from actions.report_slots import REQUIRED_SLOTS, prefilled, reset_form_slots
from bot import fields
from bot.desk import FiledReport, TicketDetail
from bot.fields import NOT_PROVIDED
from bot.i18n import format_duration, label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)


def tell_filed(dispatcher: CollectingDispatcher, filed: FiledReport, language: str,
               added: str = "utter_report_attached") -> None:
    ticket = filed.ticket
    target = ticket.response_due_at - ticket.created_at
    if filed.created or filed.duplicate:
        dispatcher.utter_message(
            response="utter_report_filed",
            ticket=ticket.reference,
            category=label(ticket.category, language),
            priority=label(ticket.priority, language),
            target=format_duration(target, language),
        )
    else:
        dispatcher.utter_message(response=added, ticket=ticket.reference)


def file_report(
    dispatcher: CollectingDispatcher, tracker: Tracker, report: Dict[str, Any],
    added: str = "utter_report_attached",
) -> List[EventType]:
    """File `report` ({category, fields, key}); on a database fault keep it pending.
    `added` is the reply when the report joins a ticket already open."""
    language = lang(tracker.get_slot("language"))
    try:
        filed = get_desk().file_report(
            tracker.sender_id, report["category"], report["fields"], report["key"]
        )
    except SQLAlchemyError as error:
        log_event(logger, "report_filing_failed", logging.ERROR, user=tracker.sender_id,
                  category=report["category"], key=report["key"], error=type(error).__name__)
        dispatcher.utter_message(response="utter_report_failed")
        return [SlotSet("pending_report", report)]
    log_event(logger, "report_filed", user=tracker.sender_id, category=report["category"],
              ticket=filed.ticket.reference, created=filed.created, duplicate=filed.duplicate)
    tell_filed(dispatcher, filed, language, added)
    return [SlotSet("pending_report", None)]


def _already_on(ticket: TicketDetail, said: str) -> bool:
    """Whether `said` (as a report keeps it) is word for word in one of the ticket's reports."""
    same = " ".join(said.casefold().split())
    return any(isinstance(value, str) and " ".join(value.casefold().split()) == same
               for report in ticket.reports for value in report.fields.values())


def open_ticket(
    user: str, *, category: str | None = None, reference: str | None = None
) -> TicketDetail | None:
    """The user's newest ticket not resolved, of `category` or with `reference`; None when
    there is none or the desk cannot be read (the caller then goes on as without one)."""
    try:
        desk = get_desk()
        ticket = next((t for t in desk.tickets_for_user(user) if t.status != "resolved"
                       and category in (None, t.category)
                       and reference in (None, t.reference)), None)
        return desk.get_ticket(ticket.id) if ticket is not None else None
    except SQLAlchemyError as error:
        log_event(logger, "open_ticket_lookup_failed", logging.WARNING, user=user,
                  error=type(error).__name__)
        return None


def add_to_ticket(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketDetail,
    added: str = "utter_report_attached",
) -> List[EventType]:
    """The latest message, with the details read from it, as one more report on the open
    `ticket`; the very same words (a double click, a resend) are not added twice."""
    text = tracker.latest_message.get("text") or ""
    said = fields.clip(text, 2000)
    reference = ticket.ticket.reference
    if _already_on(ticket, said):
        dispatcher.utter_message(response="utter_report_already_there", ticket=reference)
        return []
    category = ticket.ticket.category
    return file_report(dispatcher, tracker, {
        "category": category,
        "fields": {**prefilled(category, text), "description": said,
                   "language": lang(tracker.get_slot("language"))},
        "key": f"{tracker.sender_id}:more:"
               f"{tracker.latest_message.get('message_id') or uuid.uuid4().hex}",
    }, added)


def retry_pending_report(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    return file_report(dispatcher, tracker, tracker.get_slot("pending_report"))


class ActionFileReport(Action):
    def name(self) -> str:
        return "action_file_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        category = tracker.get_slot("report_category")
        if category not in REQUIRED_SLOTS:
            return reset_form_slots()
        # A report stopped half-way (actions/report_stop.py) shows staff what is missing.
        details = {
            slot: tracker.get_slot(slot) if tracker.get_slot(slot) is not None else NOT_PROVIDED
            for slot in REQUIRED_SLOTS[category]
        }
        report = {
            "category": category,
            "fields": details | {"language": lang(tracker.get_slot("language"))},
            # One key per started report: a retried or repeated submit writes nothing new.
            "key": f"{tracker.sender_id}:{tracker.get_slot('report_id')}",
            "submitted_at": datetime.now(timezone.utc).isoformat(),
        }
        return file_report(dispatcher, tracker, report) + reset_form_slots()
