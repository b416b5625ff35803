"""Event classes looked up by name (bot/rasa_patches/event_lookup.py) are the ones
Rasa's own lookup gives, unknown names included."""

from __future__ import annotations

import pytest


def test_event_lookup_gives_rasas_answers():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

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
