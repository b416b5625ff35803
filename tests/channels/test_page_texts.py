"""The chat page's own words: a complete Swedish catalogue, and the browser's choice."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.channels.page_texts import (
    LOCALE,
    SCRIPT_TEXTS,
    browser_language,
    script_texts,
    text,
)
from tests.support.tools import ROOT

SWEDISH = LOCALE / "sv" / "LC_MESSAGES" / "chat_page.po"


def source_ids() -> set[str]:
    """The texts the templates and page_texts.py mark, as pybabel extract finds them."""
    with (LOCALE / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {message for _, _, message, *_ in
            extract_from_dir(str(ROOT), method_map, options_map) if isinstance(message, str)}


def test_every_text_of_the_page_has_a_swedish_translation():
    with SWEDISH.open("rb") as po:
        catalog = read_po(po, locale="sv")
    translated = {m.id: m.string for m in catalog if m.id and not m.fuzzy}
    ids = source_ids()
    assert set(SCRIPT_TEXTS.values()) <= ids
    assert {"Support chat", "Write a message…", "That is not an account id."} <= ids
    assert ids - set(translated) == set(), "run pybabel update (bot/channels/page_texts.py)"
    assert all(translated[i] for i in ids), "an empty Swedish text"
    assert set(translated) - ids == set(), "texts no page uses any more"


def test_the_script_gets_its_words_in_the_users_language():
    assert script_texts("en")["placeholder"] == "Write a message…"
    assert script_texts("sv")["placeholder"] == "Skriv ett meddelande…"
    assert script_texts("sv")["signed_out"] == "utloggad"
    assert script_texts("de") == script_texts("en")  # a language the bot does not speak
    assert text("sv", "Send") == "Skicka"


def test_the_script_holds_no_words_of_its_own():
    script = (ROOT / "bot" / "channels" / "static" / "chat.js").read_text(encoding="utf-8")
    literals = set(re.findall(r'"([^"\\]*)"', script))
    words = {*SCRIPT_TEXTS.values(), *script_texts("sv").values(), "Write a message…"}
    assert "online" in literals  # a key into the texts, which happens to be the word
    assert literals & words - set(SCRIPT_TEXTS) == set()
    assert not any(w in script for w in words if " " in w or "…" in w)


def test_the_browsers_language_by_its_order_of_preference():
    assert browser_language("sv-SE,sv;q=0.9,en;q=0.8") == "sv"
    assert browser_language("en-US,en;q=0.9,sv;q=0.8") == "en"
    assert browser_language("de-DE,sv;q=0.7,en;q=0.5") == "sv"  # the first we speak
    assert browser_language("en;q=0.2, sv;q=0.9") == "sv"  # q-values, not order
    assert browser_language("sv;q=0, en") == "en"  # q=0: not acceptable
    assert browser_language("fr-FR") is None
    assert browser_language("") is None and browser_language(None) is None
    assert browser_language("<script>, ;q=x, sv") == "sv"
