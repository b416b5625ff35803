"""Patches `rasa.core.actions.action.RemoteAction._validate_action_result`.

Rasa calls `jsonschema.validate()` on each reply of the action server: that checks the
(constant) schema against its meta-schema and builds a new validator every time, ~60 ms
of CPU per call on this machine and ~45 % of the Rasa process's time per message in
`make bench` (bench/results/profile.md). Here the validators are built once, and each
event is checked against its own type's part of the schema: Rasa's schema lets an event
match exactly one of 23 alternatives (`oneOf`), told apart by a constant `event` name,
so jsonschema tried all 23 per event (0.9 ms for a four-event reply). A reply that fails
still goes through Rasa's own code, so its error message and behaviour are unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches.patching import Patch


class ActionResultValidator:
    """Accepts what Rasa's action-response schema accepts; raises ValidationError for
    anything else (the caller then lets Rasa's own check raise its error)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        item = schema["properties"]["events"]["items"]
        self._by_event: dict[str, Any] = {}
        for branch in item["oneOf"]:
            name = branch["properties"]["event"]["const"]  # KeyError: not this shape
            if name in self._by_event:
                raise ValueError(f"two schemas for event {name!r}")
            self._by_event[name] = _validator(branch)
        # The envelope: everything but the per-event alternatives.
        envelope = copy.deepcopy(schema)
        del envelope["properties"]["events"]["items"]["oneOf"]
        self._envelope = _validator(envelope)

    def validate(self, result: Any) -> None:
        self._envelope.validate(result)
        for event in result.get("events") or []:
            branch = self._by_event.get(event["event"])
            if branch is None:
                raise ValidationError(f"unknown event {event['event']!r}")
            branch.validate(event)


def _validator(schema: dict[str, Any]) -> Any:
    return validators.validator_for(schema)(schema)


@lru_cache(maxsize=1)
def action_result_validator() -> ActionResultValidator:
    return ActionResultValidator(RemoteAction.action_response_format_spec())


def with_cached_validators(rasas_own: Callable[..., bool]) -> Callable[..., bool]:
    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            action_result_validator().validate(result)
        except ValidationError:
            return rasas_own(self, result)  # raises with Rasa's message
        return True

    return validate


PATCH = Patch("rasa.core.actions.action", "RemoteAction", "_validate_action_result",
              with_cached_validators)
