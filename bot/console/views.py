"""Pages and form actions: sign-in, queue, ticket, suspensions."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import macros
from bot.console import auth, banners, csrf, resolutions, roles
from bot.console.banners import Refusal, error_key
from bot.console.request_context import render, run_sync, set_session, words
from bot.console.texts import N_
from bot.desk import CATEGORIES, DeskError, TicketNotFound, format_ticket_ref, parse_ticket_ref
from bot.desk.clock import utc_now
from bot.desk.models import SUSPENSION_CATEGORIES, TICKET_STATUSES
from bot.desk.records import to_plain
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)

DECISIONS = {"uphold": "upheld", "lift": "lifted"}
MAX_SUSPENSION_DAYS = 365
MAX_TEXT = 2000
ABUSE_LIMIT = 100  # evidence rows shown per user, newest first


def register(app: Sanic) -> None:
    app.add_route(index, "/", methods=["GET"])
    app.add_route(login_page, "/login", methods=["GET"])
    app.add_route(login, "/login", methods=["POST"])
    app.add_route(logout, "/logout", methods=["POST"])
    app.add_route(queue_page, "/queue", methods=["GET"])
    app.add_route(queue_api, "/api/queue", methods=["GET"])
    app.add_route(claim_next, "/queue/claim-next", methods=["POST"])
    app.add_route(ticket_page, "/tickets/<ref>", methods=["GET"])
    app.add_route(ticket_action, "/tickets/<ref>/<action>", methods=["POST"])
    app.add_route(suspensions_page, "/suspensions", methods=["GET"])
    app.add_route(suspend, "/suspensions", methods=["POST"])
    app.add_route(lift, "/suspensions/lift", methods=["POST"])


def desk_of(request: Request) -> Any:
    return request.app.ctx.desk


def form(request: Request, name: str, limit: int = MAX_TEXT) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def flash_redirect(to: str, key: str, error: bool = False) -> HTTPResponse:
    """Redirect after POST; the outcome travels in the query string as a key of
    bot.console.banners (no JS, no store, and no text a link could forge)."""
    kind = banners.ERROR if error else banners.OK
    if key not in kind:
        raise KeyError(f"no {'error' if error else 'ok'} banner {key!r}")
    sep = "&" if "?" in to else "?"
    return response.redirect(f"{to}{sep}{urlencode({'error' if error else 'ok': key})}")


def refused(to: str, exc: Exception) -> HTTPResponse:
    """Back to the page with the banner for an expected failure; the detail is logged."""
    key = error_key(exc)
    log_event(logger, "console_action_refused", banner=key, detail=str(exc))
    return flash_redirect(to, key, error=True)


def client_address(request: Request) -> str:
    """The peer's address. Forwarded-for headers count only when the operator configures
    Sanic's proxy settings, so a client cannot pick a fresh address per attempt."""
    return request.remote_addr or request.ip or "unknown"


# -- sign-in ---------------------------------------------------------------------------


async def index(request: Request) -> HTTPResponse:
    return response.redirect("/queue")


async def login_page(request: Request) -> HTTPResponse:
    if request.ctx.agent is not None:
        return response.redirect("/queue")
    return render(request, "login.html", error=None)


WRONG_PASSWORD = N_("Wrong name or password.")
TOO_MANY_ATTEMPTS = N_(
    "Too many sign-in attempts for this account or from this address. "
    "Sign-in is paused: try again in {minutes} minutes."
)


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


# -- queue -----------------------------------------------------------------------------


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


# -- ticket ----------------------------------------------------------------------------


async def ticket_page(request: Request, ref: str) -> HTTPResponse:
    desk = desk_of(request)
    try:
        detail = await run_sync(desk.get_ticket, ref)
    except (TicketNotFound, ValueError):
        return render(request, "error.html", status=404, problem="There is no such ticket.")
    ticket = detail.ticket
    suspension = await run_sync(desk.active_suspension, ticket.user_id)
    earlier = [
        t for t in await run_sync(desk.tickets_for_user, ticket.user_id) if t.id != ticket.id
    ]
    transcript = await run_sync(request.app.ctx.tracker.read, ticket.user_id)
    abuse = await run_sync(desk.abuse_evidence, ticket.user_id, ABUSE_LIMIT)
    return render(
        request,
        "ticket.html",
        can_decide=resolutions.can_decide(ticket, suspension),
        resolutions=resolutions.resolutions_for(ticket),
        reassign_to=(
            [a for a in await run_sync(desk.list_agents) if not a.disabled]
            if roles.is_lead(request.ctx.agent) and ticket.assignee else []),
        abuse_evidence=abuse,
        abuse_limit=ABUSE_LIMIT,
        flagged_ids={e.message_id for e in abuse if e.message_id},
        ticket=ticket,
        reports=detail.reports,
        events=detail.events,
        suspension=suspension,
        earlier=earlier,
        transcript=transcript,
        now=utc_now(),
        ask_macros=macros.of_kind("ask"),
        reason_macros=macros.of_kind("reason"),
        **banners.banners(request.args),
    )


async def ticket_action(request: Request, ref: str, action: str) -> HTTPResponse:
    desk, agent = desk_of(request), request.ctx.agent.name
    try:
        ticket_id = parse_ticket_ref(ref)
    except ValueError:
        return render(request, "error.html", status=404, problem="There is no such ticket.")
    page = f"/tickets/{format_ticket_ref(ticket_id)}"
    try:
        if action == "claim":
            await run_sync(desk.claim, ticket_id, agent)
            key = "claimed"
        elif action == "release":
            await run_sync(desk.release, ticket_id, agent)
            key = "released"
        elif action == "note":
            note = form(request, "note", 10_000)
            if not note:
                raise Refusal("note_needed")
            await run_sync(desk.add_note, ticket_id, note, agent)
            key = "noted"
        elif action == "status":
            status = form(request, "status", 32)
            if status == "resolved":
                t = await run_sync(
                    desk.resolve, ticket_id, "resolved", form(request, "note"), agent,
                    None, form(request, "reason", 64) or None,
                )
                await _notify(request, t.user_id)
            else:
                t = await run_sync(desk.set_status, ticket_id, status, agent)
            key = f"status_{t.status}"
        elif action == "decide":
            detail = await run_sync(desk.get_ticket, ticket_id)
            suspension = await run_sync(desk.active_suspension, detail.ticket.user_id)
            if not resolutions.can_decide(detail.ticket, suspension):
                raise Refusal("decision_not_applicable")
            outcome = DECISIONS.get(form(request, "decision", 16))
            if outcome is None:
                raise Refusal("choose_decision")
            note = form(request, "note")
            if not note:
                raise Refusal("decision_needs_note")
            t = await run_sync(desk.resolve, ticket_id, outcome, note, agent, None,
                               form(request, "reason", 64) or None)
            await _notify(request, t.user_id)
            key = "appeal_lifted" if outcome == "lifted" else "appeal_upheld"
        elif action == "resolve":
            ticket = (await run_sync(desk.get_ticket, ticket_id)).ticket
            chosen = resolutions.find(ticket, form(request, "resolution", 32))
            if chosen is None:
                raise Refusal("choose_resolution")
            note = form(request, "note")
            t = await run_sync(
                desk.resolve, ticket_id, "resolved",
                f"{chosen.label}: {note}" if note else chosen.label, agent, None,
                _told_reason(form(request, "reason", 64), chosen.reason),
            )
            await _notify(request, t.user_id)
            key = "resolved"
        elif action == "ask":
            # The user never chats with staff: one question, through the bot.
            text, macro = form(request, "question"), form(request, "macro", 64)
            if bool(text) == bool(macro):
                raise Refusal("question_needed")
            t = await run_sync(desk.ask_user, ticket_id, agent, text or None, macro or None)
            await _notify(request, t.user_id)
            key = "asked"
        else:
            return render(request, "error.html", status=404, problem="Unknown action.")
    except TicketNotFound:
        return render(request, "error.html", status=404, problem="There is no such ticket.")
    except (DeskError, ValueError, Refusal) as exc:
        return refused(page, exc)
    return flash_redirect(page, key)


def _told_reason(picked: str, fitting: str | None) -> str | None:
    """The reason macro the user hears: the agent's pick, "-" for none, else the one
    that fits the resolution."""
    if picked == "-":
        return None
    return picked or fitting


async def _notify(request: Request, user_id: str) -> None:
    """Show the user the decision or question on an open chat page (best effort, off the
    loop); else the bot tells it at their next message."""
    notify = request.app.ctx.notify
    if notify is None:
        return
    try:
        await run_sync(notify, user_id)
    except Exception:  # the decision is stored; the bot tells the user at their next message
        logger.exception("could not push the ticket update to %s", user_id)


# -- suspensions -----------------------------------------------------------------------


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
