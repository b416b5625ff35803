"""The suspension notice in the conversation: told once per session, in the user's
language, and the lift announced when it happens."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.desk import get_desk
from actions.suspension import suspension_slots


def refresh_suspension(
    dispatcher: CollectingDispatcher, tracker: Tracker, announce_lift: bool = True
) -> List[EventType]:
    """Suspension slots from the registry; the notice once, and a lift when it happens."""
    suspension = get_desk().active_suspension(tracker.sender_id)
    slots = suspension_slots(suspension)
    if suspension and not tracker.get_slot("suspension_notified"):
        # Slots set by this action are not yet visible to the response's template.
        dispatcher.utter_message(response="utter_suspension_notice", **slots)
        slots["suspension_notified"] = True
    elif suspension is None and tracker.get_slot("suspended"):
        if announce_lift:
            dispatcher.utter_message(response="utter_suspension_lifted")
        slots["suspension_notified"] = False
    return [
        SlotSet(slot, value) for slot, value in slots.items() if tracker.get_slot(slot) != value
    ]
