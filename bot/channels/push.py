"""Pushing a decision or an agent's question to the user's open chat page, and only there.

Rasa's trigger_intent with output_channel=latest cannot do this: for a REST user it
"sends" into a collecting channel nobody reads, for a socket.io user it emits into the
user's room whether or not a page is in it, and either way the action has marked the
decision told. Here (POST /webhooks/socketio/push, Rasa's token as a Bearer token):

- no page of the user is connected to this instance: nothing runs; the answer is
  {"delivered": false} and the bot tells it at the user's next message;
- a page is open: the turn runs with its replies held back, they are emitted to the
  page, and what they told is marked told then (bot/tells.py); a page closed meanwhile
  leaves it untold.

With several instances (SUPPORTBOT_SOCKETIO_REDIS_URL) only sockets on this instance are
seen, so a push that lands on another one is told at the next message: late, never lost.
A page that connects again is told what waits for it at once (`tell_on_connect`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import tells
from bot.channels.buffered_output import BufferedOutput
from bot.channels.delivery import delivery
from bot.desk.validation import account as account_id
from bot.local_secrets import rasa_token
from bot.logs import log_event

logger = logging.getLogger(__name__)

EXTERNAL_INTENT = "EXTERNAL_ticket_update"


def page_open(sio: AsyncServer | None, account: str) -> bool:
    """Is a page of `account` connected to this instance (in its room)?"""
    if sio is None:
        return False
    try:
        return any(True for _ in sio.manager.get_participants("/", account))
    except (KeyError, AttributeError):
        return False


async def push_to_page(app: Sanic, channel: Any, account: str) -> dict[str, Any]:
    """Tell `account`'s open page what waits for them; {"delivered": bool, ...}."""
    sio: AsyncServer | None = getattr(channel, "sio", None)
    agent = getattr(app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return {"delivered": False, "reason": "not_ready"}
    if not page_open(sio, account):
        return {"delivered": False, "reason": "no_open_page"}
    # The user's own messages take this lock too (delivery.py), so a decision is never
    # said by a push and by a reply before either marks it.
    async with delivery().sender_lock(account):
        held = BufferedOutput(channel.name())
        async with agent.lock_store.lock(account):
            tracker = await agent.processor.fetch_tracker_and_update_session(account, held)
            await agent.trigger_intent(EXTERNAL_INTENT, [], held, tracker)
        payloads = [payload for _, payload in held.messages]
        if not page_open(sio, account):
            return {"delivered": False, "reason": "page_closed"}
        out = SocketIOOutput(sio, channel.bot_message_evt)
        for payload in payloads:
            await out.send_response(account, payload)
        marked = await asyncio.to_thread(tells.mark_shown, tells.carried(payloads), account)
    return {"delivered": True, "messages": len(payloads), "told": marked}


def _authorised(request: Request) -> bool:
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    return bool(given) and hmac.compare_digest(given.encode(), rasa_token().encode())


def register(blueprint: Blueprint, channel: Any) -> None:
    """POST <socket.io webhook>/push {"sender": account}: agents' tools call it."""

    @blueprint.route("/push", methods=["POST"])
    async def push(request: Request) -> HTTPResponse:
        if not _authorised(request):
            return response.json({"error": "unauthorized"}, status=401)
        body = request.json if isinstance(request.json, dict) else {}
        try:
            account = account_id(body.get("sender"))
        except ValueError:
            return response.json({"error": "sender_invalid"}, status=400)
        result = await push_to_page(request.app, channel, account)
        log_event(logger, "push_handled", user=account, **result)
        return response.json(result)


async def tell_on_connect(app: Sanic, channel: Any, account: str) -> None:
    """A page that connects (again) hears a decision or question waiting untold."""
    try:
        desk = await asyncio.to_thread(tells.shared_desk)
        waiting = await asyncio.to_thread(_anything_untold, desk, account)
        if waiting:
            result = await push_to_page(app, channel, account)
            log_event(logger, "told_on_connect", user=account, **result)
    except Exception as error:  # noqa: BLE001 - the page works without it; next message tells
        log_event(logger, "tell_on_connect_failed", logging.WARNING, user=account,
                  error=type(error).__name__)


def _anything_untold(desk: Any, account: str) -> bool:
    return bool(desk.untold_decisions(account)) or any(
        not q.told for q in desk.pending_questions(account))
