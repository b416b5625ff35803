"""Telling users what an agent decided, and what an agent asks them, in their language.

Told by the per-message check (`tell_decisions`), at the user's next message or at once
when an agent's tool pushes `EXTERNAL_ticket_update` to an open chat page. Nothing is marked
told here: each message carries a marker (bot/tells.py) and the channel marks it once the
message was shown, so a decision is told exactly once, and never only "sent".
"""

from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.desk import get_desk
from bot import macros, tells
from bot.i18n import label, lang
from bot.logs import log_event

logger = logging.getLogger(__name__)


def tell_decisions(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[str]:
    """Say each untold decision, with the agent's reason; returns the outcomes said
    (e.g. ["lifted"]). Marked told by the channel that shows them (bot/tells.py)."""
    desk = get_desk()
    language = lang(tracker.get_slot("language"))
    told = []
    for ticket in desk.untold_decisions(tracker.sender_id):
        outcome = ticket.outcome or "resolved"
        category = label(ticket.category, language)
        marker = tells.decision(ticket.id)
        dispatcher.utter_message(response=f"utter_decision_{outcome}",
                                 ticket=ticket.reference, category=category, tells=marker)
        reason = macros.load().get(desk.decision_reason(ticket.id) or "")
        if reason is not None:
            dispatcher.utter_message(response=reason.response, tells=marker,
                                     **macros.values_for(ticket, language, category))
        log_event(logger, "decision_said", user=tracker.sender_id, ticket=ticket.reference,
                  outcome=outcome, reason=reason.key if reason else None)
        told.append(outcome)
    return told


class ActionTellTicketUpdates(Action):
    """The reply to a pushed `EXTERNAL_ticket_update`: nothing more to say. Rasa runs the
    per-message check for a pushed intent too (MessageProcessor.
    trigger_external_user_uttered), and that check already said what waits; saying it
    here as well would show it twice, since nothing is marked told before it is shown."""

    def name(self) -> str:
        return "action_tell_ticket_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return []
