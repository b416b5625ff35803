"""The user's chat page, served by the Rasa server itself at /webhooks/chatpage/.

The page talks to Rasa's socket.io channel on the same origin, so messages the bot
pushes later (an agent's decision) arrive without a reload. In development a user picks
a demo account id; the exchange's signed token replaces that in production (issue 5).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import api_guard, body_limits
from bot.channels.identity import ACCOUNT_ID, DEVELOPMENT, mode

STATIC = Path(__file__).with_name("static")


def page_for(user: str, dev: bool, template: str, picker: str) -> tuple[int, str]:
    """(status, html) of the chat page for `?user=`; the user is ignored in production,
    where the page signs in with its token."""
    if not dev:
        return 200, template.replace("{{USER}}", "")
    if not user:
        return 200, picker
    if not ACCOUNT_ID.match(user):
        return 400, picker.replace(
            "<!--error-->", '<p class="error">That is not an account id.</p>')
    return 200, template.replace("{{USER}}", html.escape(user))


class _PageBlueprint(Blueprint):
    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        api_guard.register_with(app)  # malformed JSON to Rasa's API: 400, not 500
        body_limits.install(app)  # Sanic's 100 MB default -> SUPPORTBOT_MAX_BODY_BYTES
        super().register(app, options)


class ChatPage(InputChannel):
    """Serves pages only; messages go through the socket.io channel."""

    @classmethod
    def name(cls) -> str:
        return "chatpage"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ChatPage:
        return cls()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        page = _PageBlueprint("chatpage", __name__)
        template = (STATIC / "chat.html").read_text(encoding="utf-8")
        picker = (STATIC / "pick_user.html").read_text(encoding="utf-8")

        @page.route("/", methods=["GET"])
        async def chat(request: Request) -> HTTPResponse:
            status, body = page_for(request.args.get("user", ""), mode() == DEVELOPMENT,
                                    template, picker)
            return response.html(body, status=status)

        @page.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            path = (STATIC / name).resolve()
            if path.parent != STATIC.resolve() or not path.is_file():
                return response.text("not found", status=404)
            return await response.file(path, headers={"Cache-Control": "max-age=3600"})

        return page
