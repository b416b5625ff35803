"""Session start, and the action Rasa runs after every user message.

`action_validate_slot_mappings` is Rasa's per-message seam: it runs after every user
message, before any policy predicts. Here it is a shell: what it does, step by step, is
actions/per_message.py.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import per_message
from actions.desk import get_desk
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


class ActionEachMessage(Action):
    """Rasa's per-message hook, by the name Rasa calls it: actions/per_message.py's steps."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> List[EventType]:
        return per_message.run(dispatcher, tracker)
