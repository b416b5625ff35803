"""What each role may do in the console.

`agent` works tickets and suspensions. `lead` also manages agents (list, disable,
enable, reset passwords, change roles) and reassigns held tickets. Being a trainer is a
flag any role may hold (agents.trainer), not a role. Everyone else gets 403.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.request_context import render
from bot.logs import log_event

logger = logging.getLogger(__name__)

LEAD = "lead"
Handler = Callable[..., Awaitable[HTTPResponse]]


def is_lead(agent: Any) -> bool:
    return agent is not None and agent.role == LEAD


def forbidden(request: Request) -> HTTPResponse:
    agent = request.ctx.agent
    log_event(logger, "console_forbidden", logging.WARNING,
              account=getattr(agent, "name", None), path=request.path)
    return render(request, "error.html", status=403,
                  problem="Only a lead can do this.", title="Forbidden")


def lead_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if not is_lead(request.ctx.agent):
            return forbidden(request)
        return await handler(request, *args, **kwargs)

    return guarded
