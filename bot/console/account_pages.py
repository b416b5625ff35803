"""The signed-in agent's own settings: a new password (required after a lead's reset)
and the console's language."""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth
from bot.console.forms import desk_of, flash_redirect, form
from bot.console.request_context import render, run_sync
from bot.i18n import LANGUAGES
from bot.logs import log_event

logger = logging.getLogger(__name__)

PASSWORD_PATH = "/password"


def N_(text: str) -> str:  # noqa: N802 - gettext's mark (bot/console/texts.py)
    return text


WRONG_CURRENT = N_("The current password is wrong.")
TOO_SHORT = N_("The new password needs at least 8 characters.")
DIFFERENT = N_("The two new passwords differ.")
SAME = N_("Choose a password other than the one-time password.")


def register(app: Sanic) -> None:
    app.add_route(password_page, PASSWORD_PATH, methods=["GET"])
    app.add_route(change_password, PASSWORD_PATH, methods=["POST"])
    app.add_route(set_language, "/language", methods=["POST"])


async def password_page(request: Request) -> HTTPResponse:
    return render(request, "password.html", error=None)


async def change_password(request: Request) -> HTTPResponse:
    agent = request.ctx.agent
    current = request.form.get("current") or ""
    new, again = request.form.get("new") or "", request.form.get("again") or ""
    found = await run_sync(desk_of(request).agent_credentials, agent.name)
    stored = found[1] if found else None
    problem = None
    if not await run_sync(auth.verify_password, stored, current):
        problem = WRONG_CURRENT
    elif len(new) < auth.MIN_PASSWORD_CHARS:
        problem = TOO_SHORT
    elif new != again:
        problem = DIFFERENT
    elif new == current:
        problem = SAME
    if problem is not None:
        log_event(logger, "console_password_refused", logging.WARNING, account=agent.name,
                  reason=problem)
        return render(request, "password.html", status=400, error=problem)
    await run_sync(desk_of(request).change_own_password, agent.name,
                   await run_sync(auth.hash_password, new))
    log_event(logger, "console_password_changed", account=agent.name)
    return flash_redirect("/queue", "password_changed")


def _back(target: str) -> str:
    # Only a path on this console: never "//elsewhere" or a full URL.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


async def set_language(request: Request) -> HTTPResponse:
    language = form(request, "language", 8)
    back = _back(form(request, "next", 500))
    if language not in LANGUAGES:
        return response.redirect(back)
    await run_sync(desk_of(request).set_agent_language, request.ctx.agent.name, language)
    return flash_redirect(back, "language_changed")
