"""The cached validator of action-server replies (bot/rasa_patches/action_result.py)
accepts and refuses what Rasa's own does."""

from __future__ import annotations

from datetime import datetime

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches.action_result import action_result_validator

GOOD = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}
BAD = {"events": [{"no_event_key": True}], "responses": "not a list"}


def test_patched_validation_agrees_with_rasa():
    action = RemoteAction("action_x", None)
    patched = RemoteAction._validate_action_result
    rasas_own = patched._rasas_own
    assert patched._supportbot and not getattr(rasas_own, "_supportbot", False)
    assert patched(action, GOOD) is rasas_own(action, GOOD) is True
    for validate in (patched, rasas_own):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            validate(action, BAD)


def _events_of_every_kind() -> list[dict]:
    from rasa.shared.core import events as e

    made = [
        e.UserUttered("hej", {"name": "greet", "confidence": 0.9},
                      [{"entity": "asset", "value": "BTC", "start": 0, "end": 3}]),
        e.BotUttered("hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
        e.SlotSet("language", "sv"), e.SlotSet("amount", 0.5), e.SlotSet("x", None),
        e.ActionExecuted("action_listen"), e.ActiveLoop("report_form"), e.ActiveLoop(None),
        e.FollowupAction("utter_greet"), e.Restarted(), e.AllSlotsReset(), e.SessionStarted(),
        e.ReminderScheduled("remind", datetime(2026, 11, 27)), e.ReminderCancelled("remind"),
        e.ActionExecutionRejected("action_x"), e.LoopInterrupted(True), e.UserUtteranceReverted(),
        e.ActionReverted(), e.ConversationPaused(), e.ConversationResumed(), e.StoryExported(),
        e.AgentUttered("hi"), e.EntitiesAdded([{"entity": "asset", "value": "ETH"}]),
    ]
    return [event.as_dict() for event in made]


def _broken(event: dict) -> list[dict]:
    """Variants of a valid event that Rasa's schema may refuse."""
    variants = [{**event, "event": "no_such_event"}, {**event, "timestamp": "yesterday"},
                {k: v for k, v in event.items() if k != "event"}]
    for key in event:
        if key not in ("event", "timestamp"):
            variants += [{**event, key: 12345}, {**event, key: [1, 2]}, {**event, key: None}]
    return variants


def test_every_event_kind_is_judged_as_rasas_schema_judges_it():
    """Per-event validation accepts and refuses exactly what the full schema (23
    alternatives per event) does, for every kind of event, valid and broken."""
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    # What Rasa's `jsonschema.validate(payload, schema)` builds on every call, built once
    # (checking the schema itself was nearly all of this test's time).
    validator_for(schema).check_schema(schema)
    rasas = validator_for(schema)(schema)
    ours = action_result_validator()
    payloads = [{"events": [event], "responses": []} for event in _events_of_every_kind()]
    payloads += [{"events": [bad]} for event in _events_of_every_kind() for bad in _broken(event)]
    payloads += [{"events": "nope"}, {"events": [1]}, {"responses": [{"text": 3}]}, {}]

    def verdict(check, payload) -> bool:
        try:
            check(payload)
        except ValidationError:
            return False
        return True

    verdicts = [(verdict(ours.validate, p), verdict(rasas.validate, p))
                for p in payloads]
    assert [o for o, _ in verdicts] == [r for _, r in verdicts]
    assert sum(r for _, r in verdicts) >= 23 and sum(not r for _, r in verdicts) >= 23
