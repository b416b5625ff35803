"""Counting Rasa's events as its pika event broker publishes them (one JSON object each:
`{"sender_id": ..., "event": "user", "parse_data": {"intent": {...}}, ...}`)."""

from __future__ import annotations

import json
import re
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

NLU_FALLBACK_INTENT = "nlu_fallback"  # FallbackClassifier's intent
CORE_FALLBACK_ACTION = "action_default_fallback"  # RulePolicy's core fallback
IS_EXTERNAL = "is_external"  # rasa.shared.core.constants: a trigger_intent push, not a user

# Label values come from the events: keep them to short identifiers so a malformed or
# hostile event cannot create unbounded series. Sender ids are never labels.
_LABEL = re.compile(r"[A-Za-z0-9_]{1,40}")


def label(value: Any, missing: str = "none") -> str:
    if value is None or value == "":
        return missing
    return value if isinstance(value, str) and _LABEL.fullmatch(value) else "other"


class EventMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter("supportbot_events", "Rasa events read from the broker, by type",
                              ["event"], registry=registry)
        self.messages = Counter("supportbot_user_messages",
                                "User messages in Rasa's events (pushed intents excluded)",
                                ["channel"], registry=registry)
        self.fallbacks = Counter("supportbot_fallbacks",
                                 "Fallbacks: nlu (user intent nlu_fallback) and core "
                                 "(action_default_fallback run)", ["kind"], registry=registry)
        self.malformed = Counter("supportbot_events_malformed",
                                 "Broker messages that were not a Rasa event", registry=registry)
        self.connected = Gauge("supportbot_broker_connected",
                               "1 while consuming from RabbitMQ", registry=registry)
        self.disconnects = Counter("supportbot_broker_disconnects",
                                   "Connections to RabbitMQ lost or refused (then retried)",
                                   registry=registry)
        for kind in ("nlu", "core"):  # both series exist from the start, for rate()
            self.fallbacks.labels(kind)

    def count(self, body: bytes) -> None:
        try:
            event = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            self.malformed.inc()
            return
        kind = event["event"]
        self.events.labels(label(kind)).inc()
        if kind == "user":
            self._user(event)
        elif kind == "action" and event.get("name") == CORE_FALLBACK_ACTION:
            self.fallbacks.labels("core").inc()

    def _user(self, event: dict[str, Any]) -> None:
        metadata = event.get("metadata")
        if isinstance(metadata, dict) and metadata.get(IS_EXTERNAL):
            return  # an agent's decision pushed in, not something the user wrote
        self.messages.labels(label(event.get("input_channel"))).inc()
        parse = event.get("parse_data")
        intent = parse.get("intent") if isinstance(parse, dict) else None
        if isinstance(intent, dict) and intent.get("name") == NLU_FALLBACK_INTENT:
            self.fallbacks.labels("nlu").inc()
