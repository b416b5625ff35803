"""An action that fails with the user's text in its error: what the action server
answers must not carry it (tests/action_server/test_malformed_calls.py)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionThatFails(Action):
    def name(self) -> str:
        return "action_that_fails"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        raise ValueError(f"cannot handle {tracker.latest_message.get('text')}")
