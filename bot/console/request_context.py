"""What the request pipeline (app.py) and the views share about one request: its cookie
session, pages rendered with the signed-in agent and CSRF token, and blocking desk calls
run off the event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import csrf, texts
from bot.desk.records import AgentInfo


def set_session(request: Request, data: dict[str, Any]) -> None:
    request.ctx.session = data
    request.ctx.session_changed = True


def csrf_token(request: Request) -> str:
    """The session's token, creating an anonymous session for the sign-in form."""
    token = request.ctx.session.get("csrf")
    if not isinstance(token, str):
        token = csrf.new_token()
        set_session(request, {**request.ctx.session, "csrf": token})
    return token


def words(request: Request) -> dict[str, Any]:
    """The template words (`_`, `lang`, …) in the language of the request's agent."""
    return texts.template_words(
        texts.language_of(request.ctx.agent, request.headers.get("accept-language")))


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    page = request.app.ctx.templates.get_template(template)
    language = words(request)
    for key in ("message", "error", "problem"):  # banner texts are marked, stored English
        if isinstance(context.get(key), str):
            context[key] = language["_"](context[key])
    body = page.render(
        **language,
        live_texts=texts.live_texts,
        agent=request.ctx.agent,
        csrf_field=csrf.FIELD,
        csrf_token=csrf_token(request),
        path=request.path,
        **context,
    )
    return response.html(body, status=status)


async def run_sync(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Desk calls are blocking SQL: run them off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))


def live_agent(app: Sanic, name: str, token: str) -> AgentInfo | None:
    """The agent of a session that exists server-side and is theirs, if still enabled
    (checked on every request, and on every heartbeat of a live stream)."""
    if app.ctx.sessions.agent_of(token) != name:
        return None
    agent = app.ctx.desk.get_agent(name)
    return agent if agent is not None and not agent.disabled else None
