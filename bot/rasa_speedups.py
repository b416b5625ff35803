"""Work Rasa 3.6 repeats on every message that only needs doing once.

Both patches are installed by the delivery service when Rasa starts (`install`).

`RemoteAction._validate_action_result` calls `jsonschema.validate()` on each reply of the
action server: that checks the (constant) schema against its meta-schema and builds a new
validator every time, ~60 ms of CPU per call on this machine and ~45 % of the Rasa
process's time per message in `make bench` (bench/results/profile.md). Here the
validator is built once; a reply that fails still goes through Rasa's own code, so its
error message and behaviour are unchanged.

`Event.resolve_by_type`, called for every event read back from the tracker store or
received from the action server, walks all Event subclasses with `inspect.isabstract`
each time (~2.5 % of Rasa's time per message in the profile); the answers are kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema)


def install() -> None:
    """Patch Rasa once per process (idempotent)."""
    _install_event_lookup()
    if getattr(RemoteAction._validate_action_result, "_supportbot", False):
        return
    rasas_own = RemoteAction._validate_action_result

    def validate_with_cached_validator(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            _action_result_validator().validate(result)
        except ValidationError:
            return rasas_own(self, result)  # raises with Rasa's message
        return True

    validate_with_cached_validator._supportbot = True  # type: ignore[attr-defined]
    validate_with_cached_validator._rasas_own = rasas_own  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_with_cached_validator  # type: ignore[method-assign]


def _install_event_lookup() -> None:
    if getattr(Event.resolve_by_type, "_supportbot", False):
        return
    rasas_own = Event.resolve_by_type
    known: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None
                        ) -> type[Event] | None:
        found = known.get(type_name)
        if found is None:
            found = rasas_own(type_name, default)  # unknown names: Rasa's own answer
            if found is not None and found is not default:
                known[type_name] = found
        return found

    resolve_by_type._supportbot = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
