"""The chat page's own words (not the bot's: those are the domain's responses), in
English and Swedish, from a gettext catalogue read with Babel.

The English text is the message id; Swedish is bot/channels/locale/sv/LC_MESSAGES/
chat_page.po. After changing a text in the templates or in SCRIPT_TEXTS below:

    .venv/bin/pybabel extract -F bot/channels/locale/babel.cfg \\
        -o bot/channels/locale/chat_page.pot bot/channels
    .venv/bin/pybabel update -D chat_page -i bot/channels/locale/chat_page.pot \\
        -d bot/channels/locale

tests/channels/test_page_texts.py fails while a text has no Swedish translation.
"""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations

from bot import catalogues
from bot.catalogues import DEFAULT, N_, browser_language

__all__ = ["DEFAULT", "DOMAIN", "LOCALE", "SCRIPT_TEXTS", "browser_language", "script_texts",
           "text", "translations"]

LOCALE = Path(__file__).with_name("locale")
DOMAIN = "chat_page"


# What chat.js writes itself (its state line, labels of restored messages, its own
# errors): handed to it as JSON, so the script holds no words of any language.
SCRIPT_TEXTS = {
    "title": N_("Support chat"),
    "connecting": N_("connecting…"),
    "online": N_("online"),
    "reconnecting": N_("reconnecting…"),
    "signed_out": N_("signed out"),
    "conversation": N_("Conversation"),
    "message": N_("Message"),
    "placeholder": N_("Write a message…"),
    "send": N_("Send"),
    "you": N_("You:"),
    "bot": N_("Support:"),
    "history_failed": N_("Your earlier messages could not be loaded. "
                         "New messages still reach us."),
}


def translations(language: str) -> NullTranslations:
    return catalogues.translations(LOCALE, DOMAIN, language)


def script_texts(language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    return {key: gettext(text) for key, text in SCRIPT_TEXTS.items()}


def text(language: str, message: str) -> str:
    return translations(language).gettext(message)
