"""The console's words in the agent's language (English or Swedish), from a gettext
catalogue read with Babel (bot/catalogues.py), as the chat page does.

English is the message id; Swedish is bot/console/locale/sv/LC_MESSAGES/console.po.
Templates call `_("…")`; banners, labels and resolutions mark theirs with `N_`. After
changing a text:

    .venv/bin/pybabel extract -F bot/console/locale/babel.cfg \\
        -o bot/console/locale/console.pot bot/console
    .venv/bin/pybabel update -D console -i bot/console/locale/console.pot \\
        -d bot/console/locale

tests/console/test_texts.py fails while a text has no Swedish translation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.support import NullTranslations

from bot import catalogues
from bot.catalogues import DEFAULT, N_, browser_language
from bot.i18n import LANGUAGES

__all__ = ["COUNTDOWN", "DEFAULT", "LABELS", "LIVE_TEXTS", "LOCALE", "N_", "PROBLEMS",
           "language_of", "live_texts", "template_words", "translations"]

LOCALE = Path(__file__).with_name("locale")
DOMAIN = "console"
LANGUAGE_NAMES = {"en": "English", "sv": "Svenska"}  # each in its own language


# Words the filters and the desk's values become (`label`): statuses, categories,
# priorities, outcomes and history kinds, as agents read them.
LABELS = (
    N_("open"), N_("claimed"), N_("pending user"), N_("resolved"),
    N_("account hacked"), N_("missing withdrawal"), N_("missing deposit"),
    N_("impersonation"), N_("wrongful suspension"), N_("human handoff"),
    N_("urgent"), N_("high"), N_("normal"),
    N_("upheld"), N_("lifted"), N_("chat suspended"),
    N_("threats"), N_("unreasonable demands"), N_("personal insults"),
    N_("discrimination"), N_("unfounded accusations"), N_("derogatory remarks"),
    N_("rudeness"),
    N_("created"), N_("report attached"), N_("released"), N_("note"),
    N_("status changed"), N_("reassigned"), N_("question asked"), N_("answered"),
    N_("closed by suspension"), N_("replaced"), N_("suspended"),
    N_("agent"), N_("lead"),
)
# The countdown filter's words (bot/console/filters.py).
COUNTDOWN = (N_("in %(span)s"), N_("overdue %(span)s"))


# What queue_live.js writes itself, handed to it as JSON (the script holds no words);
# {ref} and {label} are filled in by the script.
LIVE_TEXTS = {
    "live": N_("Live"),
    "reconnecting": N_("Reconnecting…"),
    "stopped": N_("Live updates stopped: reload the page."),
    "signed_out": N_("Signed out: reload the page to sign in again."),
    "alerts_on": N_("Alerts on"),
    "blocked": N_("Notifications blocked in this browser's settings"),
    "new_urgent": N_("New urgent ticket {ref}: {label}."),
    "urgent_title": N_("Urgent ticket {ref}"),
}


def live_texts(language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    return {key: gettext(text) for key, text in LIVE_TEXTS.items()}


# Texts the views pass to error.html and the login form.
PROBLEMS = (
    N_("There is no such ticket."), N_("Unknown action."), N_("Only a lead can do this."),
    N_("Forbidden"), N_("Not found"),
)


def translations(language: str) -> NullTranslations:
    return catalogues.translations(LOCALE, DOMAIN, language)


def language_of(agent: Any, accept_language: str | None) -> str:
    """The signed-in agent's choice; before sign-in, the browser's."""
    chosen = getattr(agent, "language", None)
    if chosen in LANGUAGES:
        return chosen
    return browser_language(accept_language) or DEFAULT


def template_words(language: str) -> dict[str, Any]:
    """What a template needs to speak `language`: `_`, `ngettext`, `lang`."""
    found = translations(language)
    return {"_": found.gettext, "ngettext": found.ngettext, "lang": language,
            "language_names": LANGUAGE_NAMES}
