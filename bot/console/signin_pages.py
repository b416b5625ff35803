"""Signing in and out (attempts counted: throttle.py; sessions: sessions.py)."""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth, csrf
from bot.console.forms import desk_of, form
from bot.console.request_context import render, run_sync, set_session, words
from bot.console.texts import N_
from bot.logs import log_event

logger = logging.getLogger(__name__)

WRONG_PASSWORD = N_("Wrong name or password.")
TOO_MANY_ATTEMPTS = N_(
    "Too many sign-in attempts for this account or from this address. "
    "Sign-in is paused: try again in {minutes} minutes."
)


def register(app: Sanic) -> None:
    app.add_route(index, "/", methods=["GET"])
    app.add_route(login_page, "/login", methods=["GET"])
    app.add_route(login, "/login", methods=["POST"])
    app.add_route(logout, "/logout", methods=["POST"])


def client_address(request: Request) -> str:
    """The peer's address. Forwarded-for headers count only when the operator configures
    Sanic's proxy settings, so a client cannot pick a fresh address per attempt."""
    return request.remote_addr or request.ip or "unknown"


async def index(request: Request) -> HTTPResponse:
    return response.redirect("/queue")


async def login_page(request: Request) -> HTTPResponse:
    if request.ctx.agent is not None:
        return response.redirect("/queue")
    return render(request, "login.html", error=None)


async def login(request: Request) -> HTTPResponse:
    name, password = form(request, "name", 255), request.form.get("password") or ""
    address = client_address(request)
    verdict = await request.app.ctx.throttle.attempt(name, address)
    if not verdict.allowed:
        # Refused unchecked: during a lock-out even the right password does not sign in.
        log_event(logger, "console_signin_refused", logging.WARNING, account=name,
                  address=address, reason=f"{verdict.locked}_locked",
                  retry_after_s=verdict.retry_after_s)
        page = render(request, "login.html", status=429,
                      error=words(request)["_"](TOO_MANY_ATTEMPTS).format(
                          minutes=-(-verdict.retry_after_s // 60)))
        page.headers["Retry-After"] = str(verdict.retry_after_s)
        return page
    found = await run_sync(desk_of(request).agent_credentials, name) if name else None
    agent, stored = found if found else (None, None)
    ok = await run_sync(auth.verify_password, stored, password)
    if not ok or agent is None or agent.disabled:
        reason = "disabled" if ok and agent is not None else "wrong_name_or_password"
        log_event(logger, "console_signin_refused", logging.WARNING, account=name,
                  address=address, reason=reason)
        return render(request, "login.html", status=401, error=WRONG_PASSWORD)
    await request.app.ctx.throttle.succeeded(name)
    if auth.needs_rehash(stored):
        await run_sync(desk_of(request).set_agent_password, name, auth.hash_password(password))
    token = await run_sync(request.app.ctx.sessions.start, agent.name)
    log_event(logger, "console_signin", account=agent.name, address=address)
    # A fresh session (and CSRF token) at sign-in: nothing carries over from before.
    set_session(request, {"agent": agent.name, "sid": token, "csrf": csrf.new_token()})
    return response.redirect("/password" if agent.must_change_password else "/queue")


async def logout(request: Request) -> HTTPResponse:
    token = request.ctx.session.get("sid")
    if isinstance(token, str):
        await run_sync(request.app.ctx.sessions.end, token)
    if request.ctx.agent is not None:
        log_event(logger, "console_signout", account=request.ctx.agent.name,
                  address=client_address(request))
    set_session(request, {})
    return response.redirect("/login")
