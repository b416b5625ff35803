"""The cached validator of action-server replies accepts and refuses what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}
BAD = {"events": [{"no_event_key": True}], "responses": "not a list"}


def test_patched_validation_agrees_with_rasa():
    # Another test may already have loaded the agent (which installs the patch), so
    # Rasa's original is taken from the patch rather than from the class.
    action = RemoteAction("action_x", None)
    rasa_speedups.install()
    rasa_speedups.install()  # idempotent: one patch, not two layers
    patched = RemoteAction._validate_action_result
    rasas_own = patched._rasas_own
    assert patched._supportbot and not getattr(rasas_own, "_supportbot", False)
    assert patched(action, GOOD) is rasas_own(action, GOOD) is True
    for validate in (patched, rasas_own):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            validate(action, BAD)


def test_event_lookup_gives_rasas_answers():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    rasa_speedups.install()
    assert Event.resolve_by_type._supportbot
    for _ in range(2):  # the second round comes from the kept answers
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    parsed = Event.from_parameters({"event": "slot", "name": "language", "value": "sv"})
    assert parsed == SlotSet("language", "sv")
