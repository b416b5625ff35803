"""Patches `rasa.shared.core.events.Event.resolve_by_type`.

Called for every event read back from the tracker store or received from the action
server, Rasa's own walks all Event subclasses with `inspect.isabstract` each time
(~2.5 % of Rasa's time per message in bench/results/profile.md); the answers are kept.
Names Rasa does not know are asked of Rasa every time, so its errors and defaults stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.shared.core.events import Event

from bot.rasa_patches.patching import Patch


def remembered_lookup(rasas_own: Callable[..., Any]) -> Callable[..., Any]:
    known: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None
                        ) -> type[Event] | None:
        found = known.get(type_name)
        if found is None:
            found = rasas_own(type_name, default)  # unknown names: Rasa's own answer
            if found is not None and found is not default:
                known[type_name] = found
        return found

    return resolve_by_type


PATCH = Patch("rasa.shared.core.events", "Event", "resolve_by_type", remembered_lookup,
              wrap=staticmethod)
