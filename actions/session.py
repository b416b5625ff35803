"""Session start and the per-message check of the suspension registry.

`action_validate_slot_mappings` is Rasa's hook that runs after every user message,
before any policy predicts; it sees the message's language already set, so the notice
is sent once, in the user's language, whatever their first message was.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.desk import get_desk
from actions.filing import retry_pending_report
from actions.suspension import suspension_slots
from bot.logs import log_event

logger = logging.getLogger(__name__)

# Slots worth keeping across sessions: the user's language and a report not yet written.
CARRIED_OVER = ("language", "pending_report")


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events += [
            SlotSet(slot, tracker.get_slot(slot))
            for slot in CARRIED_OVER
            if tracker.get_slot(slot) is not None
        ]
        try:
            suspension = get_desk().active_suspension(tracker.sender_id)
            events += [SlotSet(k, v) for k, v in suspension_slots(suspension).items()]
        except SQLAlchemyError as error:
            # The next message's check fills these in; the conversation can start anyway.
            log_event(logger, "suspension_lookup_failed", logging.ERROR,
                      user=tracker.sender_id, error=type(error).__name__)
        events += [SlotSet("suspension_notified", False), ActionExecuted("action_listen")]
        return events


class ActionCheckSuspensionEachMessage(Action):
    """Keeps suspension slots current and tells the user about changes, once each."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        try:
            suspension = get_desk().active_suspension(tracker.sender_id)
        except SQLAlchemyError as error:
            log_event(logger, "suspension_lookup_failed", logging.ERROR,
                      user=tracker.sender_id, error=type(error).__name__)
            return []

        slots = suspension_slots(suspension)
        if suspension and not tracker.get_slot("suspension_notified"):
            # Slots set by this action are not yet visible to the response's template.
            dispatcher.utter_message(response="utter_suspension_notice", **slots)
            slots["suspension_notified"] = True
        elif suspension is None and tracker.get_slot("suspended"):
            dispatcher.utter_message(response="utter_suspension_lifted")
            slots["suspension_notified"] = False

        events: List[EventType] = [
            SlotSet(slot, value) for slot, value in slots.items() if tracker.get_slot(slot) != value
        ]
        if tracker.get_slot("pending_report"):
            events += retry_pending_report(dispatcher, tracker)
        return events
