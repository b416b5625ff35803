"""The user's language, from each message that shows it clearly."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.language import detect_language


class ActionDetectLanguage(Action):
    """Custom slot mapping of `language`.

    Rasa runs it before `action_validate_slot_mappings`, whose responses then already
    render in the language of the message that started the session.
    """

    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            return []  # a button payload such as /appeal_suspension says nothing of language
        language = detect_language(text)
        if language is None or language == tracker.get_slot("language"):
            return []
        return [SlotSet("language", language)]
