"""Managing agents (leads only): the list, disable and enable, a password reset, the
role; and reassigning a held ticket.

A reset gives the agent a one-time password, shown to the lead once on the page that
answers the reset (never stored, never in a URL); it opens only the page that sets a new
password, and every session of the agent ends at once. Handing over a random password
instead of mailing a link is the simplest secure variant: the console sends no e-mail
to agents, and the lead passes it on as they would a new colleague's first password.
"""

from __future__ import annotations

import logging
import secrets

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import auth, banners
from bot.console.banners import Refusal
from bot.console.forms import desk_of, flash_redirect, form, refused
from bot.console.request_context import render, run_sync
from bot.console.roles import lead_only
from bot.desk import DeskError, format_ticket_ref, parse_ticket_ref
from bot.desk.models import AGENT_ROLES
from bot.logs import log_event

logger = logging.getLogger(__name__)

ONE_TIME_PASSWORD_BYTES = 12  # 16 URL-safe characters, 96 bits


def register(app: Sanic) -> None:
    app.add_route(agents_page, "/agents", methods=["GET"])
    app.add_route(agent_action, "/agents/<name>/<action>", methods=["POST"])
    app.add_route(reassign, "/tickets/<ref>/reassign", methods=["POST"])


async def _agents_page(request: Request, status: int = 200, **extra: object) -> HTTPResponse:
    agents = await run_sync(desk_of(request).list_agents)
    return render(request, "agents.html", status=status, agents=agents, roles=AGENT_ROLES,
                  **{**banners.banners(request.args), **extra})


@lead_only
async def agents_page(request: Request) -> HTTPResponse:
    return await _agents_page(request)


@lead_only
async def agent_action(request: Request, name: str, action: str) -> HTTPResponse:
    desk, lead = desk_of(request), request.ctx.agent.name
    try:
        if name == lead and action in ("disable", "role"):
            raise Refusal("not_yourself")  # a lead cannot lock the last door behind them
        if action == "disable":
            await run_sync(desk.set_agent_disabled, name, True)
            key = "agent_disabled"
        elif action == "enable":
            await run_sync(desk.set_agent_disabled, name, False)
            key = "agent_enabled"
        elif action == "role":
            role = form(request, "role", 16)
            if role not in AGENT_ROLES:
                raise Refusal("not_accepted")
            await run_sync(desk.set_agent_role, name, role)
            key = "role_changed"
        elif action == "reset":
            once = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
            await run_sync(desk.reset_agent_password, name,
                           await run_sync(auth.hash_password, once))
            log_event(logger, "console_password_reset", account=name, by=lead)
            # Shown in this answer only: no redirect, so it is in no URL and no history.
            return await _agents_page(request, one_time=(name, once))
        else:
            return render(request, "error.html", status=404, problem="Unknown action.")
    except (DeskError, ValueError, Refusal) as exc:
        return refused("/agents", exc)
    log_event(logger, "console_agent_changed", account=name, by=lead, action=action)
    return flash_redirect("/agents", key)


@lead_only
async def reassign(request: Request, ref: str) -> HTTPResponse:
    try:
        ticket_id = parse_ticket_ref(ref)
    except ValueError:
        return render(request, "error.html", status=404, problem="There is no such ticket.")
    page = f"/tickets/{format_ticket_ref(ticket_id)}"
    to_agent = form(request, "agent", 255)
    try:
        if not to_agent:
            raise Refusal("choose_agent")
        await run_sync(desk_of(request).reassign, ticket_id, to_agent, request.ctx.agent.name)
    except (DeskError, ValueError, Refusal) as exc:
        return refused(page, exc)
    return flash_redirect(page, "reassigned")
