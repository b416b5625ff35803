"""Responses in the language of the message being answered.

The `language` slot is set by `action_validate_slot_mappings`, the one action-server call
every message makes anyway (a slot mapping of its own cost a second call per message).
Responses that action sends are rendered before its SlotSet is applied, so here the
language is taken from the message itself when it is clear (as the channel found it, in
the message's metadata), and from the slot otherwise: the same rule the action applies to
the slot (bot.language.message_language).
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.language import message_language


class LanguageAwareNLG(TemplatedNaturalLanguageGenerator):
    """`nlg: type: bot.nlg.LanguageAwareNLG` in endpoints.yml."""

    def __init__(self, endpoint_config: EndpointConfig | None = None,
                 domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: str, tracker: DialogueStateTracker,
                       output_channel: str, **kwargs: Any) -> dict[str, Any] | None:
        slots = tracker.current_slot_values()
        message = tracker.latest_message
        slots["language"] = message_language(message.text if message else None,
                                             slots.get("language"),
                                             message.metadata if message else None)
        return self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
