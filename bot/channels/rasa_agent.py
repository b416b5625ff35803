"""Rasa's agent in this process, for what a channel needs beyond the message: the
conversation's tracker, the action endpoint."""

from __future__ import annotations

from typing import Any

from sanic import Sanic


def running_agent() -> Any:
    """Rasa's agent in this process (app.ctx.agent), None outside a Rasa server."""
    for name in ("rasa_server", "rasa_core_no_api"):
        try:
            agent = getattr(Sanic.get_app(name).ctx, "agent", None)
        except Exception:  # noqa: BLE001 - SanicException: no such app here
            continue
        if agent is not None:
            return agent
    return None
