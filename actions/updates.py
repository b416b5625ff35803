"""Telling users what an agent decided, once, in their language.

Told at the user's next message (the per-message check calls `tell_decisions`) or at once
when the console pushes `EXTERNAL_ticket_update` into the conversation.
"""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from actions.suspension_notice import refresh_suspension
from bot.i18n import label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)


def tell_decisions(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[str]:
    """Tell each untold decision; returns the outcomes told (e.g. ["lifted"])."""
    desk = get_desk()
    language = lang(tracker.get_slot("language"))
    told = []
    for ticket in desk.untold_decisions(tracker.sender_id):
        if not desk.mark_told(ticket.id):
            continue  # told by a concurrent turn
        outcome = ticket.outcome or "resolved"
        dispatcher.utter_message(
            response=f"utter_decision_{outcome}",
            ticket=ticket.reference,
            category=label(ticket.category, language),
        )
        log_event(logger, "decision_told", user=tracker.sender_id, ticket=ticket.reference,
                  outcome=outcome)
        told.append(outcome)
    return told


class ActionTellTicketUpdates(Action):
    def name(self) -> str:
        return "action_tell_ticket_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            told = tell_decisions(dispatcher, tracker)
            return refresh_suspension(dispatcher, tracker, announce_lift="lifted" not in told)
        except SQLAlchemyError as error:
            log_event(logger, "decision_telling_failed", logging.ERROR,
                      user=tracker.sender_id, error=type(error).__name__)
            return []  # the next message tries again
