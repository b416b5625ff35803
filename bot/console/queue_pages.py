"""The queue: its page, its JSON for scripts, and Claim next; filters, search
and paging (the live updates: live.py)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import banners
from bot.console.forms import desk_of, flash_redirect, refused
from bot.console.request_context import render, run_sync
from bot.desk import CATEGORIES, DeskError
from bot.desk.clock import utc_now
from bot.desk.models import TICKET_STATUSES
from bot.desk.records import to_plain
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)


def register(app: Sanic) -> None:
    app.add_route(queue_page, "/queue", methods=["GET"])
    app.add_route(queue_api, "/api/queue", methods=["GET"])
    app.add_route(claim_next, "/queue/claim-next", methods=["POST"])


def _queue_filters(request: Request) -> dict[str, str | None]:
    status = request.args.get("status") or None
    category = request.args.get("category") or None
    assignee = (request.args.get("assignee") or "").strip() or None
    if status not in (None, "all", *TICKET_STATUSES):
        status = None
    if category not in (None, *CATEGORIES):
        category = None
    return {"status": status, "category": category, "assignee": assignee}


def queue_query(request: Request) -> dict[str, Any]:
    """The filters, the search (a ticket number or an account id) and the page asked for."""
    try:
        page = max(1, min(int(request.args.get("page") or 1), 100_000))
    except ValueError:
        page = 1
    search = (request.args.get("q") or "").strip()[:255] or None
    return {**_queue_filters(request), "search": search, "page": page,
            "page_size": get_settings().console.queue_page_size}


def page_link(filters: dict[str, Any], page: int) -> str:
    kept = {k: v for k, v in filters.items()
            if k in ("status", "category", "assignee") and v}
    if filters.get("search"):
        kept["q"] = filters["search"]
    return "/queue?" + urlencode({**kept, "page": page})


async def queue_page(request: Request) -> HTTPResponse:
    filters = queue_query(request)
    found = await run_sync(desk_of(request).queue_page, **filters)
    return render(
        request,
        "queue.html",
        tickets=found.tickets,
        found=found,
        page_link=page_link,
        filters=filters,
        statuses=TICKET_STATUSES,
        categories=CATEGORIES,
        now=utc_now(),
        **banners.banners(request.args),
    )


async def queue_api(request: Request) -> HTTPResponse:
    """One page of tickets; X-Total-Count and X-Pages say how many there are."""
    found = await run_sync(desk_of(request).queue_page, **queue_query(request))
    return response.json(to_plain(found.tickets), headers={
        "X-Total-Count": str(found.total), "X-Page": str(found.page),
        "X-Pages": str(found.pages)})


async def claim_next(request: Request) -> HTTPResponse:
    """Take the most pressing unclaimed open ticket (priority, then response due time);
    two agents pressing at once get different tickets (bot/desk/queue.py)."""
    agent = request.ctx.agent.name
    try:
        ticket = await run_sync(desk_of(request).claim_next, agent)
    except (DeskError, ValueError) as exc:
        return refused("/queue", exc)
    if ticket is None:
        return flash_redirect("/queue", "queue_empty", error=True)
    log_event(logger, "console_claim_next", account=agent, ticket=ticket.reference)
    return flash_redirect(f"/tickets/{ticket.reference}", "claimed")
