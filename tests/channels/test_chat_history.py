"""The conversation the chat page shows again after a reload, from tracker events."""

from __future__ import annotations

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from bot import tells
from bot.channels.chat_history import history_from_events

APPEAL = [{"title": "Överklaga avstängningen", "payload": "/appeal_suspension"},
          {"title": "Något annat", "payload": "/other"}]


def test_messages_in_order_each_in_its_language():
    history = history_from_events([
        SessionStarted(), SlotSet("language", "en"), ActionExecuted("action_listen"),
        UserUttered("hej, varför är jag avstängd?"), SlotSet("language", "sv"),
        BotUttered("Din livechatt är avstängd.", {"buttons": APPEAL}),
        UserUttered("/appeal_suspension"),
        BotUttered("Varför tror du att avstängningen är ett misstag?"),
        UserUttered("BTC"),  # no words of either language: the conversation's
        UserUttered("EXTERNAL: EXTERNAL_ticket_update"),  # a pushed decision's trigger
        BotUttered("Vi har hävt din avstängning."),
    ])
    assert history.language == "sv"
    assert history.messages == [
        {"from": "user", "text": "hej, varför är jag avstängd?", "lang": "sv"},
        {"from": "bot", "text": "Din livechatt är avstängd.", "lang": "sv"},
        {"from": "user", "text": "Överklaga avstängningen", "lang": "sv"},  # the title
        {"from": "bot", "text": "Varför tror du att avstängningen är ett misstag?", "lang": "sv"},
        {"from": "user", "text": "BTC", "lang": "sv"},
        {"from": "bot", "text": "Vi har hävt din avstängning.", "lang": "sv"},
    ]


def test_the_language_follows_the_user_from_message_to_message():
    history = history_from_events([
        UserUttered("hej jag behöver hjälp"), SlotSet("language", "sv"), BotUttered("Hej!"),
        UserUttered("sorry, can you answer in English please"), SlotSet("language", "en"),
        BotUttered("Of course."),
    ])
    assert history.language == "en"
    assert [m["lang"] for m in history.messages] == ["sv", "sv", "en", "en"]


def test_an_unanswered_question_keeps_its_buttons_an_answered_one_does_not():
    asked = [UserUttered("jag vill överklaga"), BotUttered("Vad gäller det?",
                                                          {"buttons": APPEAL})]
    assert history_from_events(asked).messages[-1]["buttons"] == APPEAL
    answered = history_from_events([*asked, UserUttered("/other")])
    assert all("buttons" not in m for m in answered.messages)


def test_a_language_the_user_never_showed_is_not_known():
    # Each session start sets the slot to its initial "en": that says nothing of the user.
    history = history_from_events([SessionStarted(), SlotSet("language", "en"),
                                   UserUttered("ok"), BotUttered("Okay.")])
    assert history.language is None
    # A Swedish slot carried into a session whose earlier messages are gone was written.
    carried = history_from_events([SessionStarted(), SlotSet("language", "sv"),
                                   UserUttered("ok")])
    assert carried.language == "sv"
    assert history_from_events([]).messages == []


def test_only_the_latest_messages_are_sent():
    events = [UserUttered(f"message number {n} please") for n in range(300)]
    history = history_from_events(events, limit=200)
    assert len(history.messages) == 200
    assert history.messages[0]["text"] == "message number 100 please"
    assert history.messages[-1]["text"] == "message number 299 please"


def test_what_the_restored_messages_tell_is_collected_once():
    decision = tells.decision(7)
    history = history_from_events([
        UserUttered("what about my appeal?"),
        BotUttered("We lifted your suspension.", metadata={"tells": decision}),
        BotUttered("The reason: the messages were not yours.", metadata={"tells": decision}),
    ])
    assert history.tells == decision
    # Beyond the latest messages it is not shown, so not told.
    cut = history_from_events([BotUttered("Lifted.", metadata={"tells": tells.decision(8)}),
                               UserUttered("thanks a lot"), BotUttered("You are welcome.")],
                              limit=2)
    assert cut.tells == [] and [m["text"] for m in cut.messages][0] == "thanks a lot"
