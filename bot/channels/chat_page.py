"""The user's chat page, served by the Rasa server itself at /webhooks/chatpage/.

The page talks to Rasa's socket.io channel on the same origin, so messages the bot
pushes later (an agent's decision) arrive without a reload. In production the exchange's
site signs the user in with a token in the URL's fragment (bot.channels.identity); in
development a user picks a demo account id.

- Its own words are English or Swedish (bot.channels.page_texts): the browser's
  Accept-Language first, then, once the page knows who is signed in, the language the
  user writes to the bot in.
- GET history (with the page's token as a Bearer header) returns the signed-in sender's
  own conversation from the tracker store (bot.channels.chat_history), nobody else's.
- Other sites may frame it only when listed (frame-ancestors): the chat origins of
  bot.channels.origins, `cors_allowed_origins` under this channel in credentials.yml or
  SUPPORTBOT_CHAT_ORIGINS. docs/embed.md has the snippet for the exchange's site.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import tells
from bot.channels.chat_history import history_from_events
from bot.channels.identity import (
    ACCOUNT_ID,
    DEVELOPMENT,
    IdentityError,
    bearer,
    mode,
    resolve_sender,
)
from bot.channels.intake import error_text
from bot.channels.origins import configured_origins
from bot.channels.page_texts import SCRIPT_TEXTS, browser_language, script_texts, text
from bot.channels.page_texts import translations as page_translations
from bot.logs import log_event

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates")
HISTORY_TIMEOUT_S = 5.0  # a slow tracker store: the page goes on without its history
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def frame_ancestors(origins: Iterable[str]) -> str:
    """The CSP source list of the sites that may frame the page; 'none' when no site is
    listed. Anything that is not a plain scheme://host[:port] is left out (and logged):
    a listed value must not add directives of its own to the policy."""
    kept = []
    for origin in sorted(origins):
        if _ORIGIN.match(origin):
            kept.append(origin)
        else:
            log_event(logger, "frame_origin_ignored", logging.WARNING, origin=origin[:200])
    return " ".join(kept) or "'none'"


def page_headers(origins: Iterable[str]) -> dict[str, str]:
    policy = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",  # socket.io and the history, on the page's own origin
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        f"frame-ancestors {frame_ancestors(origins)}",
    ])
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Vary": "Accept-Language",
            "Cache-Control": "no-cache"}


@lru_cache(maxsize=4)
def templates(language: str) -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES),
                              autoescape=select_autoescape(["html"]),
                              extensions=["jinja2.ext.i18n"])
    environment.install_gettext_translations(page_translations(language),  # type: ignore[attr-defined]
                                             newstyle=True)
    return environment


def page_for(user: str, dev: bool, language: str) -> tuple[int, str]:
    """(status, html) of the chat page for `?user=`; the user is ignored in production,
    where the page signs in with its token."""
    chat = templates(language).get_template("chat.html")
    picker = templates(language).get_template("pick_user.html")
    texts = script_texts(language)
    if not dev:
        return 200, chat.render(language=language, user="", texts=texts)
    if not user:
        return 200, picker.render(language=language, error=False)
    if not ACCOUNT_ID.match(user):
        return 400, picker.render(language=language, error=True)
    return 200, chat.render(language=language, user=user, texts=texts)


async def history_reply(request: Request) -> HTTPResponse:
    """The signed-in sender's conversation, with the page's texts in their language."""
    fallback = browser_language(request.headers.get("Accept-Language")) or "en"
    private = {"Cache-Control": "no-store"}
    try:
        sender = resolve_sender(bearer(request.headers.get("Authorization")),
                                request.args.get("user") or None)
        if sender is None:
            raise IdentityError("sender_invalid", status=400)
    except IdentityError as error:
        log_event(logger, "history_refused", logging.WARNING, reason=error.reason,
                  detail=error.detail)
        return response.json(
            {"reason": error.reason,
             "message": error_text(request.app, error.reason, fallback)},
            status=error.status, headers=private)
    agent = getattr(request.app.ctx, "agent", None)
    status, body = await history_of(getattr(agent, "tracker_store", None), sender, fallback)
    return response.json(body, status=status, headers=private)


async def history_of(store: TrackerStore | None, sender: str, fallback: str,
                     desk: Any = None) -> tuple[int, dict[str, Any]]:
    """(status, body) of `sender`'s history: the conversation, the language the page
    speaks (the user's, else `fallback`, the browser's) and its texts in it. A decision
    or question the page will show again is marked told on `desk` (the process's by
    default): the page does not hear it a second time when its socket connects."""
    try:
        if store is None:
            raise LookupError("no tracker store loaded")
        tracker = await asyncio.wait_for(store.retrieve_full_tracker(sender),
                                         HISTORY_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001 - the page still chats; tell operators
        log_event(logger, "history_unavailable", logging.ERROR, user=sender,
                  error=type(error).__name__)
        return 503, {"reason": "history_unavailable",
                     "message": text(fallback, SCRIPT_TEXTS["history_failed"])}
    history = history_from_events(tracker.events if tracker is not None else [])
    if history.tells:
        try:
            await asyncio.to_thread(tells.mark_shown, history.tells, sender, desk)
        except Exception as error:  # noqa: BLE001 - shown all the same; told again later
            log_event(logger, "told_mark_failed", logging.ERROR, user=sender,
                      error=type(error).__name__)
    language = history.language or fallback
    return 200, {"language": language, "texts": script_texts(language),
                 "messages": history.messages}


class ChatPage(InputChannel):
    """Serves the page and the conversation's history; messages go through the socket.io
    channel."""

    def __init__(self, frame_origins: Iterable[str] = ()) -> None:
        self.headers = page_headers(frame_origins)

    @classmethod
    def name(cls) -> str:
        return "chatpage"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ChatPage:
        listed = (credentials or {}).get("cors_allowed_origins")
        return cls(configured_origins(listed))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        page = Blueprint("chatpage", __name__)

        @page.route("/", methods=["GET"])
        async def chat(request: Request) -> HTTPResponse:
            language = browser_language(request.headers.get("Accept-Language")) or "en"
            status, body = page_for(request.args.get("user", ""), mode() == DEVELOPMENT,
                                    language)
            return response.html(body, status=status, headers=self.headers)

        @page.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            return await history_reply(request)

        @page.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            path = (STATIC / name).resolve()
            if path.parent != STATIC.resolve() or not path.is_file():
                return response.text("not found", status=404)
            return await response.file(path, headers={"Cache-Control": "max-age=3600"})

        return page
