"""What a report of each category collects, and forgetting it when the report is done.

Shared by the form (actions/report_form.py), the filing (actions/filing.py) and a stopped
report (actions/report_stop.py).
"""

from __future__ import annotations

from typing import Dict, List

from rasa_sdk.events import EventType, SlotSet

from bot import fields

CATEGORY_BY_INTENT = {
    "report_account_hacked": "account_hacked",
    "report_missing_withdrawal": "missing_withdrawal",
    "report_missing_deposit": "missing_deposit",
    "report_impersonation": "impersonation",
    "appeal_suspension": "wrongful_suspension",
}

# What each category needs, in the order the form asks.
REQUIRED_SLOTS: Dict[str, List[str]] = {
    "account_hacked": ["incident_time", "description"],
    "missing_withdrawal": ["asset", "network", "amount", "tx_id", "incident_time"],
    "missing_deposit": ["asset", "network", "amount", "tx_id", "incident_time"],
    "impersonation": ["description"],
    "wrongful_suspension": ["description"],
}
FORM_SLOTS = ("asset", "network", "amount", "tx_id", "incident_time", "description")


def prefilled(category: str, text: str) -> Dict[str, str]:
    """The details `text` gives unasked that a report of `category` collects."""
    return {slot: value for slot, value in fields.prefill(text).items()
            if slot in REQUIRED_SLOTS[category]}


def reset_form_slots() -> List[EventType]:
    """Forget the last report's details, so the next report starts clean."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [
        SlotSet("tx_id_attempts", 0),
        SlotSet("report_category", None),
        SlotSet("report_id", None),
        SlotSet("partial_report_offered", False),
    ]
