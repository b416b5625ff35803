"""The per-message hook's warning about a secret the channel removed."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import warn_about_secrets
from bot.channels.guard import SECRET_RESPONSES
from bot.project_domain import project_responses


def said(metadata: object) -> list[str]:
    tracker = Tracker.from_dict({
        "sender_id": "acct-1", "slots": {}, "events": [], "paused": False,
        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": "[redacted password]", "intent": {}, "entities": [],
                           "metadata": metadata},
    })
    dispatcher = CollectingDispatcher()
    warn_about_secrets(dispatcher, tracker)
    return [m["response"] for m in dispatcher.messages]


def test_one_warning_per_kind_removed():
    assert said({"redacted": ["password", "seed phrase", "password"]}) == [
        "utter_secret_password", "utter_secret_seed_phrase"]
    assert said({}) == [] and said(None) == []


def test_odd_metadata_is_ignored():
    for odd in ({"redacted": "password"}, {"redacted": [{"x": 1}, None, "nonsense"]}, "x", 42):
        assert said(odd) == []


def test_every_warning_exists_in_english_and_swedish():
    responses = project_responses()
    for name in SECRET_RESPONSES.values():
        variants = responses[name]
        assert any(not v.get("condition") for v in variants), name
        assert any(c.get("value") == "sv" for v in variants for c in v.get("condition") or []), name
