"""Words the actions put into responses, in the user's language.

Whole sentences live in the domain's responses; only labels and dates that actions
compute are rendered here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LANGUAGES = ("en", "sv")
STOCKHOLM = ZoneInfo("Europe/Stockholm")

_MONTHS = {
    "en": "January February March April May June July August September October "
    "November December".split(),
    "sv": "januari februari mars april maj juni juli augusti september oktober "
    "november december".split(),
}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "account_hacked": "hacked account",
        "missing_withdrawal": "missing withdrawal",
        "missing_deposit": "missing deposit",
        "impersonation": "impersonation",
        "wrongful_suspension": "suspension appeal",
        "human_handoff": "request to talk to staff",
        "urgent": "urgent",
        "high": "high",
        "normal": "normal",
        "open": "waiting for an agent",
        "claimed": "an agent is working on it",
        "resolved": "resolved",
        "upheld": "the suspension stands",
        "lifted": "the suspension was lifted",
        "chat_suspended": "closed when your live chat was suspended",
        "not_provided": "not provided",
    },
    "sv": {
        "account_hacked": "kapat konto",
        "missing_withdrawal": "uttag som saknas",
        "missing_deposit": "insättning som saknas",
        "impersonation": "någon utger sig för att vara du",
        "wrongful_suspension": "överklagande av avstängning",
        "human_handoff": "begäran att prata med personal",
        "urgent": "akut",
        "high": "hög",
        "normal": "normal",
        "open": "väntar på en handläggare",
        "claimed": "en handläggare arbetar med det",
        "resolved": "avslutat",
        "upheld": "avstängningen står fast",
        "lifted": "avstängningen hävdes",
        "chat_suspended": "stängt när din livechatt stängdes av",
        "not_provided": "ej angivet",
    },
}


# What a message may be about, as the clarifying question names it ("Is this about a
# hacked account or a missing withdrawal?"): actions/clarify.py.
CASE_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "report_account_hacked": "a hacked account",
        "report_missing_withdrawal": "a missing withdrawal",
        "report_missing_deposit": "a missing deposit",
        "report_impersonation": "someone pretending to be you or us",
        "appeal_suspension": "appealing your suspension",
        "check_appeal_status": "the status of your ticket",
    },
    "sv": {
        "report_account_hacked": "ett kapat konto",
        "report_missing_withdrawal": "ett uttag som saknas",
        "report_missing_deposit": "en insättning som saknas",
        "report_impersonation": "någon som utger sig för att vara du eller vi",
        "appeal_suspension": "att överklaga din avstängning",
        "check_appeal_status": "status för ditt ärende",
    },
}


def lang(value: object) -> str:
    """Normalise a slot value to a supported language code (English by default)."""
    return value if value in LANGUAGES else "en"  # type: ignore[return-value]


def label(key: str, language: str) -> str:
    return LABELS[lang(language)].get(key, key)


def case_phrase(intent: str, language: str) -> str:
    return CASE_PHRASES[lang(language)].get(intent, intent)


def format_time(moment: datetime, language: str) -> str:
    """An unambiguous point in time: UTC in English, Swedish local time in Swedish."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if lang(language) == "sv":
        local = moment.astimezone(STOCKHOLM)
        month = _MONTHS["sv"][local.month - 1]
        return f"{local.day} {month} {local.year} kl. {local:%H:%M} svensk tid"
    utc = moment.astimezone(timezone.utc)
    month = _MONTHS["en"][utc.month - 1]
    return f"{utc.day} {month} {utc.year} at {utc:%H:%M} UTC"


def format_duration(delta: timedelta, language: str) -> str:
    """A response target such as "1 hour" / "24 timmar"."""
    hours = max(1, round(delta.total_seconds() / 3600))
    if lang(language) == "sv":
        return f"{hours} timme" if hours == 1 else f"{hours} timmar"
    return f"{hours} hour" if hours == 1 else f"{hours} hours"
