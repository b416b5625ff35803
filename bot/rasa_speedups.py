"""Work Rasa 3.6 repeats on every message that only needs doing once.

`RemoteAction._validate_action_result` calls `jsonschema.validate()` on each reply of the
action server: that checks the (constant) schema against its meta-schema and builds a new
validator every time, ~60 ms of CPU per call on this machine and ~45 % of the Rasa
process's time per message in `make bench` (bench/results/profile.md). Here the
validator is built once; a reply that fails still goes through Rasa's own code, so its
error message and behaviour are unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema)


def install() -> None:
    """Patch RemoteAction once per process (idempotent)."""
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
