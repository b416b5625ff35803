"""Status banners come only from this fixed set.

After a form, the redirect carries a key (`?ok=claimed`, `?error=already_claimed`), never
text: a link cannot make the console's trusted banner say anything it does not say
here. An unknown key, or a key under the wrong kind, shows nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.desk.errors import (
    AgentNotFound,
    AgentUnavailable,
    AlreadyClaimed,
    DeskError,
    HandoffRefused,
    NotHolder,
    TicketNotFound,
    TicketResolved,
)


def N_(text: str) -> str:  # noqa: N802 - gettext's mark (bot/console/texts.py)
    return text

OK: dict[str, str] = {
    "claimed": N_("You hold this ticket."),
    "released": N_("The ticket is back in the queue."),
    "noted": N_("Note added."),
    "appeal_lifted": N_("Suspension lifted; the ticket is resolved."),
    "appeal_upheld": N_("Suspension upheld; the ticket is resolved."),
    "suspended": N_("The suspension is issued; it is listed below."),
    "suspension_lifted": N_("The suspension is lifted."),
    "asked": N_("The question is on its way to the user; the ticket waits for the answer."),
    "status_open": N_("The ticket is now open."),
    "status_claimed": N_("The ticket is now claimed."),
    "status_pending_user": N_("The ticket is now pending user."),
    "status_resolved": N_("The ticket is now resolved."),
    "resolved": N_("The ticket is resolved; the user is told."),
    "reassigned": N_("The ticket is reassigned."),
    "agent_disabled": N_("The agent is disabled; their sessions have ended."),
    "agent_enabled": N_("The agent can sign in again."),
    "role_changed": N_("The agent's role is changed."),
    "language_changed": N_("The console now speaks your language."),
    "password_changed": N_("Your new password is set."),
}

ERROR: dict[str, str] = {
    "already_claimed": N_("Another agent already holds this ticket (see who above)."),
    "not_holder": N_("Only the agent holding this ticket can do that: claim it first."),
    "already_resolved": N_("This ticket is already resolved."),
    "ticket_not_found": N_("There is no such ticket."),
    "handoff_refused": N_("This user is suspended from live chat: no human handoff."),
    "choose_decision": N_("Choose to uphold or to lift the suspension."),
    "decision_needs_note": N_("Write a note explaining the decision."),
    "note_needed": N_("Write a note first (at most 10,000 characters)."),
    "question_needed": N_("Write a question or pick a macro (not both; at most 1,000 characters)."),
    "user_needed": N_("Enter the user's account id."),
    "hours_not_a_number": N_("The duration must be a number of hours."),
    "hours_out_of_range": N_("The duration must be more than 0 hours and at most 365 days."),
    "category_needed": N_("Choose the policy category."),
    "no_active_suspension": N_("This user has no active suspension."),
    "not_accepted": N_("That was not accepted: check the form and try again."),
    "refused": N_("The desk refused this change: reload the page to see the current state."),
    "decision_not_applicable": N_(
        "Uphold or lift applies only to a suspension appeal of a user suspended now."),
    "choose_resolution": N_("Choose how the ticket is resolved."),
    "queue_empty": N_("No open ticket is waiting: the queue is clear."),
    "agent_not_found": N_("There is no such agent."),
    "agent_unavailable": N_("That agent is disabled: choose another."),
    "not_yourself": N_("You cannot do that to your own account."),
    "choose_agent": N_("Choose the agent who takes the ticket."),
}

_DESK_ERRORS: tuple[tuple[type[DeskError], str], ...] = (
    (AlreadyClaimed, "already_claimed"),
    (NotHolder, "not_holder"),
    (TicketResolved, "already_resolved"),
    (TicketNotFound, "ticket_not_found"),
    (HandoffRefused, "handoff_refused"),
    (AgentNotFound, "agent_not_found"),
    (AgentUnavailable, "agent_unavailable"),
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
