"""A ticket: its page and every action on it (claim, release, note, status,
decide an appeal, resolve, ask the user)."""

from __future__ import annotations

import logging

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import macros
from bot.console import banners, resolutions, roles
from bot.console.banners import Refusal
from bot.console.forms import desk_of, flash_redirect, form, refused
from bot.console.request_context import render, run_sync
from bot.desk import DeskError, TicketNotFound, format_ticket_ref, parse_ticket_ref
from bot.desk.clock import utc_now

logger = logging.getLogger(__name__)

DECISIONS = {"uphold": "upheld", "lift": "lifted"}
ABUSE_LIMIT = 100  # evidence rows shown per user, newest first


def register(app: Sanic) -> None:
    app.add_route(ticket_page, "/tickets/<ref>", methods=["GET"])
    app.add_route(ticket_action, "/tickets/<ref>/<action>", methods=["POST"])


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
