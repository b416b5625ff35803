"""Urgent reports and appeals: start the report, then validate what the form collects."""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.filing import add_to_ticket, open_ticket
from actions.report_slots import (  # noqa: F401 (the form's names, as before)
    CATEGORY_BY_INTENT,
    FORM_SLOTS,
    REQUIRED_SLOTS,
    prefilled,
    reset_form_slots,
)
from bot import fields

MAX_TX_ID_ATTEMPTS = 3
# Words that join transfer details in an answer ("250 USDT on TRC20", "0,5 btc via erc20").
_JOINERS = frozenset({"on", "via", "over", "in", "of", "på", "över", "i", "av", "med", "with"})
_YES_OR_NO = re.compile(
    r"(?i)\W*(?:ja|jo|japp|jaa|yes|yeah|yep|yup|ok|okay|okej|nej|nä|nope|no)\W*")
_TX_IDS = re.compile("|".join(rf"\b{form}\b" for form in fields.TX_ID_FORMS))
_NETWORK_NAMES = re.compile(
    "|".join(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])"
             for name in sorted(fields.NETWORK_ANSWERS, key=len, reverse=True))
)


def names_only_transfer_details(text: str) -> bool:
    """`text` names an asset, a network or a tx id, with at most amounts and joining words
    besides: no time or date could be in it ("BTC", "0.5 eth on arbitrum")."""
    rest, named = _TX_IDS.sub(" ", text), bool(_TX_IDS.search(text))
    lowered = rest.lower()
    named = named or bool(_NETWORK_NAMES.search(lowered))
    lowered = _NETWORK_NAMES.sub(" ", lowered)
    for word in re.findall(r"\w+(?:[.,]\w+)*", lowered):
        if word in fields.ASSETS:
            named = True
        elif not (fields.AMOUNT.fullmatch(word) or word in _JOINERS):
            return False
    return named


def _time_said_early(text: str, tracker: Tracker) -> Dict[str, Any]:
    """An answer that says when ("yesterday evening", "igår") given to an earlier question
    of the form answers its last one: kept as the time unless the time is known already."""
    if fields.find_time(text) and not tracker.get_slot("incident_time"):
        return {"incident_time": fields.clip(text, 200)}
    return {}


class ActionStartReport(Action):
    """Gives the advice that fits the case and prepares the form for its category; a case
    whose ticket is still open gets the message added to that ticket instead."""

    def name(self) -> str:
        return "action_start_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        category = CATEGORY_BY_INTENT.get(intent or "")
        events = reset_form_slots()
        if category is None:
            return events
        if category == "wrongful_suspension" and not tracker.get_slot("suspended"):
            dispatcher.utter_message(response="utter_not_suspended")
            return events  # no category: the form has nothing to ask and files nothing

        if (ticket := open_ticket(tracker.sender_id, category=category)) is not None:
            # Told again while its ticket is open ("my deposit is STILL missing!!"): the
            # message goes to that ticket at once instead of the same questions again.
            return events + add_to_ticket(dispatcher, tracker, ticket)
        text = tracker.latest_message.get("text") or ""
        dispatcher.utter_message(response=f"utter_report_advice_{category}")
        events += [
            SlotSet("report_category", category),
            SlotSet("report_id", uuid.uuid4().hex),
        ]
        events += [SlotSet(slot, value) for slot, value in prefilled(category, text).items()]
        return events


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        return REQUIRED_SLOTS.get(tracker.get_slot("report_category") or "", [])

    def validate_asset(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if text in fields.FIAT_ASSETS and tracker.get_slot("network"):
            return {"asset": text}  # read from the first message with its method
        asset = fields.find_asset(text)
        if not asset and (fiat := fields.fiat_details(text)):
            # "it's Swish, kronor": nothing to trace on a chain, no network or tx id to ask.
            amount = fields.find_amount(text)
            return {**fiat, **({"amount": amount} if amount else {})}
        found = {"asset": asset or fields.clip(text, 40)}
        # "250 USDT on TRC20" answers three questions at once.
        if network := fields.find_network(text):
            found["network"] = network
        if amount := fields.find_amount(text):
            found["amount"] = amount
        return found

    def validate_network(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if fields.is_no_answer(text) or text == fields.NOT_PROVIDED:
            return {"network": fields.NOT_PROVIDED}
        if text in fields.FIAT_NETWORKS:
            return {"network": text}  # a payment's method, read when it was named
        if network := fields.find_network(text, answering=True):
            return {"network": network}
        if fiat := fields.fiat_details(text):
            return {"network": fiat["network"], "tx_id": fiat["tx_id"]}
        if early := _time_said_early(text, tracker):
            return {"network": fields.NOT_PROVIDED, **early}
        if fields.find_time(text):
            return {"network": fields.NOT_PROVIDED}  # a time, and the time is known
        return {"network": fields.clip(text, 40)}

    def validate_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if fields.is_no_answer(text):
            return {"amount": fields.NOT_PROVIDED}
        amount = fields.find_amount(text)
        if amount is None:
            dispatcher.utter_message(response="utter_invalid_amount")
        return {"amount": amount}

    def validate_tx_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if text == fields.NOT_PROVIDED:
            return {"tx_id": text}  # none to give: a bank, card or Swish payment
        tx_id: str | None = fields.find_tx_id(text)
        if tx_id:
            return {"tx_id": tx_id}
        attempts = int(tracker.get_slot("tx_id_attempts") or 0) + 1
        if fields.is_no_answer(text) or attempts >= MAX_TX_ID_ATTEMPTS:
            # File what we have rather than loop: staff can find the transaction.
            dispatcher.utter_message(response="utter_tx_id_skipped")
            return {"tx_id": fields.NOT_PROVIDED, "tx_id_attempts": attempts}
        dispatcher.utter_message(response="utter_invalid_tx_id")
        return {"tx_id": None, "tx_id_attempts": attempts, **_time_said_early(text, tracker)}

    def validate_incident_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if _YES_OR_NO.fullmatch(text):
            # "ja" to "when did it happen?" says nothing about when: asked again.
            dispatcher.utter_message(response="utter_incident_time_not_yes_no")
            return {"incident_time": None}
        if names_only_transfer_details(text):
            # "BTC" is an answer to another question: asked again, not filed as the time.
            dispatcher.utter_message(response="utter_invalid_incident_time")
            return {"incident_time": None}
        return {"incident_time": fields.clip(text, 200) or None}

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return {"description": fields.clip(str(value or ""), 2000) or None}
