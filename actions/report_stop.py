"""A user who stops a report half-way: an urgent case is offered to be filed as it is.

"Stop asking stupid questions" in the middle of a hacked-account report is as often
anger at the questions as a change of mind. Dropping the report then loses the case the
bot exists for, so for the urgent cases the bot stops asking and offers, with two
buttons, to file what it has; staff can ask for the rest through the bot. An appeal is
simply cancelled: nothing in it is urgent, and the user can start again.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.report_slots import reset_form_slots
from bot.i18n import label, lang

OFFERED = "partial_report_offered"
# The cases the bot is for (policy §8: a hacked account, a deposit or withdrawal missing,
# someone pretending to be the user).
OFFERED_CATEGORIES = frozenset(
    {"account_hacked", "missing_withdrawal", "missing_deposit", "impersonation"}
)


class ActionStopReport(Action):
    def name(self) -> str:
        return "action_stop_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        stopped: List[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        category = tracker.get_slot("report_category")
        if category in OFFERED_CATEGORIES:
            language = lang(tracker.get_slot("language"))
            dispatcher.utter_message(response="utter_offer_partial_report",
                                     category=label(category, language))
            return stopped + [SlotSet(OFFERED, True)]
        dispatcher.utter_message(response="utter_report_cancelled")
        return stopped + reset_form_slots()


class ActionDropReport(Action):
    """The user declined the offer: nothing is filed."""

    def name(self) -> str:
        return "action_drop_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_report_cancelled")
        return reset_form_slots()
