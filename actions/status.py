""""Any news on my ticket?": the user's own tickets and where they stand."""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from bot.i18n import format_time, label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)

MAX_RESOLVED_SHOWN = 3


class ActionCheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        language = lang(tracker.get_slot("language"))
        try:
            tickets = get_desk().tickets_for_user(tracker.sender_id)
        except SQLAlchemyError as error:
            log_event(logger, "status_lookup_failed", logging.ERROR,
                      user=tracker.sender_id, error=type(error).__name__)
            dispatcher.utter_message(response="utter_desk_unavailable")
            return []

        open_tickets = [t for t in tickets if t.status != "resolved"]
        resolved = [t for t in tickets if t.status == "resolved"][:MAX_RESOLVED_SHOWN]
        if not open_tickets and not resolved:
            dispatcher.utter_message(response="utter_status_none")
            return []
        for ticket in open_tickets + resolved:
            status = label(ticket.status, language)
            if ticket.status == "resolved" and ticket.outcome:
                status = f"{status}, {label(ticket.outcome, language)}"
            dispatcher.utter_message(
                response="utter_status_ticket",
                ticket=ticket.reference,
                category=label(ticket.category, language),
                opened=format_time(ticket.created_at, language),
                status=status,
            )
        return []
