"""The guard around Rasa's remote actions, active only for turns `deliver` runs.

Rasa 3.6 catches every Exception of a custom action call (processor._run_action,
ActionExtractSlots._run_custom_action), logs it and saves the tracker with the action's
events lost. Inside `deliver` a call that cannot reach the action server, gets a 5xx or
takes longer than SUPPORTBOT_ACTION_TIMEOUT raises `ActionServerUnavailable` instead: a
BaseException, so it passes Rasa's handlers and aborts the turn before `save_tracker`.
Rasa offers no seam around a remote action's call: `run_guarded` is installed in place
of `RemoteAction.run` by bot/rasa_patches/action_guard.py.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.settings import get_settings

if TYPE_CHECKING:  # importing Rasa's actions imports TensorFlow: seconds of CPU
    from rasa.core.actions.action import RemoteAction


def action_timeout() -> float:
    """Seconds one action call of a turn may take (SUPPORTBOT_ACTION_TIMEOUT)."""
    return get_settings().actions.timeout


class ActionServerUnavailable(BaseException):  # noqa: N818 - a signal, like CancelledError
    """Aborts the turn: BaseException, so Rasa's `except Exception` lets it through."""

    def __init__(self, kind: str, action: str) -> None:
        super().__init__(f"{action}: action server {kind}")
        self.kind = kind  # "down" (no connection), "error" (5xx), "slow" (timeout)


_guarded: contextvars.ContextVar[bool] = contextvars.ContextVar("supportbot_guarded",
                                                                default=False)


def _unavailable_kind(error: BaseException) -> str | None:
    """Why an action call failed when the action server is at fault; None otherwise."""
    # Imported here: a call of RemoteAction.run has imported them already.
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.utils.endpoints import ClientResponseError

    if isinstance(error, ActionExecutionRejection):
        return None  # the action server answered: a form rejected the input
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ClientResponseError):
        return "error" if cause.status >= 500 else None
    if isinstance(cause, aiohttp.ClientConnectionError):
        return "down"
    if isinstance(cause, (aiohttp.ClientError, asyncio.TimeoutError)):
        return "error"
    return None


async def run_guarded(rasas_own: Callable[..., Awaitable[Any]], action: RemoteAction,
                      *args: Any, **kwargs: Any) -> Any:
    """`RemoteAction.run` as bot/rasa_patches/action_guard.py installs it: Rasa's own,
    except inside `deliver`, where an unavailable action server aborts the turn."""
    if not _guarded.get():
        return await rasas_own(action, *args, **kwargs)
    try:
        return await asyncio.wait_for(rasas_own(action, *args, **kwargs), action_timeout())
    except asyncio.TimeoutError as error:
        raise ActionServerUnavailable("slow", action.name()) from error
    except Exception as error:
        kind = _unavailable_kind(error)
        if kind is None:
            raise
        raise ActionServerUnavailable(kind, action.name()) from error


def guard_this_turn() -> None:
    """Guard the remote actions run from the current task's context on."""
    _guarded.set(True)
