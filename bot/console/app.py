"""The console's app factory and its request pipeline: body limit, session, sign-in gate,
CSRF, security headers."""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.alerts.worker import AlertWorker
from bot.console import (
    account_pages,
    agent_pages,
    auth,
    csrf,
    filters,
    live,
    queue_pages,
    signin_pages,
    suspension_pages,
    ticket_pages,
    training,
)
from bot.console.headers import NO_STORE, SECURITY_HEADERS
from bot.console.request_context import live_agent, run_sync, set_session
from bot.console.sessions import SessionStore
from bot.console.throttle import SignInThrottle
from bot.console.transcript import TrackerReader, tracker_db_url
from bot.desk import Desk

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PUBLIC_PATHS = ("/login", "/static/")
RESET_PATHS = ("/password", "/logout", "/static/")
# The largest form is a ticket note (10,000 characters, up to 9 bytes each once
# URL-encoded) and a few fields; anything bigger is refused before it is read.
MAX_BODY_BYTES = 128 * 1024
Notifier = Callable[[str], Any]


def create_app(
    desk: Desk,
    secret_key: str,
    *,
    tracker_url: str | None = None,
    notify: Notifier | None = None,
    secure_cookies: bool = False,
    throttle: SignInThrottle | None = None,
    alerts: AlertWorker | None = None,
) -> Sanic:
    """A console app on `desk`. `notify(user_id)` is called after a decision (default:
    bot.notify.push_ticket_update when that module exists); `throttle` counts sign-in
    attempts (default: from the SUPPORTBOT_CONSOLE_* environment); `alerts` runs in the
    background while the app serves."""
    if not secret_key:
        raise ValueError("the console needs a secret key")
    app = Sanic(f"supportbot_console_{uuid.uuid4().hex[:8]}")
    app.config.FORWARDED_SECRET = None
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.ctx.desk = desk
    app.ctx.secret_key = secret_key
    app.ctx.secure_cookies = secure_cookies
    app.ctx.sessions = SessionStore(desk.engine, timedelta(seconds=auth.SESSION_MAX_AGE_S))
    app.ctx.throttle = throttle if throttle is not None else SignInThrottle.from_env()
    app.ctx.tracker = TrackerReader(tracker_url or tracker_db_url())
    app.ctx.notify = notify if notify is not None else _default_notifier()
    app.ctx.templates = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app.ctx.templates.filters.update(filters.FILTERS)
    app.static("/static", str(HERE / "static"), name="static")

    app.signal("http.lifecycle.exception")(_mark_failed)
    app.error_handler.add(PayloadTooLarge, _too_large)
    app.register_middleware(_load_session, "request")
    app.register_middleware(_save_session, "response")
    app.register_middleware(_security_headers, "response")

    signin_pages.register(app)
    queue_pages.register(app)
    ticket_pages.register(app)
    suspension_pages.register(app)
    live.register(app)
    agent_pages.register(app)
    account_pages.register(app)
    training.register(app)
    if alerts is not None:
        # The console is the one long-running process every deployment has, on the desk,
        # once: it sends the alerts too (bot/alerts; `python -m bot.alerts` instead).
        app.listener("after_server_start")(lambda app, _loop: alerts.start())
        app.listener("before_server_stop")(lambda app, _loop: alerts.stop())

    @app.listener("after_server_stop")
    async def _close(app: Sanic, _loop: Any) -> None:
        app.ctx.tracker.close()

    return app


def _default_notifier() -> Notifier | None:
    try:
        module = importlib.import_module("bot.notify")
    except ImportError:
        return None
    return getattr(module, "push_ticket_update", None)


# -- middleware ------------------------------------------------------------------------


async def _mark_failed(request: Request, exception: BaseException) -> None:
    request.ctx.failed = True


async def _too_large(request: Request, exception: BaseException) -> HTTPResponse:
    return response.text(
        f"Request too large: the console takes at most {MAX_BODY_BYTES // 1024} KB. "
        "Shorten the text and try again.",
        status=413,
    )


async def _load_session(request: Request) -> HTTPResponse | None:
    # Sanic runs request middleware again before its error handler; its answer (the
    # 413 for a body over the limit, a 404) must not become a CSRF 403 or a redirect.
    if getattr(request.ctx, "failed", False):
        return None
    app = request.app
    session = auth.load_session(request.cookies.get(auth.SESSION_COOKIE), app.ctx.secret_key)
    request.ctx.session = session or {}
    request.ctx.session_changed = False
    request.ctx.agent = None
    name, token = request.ctx.session.get("agent"), request.ctx.session.get("sid")
    if isinstance(name, str) and isinstance(token, str):
        request.ctx.agent = await run_sync(live_agent, app, name, token)
        if request.ctx.agent is None:
            # Signed out, expired or disabled: the cookie is worth nothing, drop it.
            set_session(request, {})
    elif "agent" in request.ctx.session:
        set_session(request, {})  # a signed-in cookie from before server-side sessions
    if request.method == "POST" and not csrf.is_valid(
        request.ctx.session, (request.form or {}).get(csrf.FIELD)
    ):
        return response.text(
            "Forbidden: this form has no valid CSRF token. Reload the page and try again.",
            status=403,
        )
    if request.ctx.agent is None and not request.path.startswith(PUBLIC_PATHS):
        if request.path.startswith("/api/"):
            return response.json({"error": "sign in first"}, status=401)
        return response.redirect("/login")
    if (request.ctx.agent is not None and request.ctx.agent.must_change_password
            and not request.path.startswith(RESET_PATHS)):
        # A one-time password from a lead's reset opens only the page that replaces it.
        if request.path.startswith("/api/"):
            return response.json({"error": "set a new password first"}, status=403)
        return response.redirect(account_pages.PASSWORD_PATH)
    return None


async def _security_headers(request: Request, resp: HTTPResponse) -> None:
    for header, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(header, value)
    if not request.path.startswith("/static/"):
        resp.headers["Cache-Control"] = NO_STORE


async def _save_session(request: Request, resp: HTTPResponse) -> None:
    if not getattr(request.ctx, "session_changed", False):
        return
    session = request.ctx.session
    if session:
        resp.cookies[auth.SESSION_COOKIE] = auth.sign_session(session, request.app.ctx.secret_key)
        cookie = resp.cookies[auth.SESSION_COOKIE]
        cookie["max-age"] = auth.SESSION_MAX_AGE_S
    else:
        resp.cookies[auth.SESSION_COOKIE] = ""
        cookie = resp.cookies[auth.SESSION_COOKIE]
        cookie["max-age"] = 0
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["samesite"] = "Lax"
    if request.app.ctx.secure_cookies:
        cookie["secure"] = True
