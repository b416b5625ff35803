"""Details given outside a report: added to the ticket the bot has just filed, or else
what action_clarify gives (the clarifying question again, or the menu).

Right after "it's filed, your ticket number is SB-00012" users go on: "it was yesterday
around 9pm", "BTC", a wallet address. Those belong to that ticket; the menu would make
them say it all again, or give up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clarify import ActionClarify, previous_reply
from actions.filing import add_to_ticket, open_ticket

# The replies that name a ticket the bot has just filed or added to (their metadata
# carries it as `ticket`).
TICKET_TOLD = frozenset({
    "utter_report_filed", "utter_report_attached", "utter_report_already_there",
    "utter_details_added",
})


def ticket_just_told(events: Iterable[Dict[str, Any]]) -> str | None:
    """The ticket the bot's reply to the previous user message filed or added to."""
    for event in previous_reply(events):
        metadata = event.get("metadata") or {}
        if metadata.get("utter_action") in TICKET_TOLD and metadata.get("ticket"):
            return str(metadata["ticket"])
    return None


class ActionTakeDetails(ActionClarify):
    def name(self) -> str:
        return "action_take_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = ticket_just_told(tracker.events)
        ticket = open_ticket(tracker.sender_id, reference=reference) if reference else None
        if ticket is None:
            return await super().run(dispatcher, tracker, domain)
        return add_to_ticket(dispatcher, tracker, ticket, added="utter_details_added")
