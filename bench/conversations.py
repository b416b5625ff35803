"""Scripted conversations: what simulated users say, and what a reply must contain.

Expectations are loose on purpose (a substring in any reply): they catch a stack that
answers with errors or nothing, not NLU wording. The mix covers the per-message paths:
FAQ retrieval, a form with validation and a ticket written, a status query; en and sv.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    text: str
    expect: str | None = None  # case-insensitive substring of some reply


@dataclass(frozen=True)
class Conversation:
    name: str
    turns: tuple[Turn, ...]


TX_ID = "7c3f" + "a1b2c3d4e5f60718" * 3 + "9e8d5a4b3c2d1e0f"[:12]  # 64 hex: a Tron tx id

OURS: tuple[Conversation, ...] = (
    Conversation("faq_en", (
        Turn("hi", expect="suspended until"),
        Turn("why am I suspended?"),
        Turn("how long does the suspension last"),
        Turn("can I still trade while I'm suspended"),
        Turn("thank you"),
        Turn("bye"),
    )),
    Conversation("faq_sv", (
        Turn("hej", expect="avstängd till"),
        Turn("varför är jag avstängd?"),
        Turn("hur länge gäller avstängningen"),
        Turn("kan jag fortfarande handla medan jag är avstängd"),
        Turn("tack"),
        Turn("hej då"),
    )),
    Conversation("deposit_en", (
        Turn("hello", expect="suspended until"),
        Turn("my deposit of 120 USDT on TRC20 has not arrived"),
        Turn(f"the transaction id is {TX_ID}"),
        Turn("this morning at 8", expect="SB-"),
        Turn("any news on my ticket?", expect="SB-"),
    )),
    Conversation("hacked_sv", (
        Turn("hej", expect="avstängd till"),
        Turn("mitt konto har blivit hackat, någon har loggat in"),
        Turn("idag runt klockan nio"),
        Turn("min e-post ändrades och det gjordes ett uttag jag inte gjort", expect="SB-"),
        Turn("något nytt om mitt ärende?", expect="SB-"),
    )),
    Conversation("appeal_en", (
        Turn("I want to appeal my suspension", expect="suspended until"),
        Turn("my brother wrote those messages on my laptop", expect="SB-"),
        Turn("any news on my ticket?", expect="SB-"),
    )),
)

# Replies that are not an answer: the stack's fallbacks when it is slow or failing
# (bot/channels/delivery.py). A run that produces them is not a clean run.
DEGRADED = (
    "We have your message", "Vi har fått ditt meddelande",
    "I have no answer to that right now", "jag har inget svar på det just nu",
    "something went wrong on our side", "något gick fel hos oss",
)

# The `rasa init` moodbot: greet, mood, (affirm,) goodbye.
STOCK: tuple[Conversation, ...] = (
    Conversation("mood_great", (
        Turn("hello", expect="How are you"),
        Turn("I am great", expect="carry on"),
        Turn("bye", expect="Bye"),
    )),
    Conversation("mood_sad", (
        Turn("hi", expect="How are you"),
        Turn("I am sad", expect="cheer you up"),
        Turn("yes", expect="carry on"),
        Turn("goodbye", expect="Bye"),
    )),
)

# Rasa's floor (bench/floor_bot): one greeting and its answer, over and over.
FLOOR: tuple[Conversation, ...] = (
    Conversation("greet", (Turn("hello", expect="Hello!"),) * 5),
)


def texts(conversations: tuple[Conversation, ...]) -> list[str]:
    """Every user text once, in order: the NLU parse probe's inputs."""
    return list(dict.fromkeys(t.text for c in conversations for t in c.turns))
