"""Telling the user that a secret they sent must be treated as compromised.

The chat channel (bot.channels.intake) removed it before the message was stored and
listed the kinds in the message's metadata; only the channel writes that key, since it
drops whatever metadata a client sends.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.channels.guard import SECRET_RESPONSES


def redacted_kinds(tracker: Tracker) -> list[str]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    kinds = metadata.get("redacted") if isinstance(metadata, dict) else None
    if not isinstance(kinds, list):
        return []
    return [k for k in dict.fromkeys(k for k in kinds if isinstance(k, str))
            if k in SECRET_RESPONSES]


def warn_about_secrets(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """One warning per kind of secret in the latest message, in the user's language."""
    for kind in redacted_kinds(tracker):
        dispatcher.utter_message(response=SECRET_RESPONSES[kind])
