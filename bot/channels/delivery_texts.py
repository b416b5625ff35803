"""What the delivery service itself tells a user (bot/channels/delivery.py): their message
is kept for later, it got no reply, or it failed; in the language of the message, else
of the conversation."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import UserMessage

from bot.channels.rasa_agent import running_agent
from bot.language import said_language

TEXTS = {
    "kept": {
        "en": "We have your message. Our systems are slow right now, so I can't answer "
              "it yet. It is kept, and any report in it will be filed as soon as they are "
              "back. You don't need to repeat it.",
        "sv": "Vi har fått ditt meddelande. Våra system är långsamma just nu, så jag kan "
              "inte svara på det ännu. Det är sparat, och en anmälan i det registreras så "
              "snart systemen fungerar igen. Du behöver inte skriva det igen.",
    },
    "no_reply": {
        "en": "Sorry, I have no answer to that right now. Your message is saved; you can "
              "rephrase it or ask something else.",
        "sv": "Förlåt, jag har inget svar på det just nu. Ditt meddelande är sparat; du kan "
              "formulera om det eller fråga något annat.",
    },
    "failed": {
        "en": "Sorry, something went wrong on our side with one of your messages. It is "
              "saved for our staff. If it was a report, please send it again.",
        "sv": "Förlåt, något gick fel hos oss med ett av dina meddelanden. Det är sparat "
              "för vår personal. Om det var en anmälan, skicka den gärna igen.",
    },
}


async def text_for(key: str, message: UserMessage) -> str:
    """TEXTS[key] in the language `message` was written in."""
    return TEXTS[key][await language_of(message)]


async def language_of(message: UserMessage) -> str:
    found = said_language(message.text or "", message.metadata)  # the channel's reading
    if found:
        return found
    agent = running_agent()
    try:
        tracker = await asyncio.wait_for(
            agent.tracker_store.retrieve(message.sender_id), 2) if agent else None
    except Exception:  # noqa: BLE001 - the tracker store may be the thing that failed
        tracker = None
    language = tracker.get_slot("language") if tracker is not None else None
    return language if language in ("en", "sv") else "en"
