"""Counting Rasa's events, shaped as Rasa's tracker store publishes them to a broker:
{"sender_id": ...} plus the event's as_dict() (rasa.core.tracker_store)."""

from __future__ import annotations

import json

from prometheus_client import CollectorRegistry
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.metrics.events import EventMetrics, label


def published(event, sender: str = "acct-ev-1") -> bytes:
    return json.dumps({"sender_id": sender, **event.as_dict()}).encode()


def user(text: str, intent: str, channel: str = "rest", **metadata) -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9},
                       parse_data={"intent": {"name": intent, "confidence": 0.9},
                                   "entities": [], "text": text},
                       input_channel=channel, metadata=metadata or None)


def test_messages_fallbacks_and_event_types_are_counted():
    registry = CollectorRegistry()
    metrics = EventMetrics(registry)
    for event in [
        user("hi", "greet"),
        ActionExecuted("utter_greet"),
        BotUttered("Hello"),
        user("blorf", "nlu_fallback", channel="socketio"),
        ActionExecuted("utter_default"),
        ActionExecuted("action_default_fallback"),
        SlotSet("language", "en"),
        # An agent's decision pushed in with trigger_intent: not a user message.
        UserUttered("EXTERNAL: EXTERNAL_ticket_update", intent={"name": "EXTERNAL_ticket_update"},
                    metadata={"is_external": True}),
    ]:
        metrics.count(published(event))
    metrics.count(b"not json")
    metrics.count(b'{"no": "event"}')

    def get(name: str, **labels: str) -> float:
        return registry.get_sample_value(name, labels) or 0.0

    assert get("supportbot_user_messages_total", channel="rest") == 1
    assert get("supportbot_user_messages_total", channel="socketio") == 1
    assert get("supportbot_fallbacks_total", kind="nlu") == 1
    assert get("supportbot_fallbacks_total", kind="core") == 1
    assert get("supportbot_events_total", event="user") == 3
    assert get("supportbot_events_total", event="action") == 3
    assert get("supportbot_events_total", event="slot") == 1
    assert get("supportbot_events_malformed_total") == 2
    # Sender ids never become labels.
    assert not any("acct-ev" in str(s.labels) for f in registry.collect() for s in f.samples)


def test_labels_from_events_stay_short_identifiers():
    assert label("rest") == "rest" and label(None) == "none" and label("") == "none"
    assert label("x" * 41) == "other" and label("a b") == "other" and label(7) == "other"
