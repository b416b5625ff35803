"""The conversation as the chat page shows it again after a reload: the user's own
messages and the bot's replies, in order, read from the tracker store.

Only what the user saw is shown: messages the bot was triggered to send (an agent's
decision) without the trigger, a button's title rather than its payload, texts as stored
(secrets were redacted before they reached the tracker). Each message carries its
language: a user message its own where its words tell, else the conversation's; a bot
message the one it was rendered in (the rule of bot.nlg: the message it answers, else the
`language` slot). A decision or question among them (bot/tells.py) is shown by the
restored page, and so counts as told.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import EXTERNAL_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered

from bot import tells
from bot.i18n import LANGUAGES
from bot.language import detect_language, message_language

LANGUAGE_SLOT = "language"
# The slot's initial_value (domain/core.yml), which every session start sets again: a slot
# at it says nothing of the user; any other value was set from a message of theirs.
INITIAL_LANGUAGE = "en"
HISTORY_LIMIT = 200  # the latest messages; a years-long conversation is not sent whole


@dataclass(frozen=True)
class History:
    # The language the user last wrote in, as far as the bot could tell; None if never.
    language: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    # What the restored bot messages tell (bot/tells.py): shown now, so told.
    tells: list[dict[str, Any]] = field(default_factory=list)


def _buttons(event: BotUttered) -> list[dict[str, str]]:
    data = event.data or {}
    found = data.get("quick_replies") or data.get("buttons") or []
    return [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in found if isinstance(b, dict) and b.get("payload")]


def history_from_events(events: Iterable[Event], limit: int = HISTORY_LIMIT) -> History:
    slot: str | None = None  # the `language` slot as set so far
    written: str | None = None  # the language of the latest message that showed one
    answering = "en"  # the language of the replies to the latest user message
    titles: dict[str, str] = {}  # payload -> title of the buttons last offered
    messages: deque[tuple[dict[str, Any], list[Any]]] = deque(maxlen=limit)
    last_buttons: list[dict[str, str]] = []
    for event in events:
        if isinstance(event, SlotSet) and event.key == LANGUAGE_SLOT:
            slot = event.value if event.value in LANGUAGES else slot
        elif isinstance(event, UserUttered):
            text = event.text or ""
            answering = message_language(text, slot)
            if not text or text.startswith(EXTERNAL_MESSAGE_PREFIX):
                continue  # sent by the server (a pushed decision), not typed
            shown = titles.get(text, text)
            detected = detect_language(text) if shown == text else None
            written = detected or written
            language = detected or answering
            messages.append(({"from": "user", "text": shown, "lang": language}, []))
            last_buttons = []
        elif isinstance(event, BotUttered):
            buttons = _buttons(event)
            titles = {b["payload"]: b["title"] for b in buttons} or titles
            if not event.text and not buttons:
                continue
            messages.append(({"from": "bot", "text": event.text or "", "lang": answering},
                             (event.metadata or {}).get(tells.KEY) or []))
            last_buttons = buttons
    result = [message for message, _ in messages]
    # A question the user has not answered yet keeps its buttons; earlier ones were used.
    if result and result[-1]["from"] == "bot" and last_buttons:
        result[-1]["buttons"] = last_buttons
    known = written or (slot if slot != INITIAL_LANGUAGE else None)
    told = tells.carried({tells.KEY: carried} for _, carried in messages)
    return History(language=known, messages=result, tells=told)
