"""The cached validator of action-server replies accepts and refuses what Rasa's does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]}
BAD = {"events": [{"no_event_key": True}], "responses": "not a list"}


def test_patched_validation_agrees_with_rasa():
    action = RemoteAction("action_x", None)
    rasas_own = RemoteAction._validate_action_result
    rasa_speedups.install()
    rasa_speedups.install()  # idempotent: one patch, not two layers
    patched = RemoteAction._validate_action_result
    assert patched is not rasas_own and patched._supportbot
    assert patched(action, GOOD) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        patched(action, BAD)
