"""Session start and the per-message check of the suspension registry.

`action_validate_slot_mappings` is Rasa's hook that runs after every user message,
before any policy predicts. It sets the `language` slot from the message first, so the
notice is sent once, in the user's language, whatever their first message was.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.abuse import note_abuse
from actions.desk import get_desk
from actions.filing import retry_pending_report
from actions.questions import take_answer, tell_questions
from actions.review_inbox import DEFAULT_THRESHOLD as REVIEW_THRESHOLD
from actions.review_inbox import record_if_unsure
from actions.safety import warn_about_secrets
from actions.suspension import suspension_slots
from actions.suspension_notice import refresh_suspension
from actions.updates import tell_decisions
from bot.language import message_language
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


def follow_language(tracker: Tracker) -> List[EventType]:
    """The `language` slot follows each message that shows its language clearly
    ("ok", "0.5 BTC", a button keep it). Set on this tracker too, so the checks below
    (dates, labels) already use it, as Rasa's responses do (bot/nlg.py)."""
    current = tracker.get_slot("language")
    language = message_language(tracker.latest_message.get("text"), current)
    if language == current:
        return []
    tracker.slots["language"] = language
    return [SlotSet("language", language)]


class ActionCheckSuspensionEachMessage(Action):
    """Runs after every user message, before the reply: an answer to an agent's question,
    decisions and questions to tell, suspension, review inbox, retries."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> List[EventType]:
        events: List[EventType] = follow_language(tracker)
        warn_about_secrets(dispatcher, tracker)  # first: it needs no database
        # Calm reply + evidence; never escalates. Before the registry check, so a database
        # fault does not silence it (it logs its own failure to record).
        events += note_abuse(dispatcher, tracker)
        try:
            # Before telling new questions: the answer is to one the user has seen.
            events += take_answer(dispatcher, tracker)
            told = tell_decisions(dispatcher, tracker)
            tell_questions(dispatcher, tracker)
            # A lifted appeal was just told; "your suspension is lifted" would repeat it.
            events += refresh_suspension(dispatcher, tracker, announce_lift="lifted" not in told)
            # Messages the bot was unsure of go to the trainers' review inbox, redacted.
            record_if_unsure(get_desk(), tracker.latest_message, tracker.sender_id,
                             tracker.get_slot("language"), REVIEW_THRESHOLD)
        except SQLAlchemyError as error:
            log_event(logger, "suspension_lookup_failed", logging.ERROR,
                      user=tracker.sender_id, error=type(error).__name__)
            return events
        if tracker.get_slot("pending_report"):
            events += retry_pending_report(dispatcher, tracker)
        return events
