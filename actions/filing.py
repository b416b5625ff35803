"""Writing a finished report to the appeal queue, exactly once, and telling the user."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from actions.report_slots import REQUIRED_SLOTS, reset_form_slots
from bot.desk import FiledReport
from bot.fields import NOT_PROVIDED
from bot.i18n import format_duration, label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)


def tell_filed(dispatcher: CollectingDispatcher, filed: FiledReport, language: str) -> None:
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
        dispatcher.utter_message(response="utter_report_attached", ticket=ticket.reference)


def file_report(
    dispatcher: CollectingDispatcher, tracker: Tracker, report: Dict[str, Any]
) -> List[EventType]:
    """File `report` ({category, fields, key}); on a database fault keep it pending."""
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
    tell_filed(dispatcher, filed, language)
    return [SlotSet("pending_report", None)]


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
