"""Suspensions: the page (recent ones, or one user's with their abuse evidence),
suspending a user, lifting a suspension early."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import banners
from bot.console.banners import Refusal
from bot.console.forms import desk_of, flash_redirect, form, refused
from bot.console.request_context import render, run_sync
from bot.console.ticket_pages import ABUSE_LIMIT
from bot.desk import DeskError
from bot.desk.clock import utc_now
from bot.desk.models import SUSPENSION_CATEGORIES

logger = logging.getLogger(__name__)

MAX_SUSPENSION_DAYS = 365


def register(app: Sanic) -> None:
    app.add_route(suspensions_page, "/suspensions", methods=["GET"])
    app.add_route(suspend, "/suspensions", methods=["POST"])
    app.add_route(lift, "/suspensions/lift", methods=["POST"])


async def suspensions_page(request: Request) -> HTTPResponse:
    desk = desk_of(request)
    user = (request.args.get("user") or "").strip()
    abuse = None
    if user:
        rows = await run_sync(desk.suspensions_for_user, user)
        abuse = await run_sync(desk.abuse_evidence, user, ABUSE_LIMIT)
    else:
        rows = await run_sync(desk.recent_suspensions)
    return render(
        request,
        "suspensions.html",
        abuse_evidence=abuse,
        abuse_limit=ABUSE_LIMIT,
        suspensions=rows,
        user=user,
        categories=SUSPENSION_CATEGORIES,
        now=utc_now(),
        **banners.banners(request.args),
    )


def _message_ids(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text) if part][:100]


async def suspend(request: Request) -> HTTPResponse:
    user = form(request, "user", 255)
    back = f"/suspensions?{urlencode({'user': user})}" if user else "/suspensions"
    try:
        if not user:
            raise Refusal("user_needed")
        try:
            hours = float(form(request, "hours", 16))
        except ValueError:
            raise Refusal("hours_not_a_number") from None
        if not 0 < hours <= MAX_SUSPENSION_DAYS * 24:  # also refuses nan and inf
            raise Refusal("hours_out_of_range")
        category = form(request, "category", 32)
        if category not in SUSPENSION_CATEGORIES:
            raise Refusal("category_needed")
        details = form(request, "reason")
        reason = category.replace("_", " ") + (f": {details}" if details else "")
        evidence = {
            "message_ids": _message_ids(form(request, "message_ids")),
            "text": form(request, "evidence"),
        }
        await run_sync(
            desk_of(request).suspend,
            user,
            hours,
            reason,
            request.ctx.agent.name,
            category=category,
            evidence=evidence,
        )
    except (DeskError, ValueError, Refusal) as exc:
        return refused(back, exc)
    return flash_redirect(back, "suspended")


async def lift(request: Request) -> HTTPResponse:
    user = form(request, "user", 255)
    back = f"/suspensions?{urlencode({'user': user})}"
    try:
        info = await run_sync(desk_of(request).lift, user, request.ctx.agent.name)
    except (DeskError, ValueError) as exc:
        return refused(back, exc)
    if info is None:
        return flash_redirect(back, "no_active_suspension", error=True)
    return flash_redirect(back, "suspension_lifted")
