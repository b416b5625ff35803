"""Responses render in the language of the message they answer, else the slot's."""

from __future__ import annotations

import asyncio

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlg import LanguageAwareNLG
from bot.project_domain import project_domain


def rendered(text: str | None, slot: str, metadata: dict | None = None) -> str:
    tracker = DialogueStateTracker.from_events("acct-1", [SlotSet("language", slot)],
                                               slots=project_domain().slots)
    if text is not None:
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0},
                                   metadata=metadata))
    nlg = LanguageAwareNLG(domain=project_domain())
    reply = asyncio.run(nlg.generate("utter_greet", tracker, "rest"))
    return reply["text"]


def test_a_clear_message_is_answered_in_its_language_before_the_slot_follows():
    swedish, english = rendered("hej", "sv"), rendered("hello", "en")
    assert swedish != english
    assert rendered("hej hej, hur gör jag", "en") == swedish
    assert rendered("hello there, how do I", "sv") == english


def test_unclear_messages_buttons_and_pushes_keep_the_conversations_language():
    assert rendered("ok", "sv") == rendered("hej", "sv")
    assert rendered("/greet", "sv") == rendered("hej", "sv")
    assert rendered(None, "sv") == rendered("hej", "sv")  # no user message yet


def test_the_channels_reading_of_the_language_is_used_not_read_again():
    swedish, english = rendered("hej", "sv"), rendered("hello", "en")
    assert rendered("hello", "en", {"language": "sv"}) == swedish
    assert rendered("hej hej, hur gör jag", "en", {"language": None}) == english
