"""Status banners come only from this fixed set.

After a form, the redirect carries a key (`?ok=claimed`, `?error=already_claimed`), never
text: a link cannot make the console's trusted banner say anything it does not say
here. An unknown key, or a key under the wrong kind, shows nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.desk.errors import (
    AlreadyClaimed,
    DeskError,
    HandoffRefused,
    NotHolder,
    TicketNotFound,
    TicketResolved,
)
from bot.desk.models import TICKET_STATUSES

OK: dict[str, str] = {
    "claimed": "You hold this ticket.",
    "released": "The ticket is back in the queue.",
    "noted": "Note added.",
    "appeal_lifted": "Suspension lifted; the ticket is resolved.",
    "appeal_upheld": "Suspension upheld; the ticket is resolved.",
    "suspended": "The suspension is issued; it is listed below.",
    "suspension_lifted": "The suspension is lifted.",
    "asked": "The question is on its way to the user; the ticket waits for the answer.",
    **{
        f"status_{status}": f"The ticket is now {status.replace('_', ' ')}."
        for status in TICKET_STATUSES
    },
}

ERROR: dict[str, str] = {
    "already_claimed": "Another agent already holds this ticket (see who above).",
    "not_holder": "Only the agent holding this ticket can do that: claim it first.",
    "already_resolved": "This ticket is already resolved.",
    "ticket_not_found": "There is no such ticket.",
    "handoff_refused": "This user is suspended from live chat: no human handoff.",
    "choose_decision": "Choose to uphold or to lift the suspension.",
    "decision_needs_note": "Write a note explaining the decision.",
    "note_needed": "Write a note first (at most 10,000 characters).",
    "question_needed": "Write a question or pick a macro (not both; at most 1,000 characters).",
    "user_needed": "Enter the user's account id.",
    "hours_not_a_number": "The duration must be a number of hours.",
    "hours_out_of_range": "The duration must be more than 0 hours and at most 365 days.",
    "category_needed": "Choose the policy category.",
    "no_active_suspension": "This user has no active suspension.",
    "not_accepted": "That was not accepted: check the form and try again.",
    "refused": "The desk refused this change: reload the page to see the current state.",
}

_DESK_ERRORS: tuple[tuple[type[DeskError], str], ...] = (
    (AlreadyClaimed, "already_claimed"),
    (NotHolder, "not_holder"),
    (TicketResolved, "already_resolved"),
    (TicketNotFound, "ticket_not_found"),
    (HandoffRefused, "handoff_refused"),
)


class Refusal(Exception):
    """A form the console refuses, with the key of the banner that says why."""

    def __init__(self, key: str) -> None:
        if key not in ERROR:
            raise KeyError(f"no error banner {key!r}")
        super().__init__(key)
        self.key = key


def error_key(exc: Exception) -> str:
    """The banner for an expected failure of a form."""
    if isinstance(exc, Refusal):
        return exc.key
    for kind, key in _DESK_ERRORS:
        if isinstance(exc, kind):
            return key
    return "refused" if isinstance(exc, DeskError) else "not_accepted"


def banners(args: Mapping[str, str | None]) -> dict[str, str | None]:
    """The template's `message` and `error` for a request's query arguments."""
    return {
        "message": OK.get(args.get("ok") or ""),
        "error": ERROR.get(args.get("error") or ""),
    }
