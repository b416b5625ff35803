"""Patches `rasa.core.actions.action.RemoteAction.run`.

Rasa 3.6 catches every Exception of a custom action call and saves the tracker with the
action's events lost; no setting or component sits around the call. The replacement is
Rasa's own outside `deliver`, and inside it turns an action server that is down,
failing or slow into `ActionServerUnavailable` (bot/channels/action_guard.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.actions.action import RemoteAction

from bot.channels.action_guard import run_guarded
from bot.rasa_patches.patching import Patch


def guarded(rasas_own: Callable[..., Any]) -> Callable[..., Any]:
    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        return await run_guarded(rasas_own, self, *args, **kwargs)

    return run


PATCH = Patch("rasa.core.actions.action", "RemoteAction", "run", guarded)
