"""socket.io channel at /socket.io (the chat page's transport), in place of Rasa's.

Rasa's SocketIOInput takes the conversation id from the client's `session_id`. Here the
account comes from the token in the connect packet's `auth` and is bound to the socket
(sid -> account) at connect; later `session_id`s are ignored. The socket joins the room
named after the account, which is where Rasa's SocketIOOutput sends, so a decision
pushed through trigger_intent (output_channel=latest) reaches every open page of the
user. Development without a token: the page's session_request names the account.

Errors reach the page as connect_error {message, data: {reason}} (sign-in refused) or a
`chat_error` event {reason, message} (bad event data, a message over
SUPPORTBOT_MAX_MESSAGE_BYTES). Only pages from the allowed origins may connect
(bot.channels.origins); engine.io refuses a packet over SUPPORTBOT_MAX_BODY_BYTES.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer
from socketio.exceptions import ConnectionRefusedError as Refused

from bot.channels import body_limits, push
from bot.channels.identity import IdentityError, resolve_sender
from bot.channels.intake import (
    Intake,
    OnNewMessage,
    error_text,
    request_language,
    shared_intake,
)
from bot.channels.origins import OriginCheck, configured_origins
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)


def shared_rooms() -> AsyncRedisManager | None:
    """With several Rasa instances (the scale-out profile) a user's page is connected to
    one of them, but an agent's decision may be pushed through another. Set
    $SUPPORTBOT_SOCKETIO_REDIS_URL (redis://host:6379/0) and every emit goes through
    Redis to whichever instance holds the socket. Unset: rooms are in-process."""
    settings = get_settings().chat
    if not settings.socketio_redis_url:
        return None
    channel = settings.socketio_redis_channel  # one per deployment
    log_event(logger, "socketio_shared_rooms", channel=channel)
    return AsyncRedisManager(settings.socketio_redis_url, channel=channel)


class _AppBlueprint(SocketBlueprint):
    """Remembers the Sanic app: socket events have no request to find the model by."""

    def __init__(self, channel: GuardedSocketIOInput, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.channel = channel

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        self.ctx.channel.app = app
        super().register(app, options)


class GuardedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"  # trigger_intent's output_channel=latest looks for this name

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        credentials = credentials or {}
        return cls(credentials.get("user_message_evt", "user_uttered"),
                   credentials.get("bot_message_evt", "bot_uttered"),
                   socketio_path=credentials.get("socketio_path", "/socket.io"),
                   cors_allowed_origins=credentials.get("cors_allowed_origins"))

    def __init__(self, *args: Any, intake: Intake | None = None,
                 cors_allowed_origins: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, session_persistence=True, **kwargs)
        self.intake = intake or shared_intake()
        self.origins = OriginCheck(configured_origins(cors_allowed_origins))
        self.limits = body_limits.BodyLimits.from_settings()
        self.app: Sanic | None = None
        self.accounts: dict[str, str | None] = {}  # sid -> account (None: not yet named)
        self.languages: dict[str, str] = {}  # sid -> the browser's language, for errors

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origins,
                          max_http_buffer_size=self.limits.body_bytes,
                          client_manager=shared_rooms())
        self.sio = sio  # get_output_channel (pushed messages) needs it
        webhook = _AppBlueprint(self, sio, self.socketio_path, "socketio_webhook", __name__)

        push.register(webhook, self)  # agents' decisions and questions to open pages

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            language = request_language(None, environ.get("HTTP_ACCEPT_LANGUAGE"))
            token = auth.get("token") if isinstance(auth, dict) else None
            try:
                account = resolve_sender(token if isinstance(token, str) else None, None)
            except IdentityError as error:
                log_event(logger, "sign_in_refused", logging.WARNING, channel="socketio",
                          reason=error.reason, detail=error.detail)
                raise Refused(error_text(self.app, error.reason, language),
                                             {"reason": error.reason}) from None
            self.accounts[sid] = account
            self.languages[sid] = language
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            self.accounts.pop(sid, None)
            self.languages.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            account = self.accounts.get(sid)
            if account is None:  # development: the page names the account
                claimed = data.get("session_id") if isinstance(data, dict) else None
                try:
                    account = resolve_sender(None, claimed)
                except IdentityError as error:
                    await self._chat_error(sid, error.reason)
                    return
                if account is None:
                    await self._chat_error(sid, "sender_invalid")
                    return
                self.accounts[sid] = account
            sio.enter_room(sid, account)  # sync in python-socketio 5.9
            await sio.emit("session_confirm", account, room=sid)
            if self.app is not None:  # what an agent decided or asked while it was closed
                asyncio.get_running_loop().create_task(
                    push.tell_on_connect(self.app, self, account))

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None) -> None:
            account = self.accounts.get(sid)
            text = data.get("message") if isinstance(data, dict) else None
            if account is None:
                await self._chat_error(sid, "token_missing")
                return
            if not isinstance(data, dict) or not isinstance(text, (str, type(None))):
                await self._chat_error(sid, "malformed_request")
                return
            size = len((text or "").encode("utf-8", "surrogatepass"))
            if size > self.limits.message_bytes:  # before the text is cleaned or read
                log_event(logger, "message_refused", logging.WARNING, user=account,
                          channel="socketio", reason=body_limits.TOO_LARGE, bytes=size,
                          limit=self.limits.message_bytes)
                language = await self.intake.reply_language(account, text or "",
                                                            self.languages.get(sid, "en"))
                await self._chat_error(sid, body_limits.TOO_LARGE, language,
                                       max_chars=self.intake.limits.max_chars)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                await self.intake.receive(self.app, text or "", account, output, self.name(),
                                          on_new_message, size=size)
            except Exception as error:  # noqa: BLE001 - keep the socket; tell operators
                logger.exception("message handling failed")
                log_event(logger, "message_failed", logging.ERROR, user=account,
                          channel="socketio", error=type(error).__name__)

        return webhook

    async def _chat_error(self, sid: str, reason: str, language: str | None = None,
                          **values: object) -> None:
        assert self.sio is not None
        language = language or self.languages.get(sid, "en")
        message = error_text(self.app, reason, language, **values)
        log_event(logger, "chat_error", logging.WARNING, channel="socketio", reason=reason)
        await self.sio.emit("chat_error", {"reason": reason, "message": message}, room=sid)
