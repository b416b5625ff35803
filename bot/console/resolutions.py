"""Which closing actions a ticket offers, by what it is about.

Only a suspension appeal of a user who is suspended now can be decided (uphold or lift):
a hacked account has no suspension to uphold. The other categories are resolved with an
outcome that fits them; each names the reason macro (domain/macros.yml) the user hears
unless the agent picks another.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.desk.records import SuspensionInfo, TicketInfo


def N_(text: str) -> str:  # noqa: N802 - gettext's mark (bot/console/texts.py)
    return text


@dataclass(frozen=True)
class Resolution:
    key: str
    label: str  # English; the template translates it
    reason: str | None  # default reason macro told to the user


_NO_ANSWER = Resolution("no_answer", N_("Closed: the user did not answer"), "no_answer")
_FUNDS = (
    Resolution("credited", N_("Funds found and credited"), "funds_credited"),
    Resolution("not_found", N_("Checked: nothing missing on our side"), None),
    _NO_ANSWER,
)
RESOLUTIONS: dict[str, tuple[Resolution, ...]] = {
    "account_hacked": (
        Resolution("secured", N_("Account secured and access restored"), None),
        Resolution("not_owner", N_("Ownership could not be verified"), None),
        _NO_ANSWER,
    ),
    "missing_deposit": _FUNDS,
    "missing_withdrawal": _FUNDS,
    "impersonation": (
        Resolution("impostor_removed", N_("Impostor reported and removed"), None),
        Resolution("not_impersonation", N_("Checked: not an impersonation"), None),
        _NO_ANSWER,
    ),
    "human_handoff": (Resolution("handled", N_("Handled"), None), _NO_ANSWER),
}


def can_decide(ticket: TicketInfo, suspension: SuspensionInfo | None) -> bool:
    """Uphold or lift applies to an appeal against a suspension that is in force."""
    return ticket.category == "wrongful_suspension" and suspension is not None


def resolutions_for(ticket: TicketInfo) -> tuple[Resolution, ...]:
    return RESOLUTIONS.get(ticket.category, ())


def find(ticket: TicketInfo, key: str) -> Resolution | None:
    return next((r for r in resolutions_for(ticket) if r.key == key), None)
