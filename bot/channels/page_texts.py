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

import io
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.i18n import LANGUAGES

LOCALE = Path(__file__).with_name("locale")
DOMAIN = "chat_page"
DEFAULT = "en"  # the message ids' language


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    return text


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


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """gettext translations for `language`; English (and anything else) as written."""
    po = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or language not in LANGUAGES or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()  # the .po is the one file kept; no compiled .mo to go stale
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def script_texts(language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    return {key: gettext(text) for key, text in SCRIPT_TEXTS.items()}


def text(language: str, message: str) -> str:
    return translations(language).gettext(message)


_RANGE = re.compile(r"^([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*$")


def browser_language(accept_language: str | None) -> str | None:
    """The first language the page speaks in an Accept-Language header, by the
    browser's order of preference (q-values), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "")[:1000].split(",")):
        tag, _, params = part.strip().partition(";")
        match = _RANGE.match(tag.strip())
        if not match:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, match.group(1).lower()))
    for negative_quality, _, primary in sorted(ranked):
        if negative_quality < 0 and primary in LANGUAGES:
            return primary
    return None
