"""The user's chat page, served by the Rasa server itself at /webhooks/chatpage/.

The page talks to Rasa's socket.io channel on the same origin, so messages the bot
pushes later (an agent's decision) arrive without a reload. In development a user picks
a demo account id; the exchange's signed token replaces that in production (issue 5).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC = Path(__file__).with_name("static")
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def dev_login_enabled() -> bool:
    return os.environ.get("SUPPORTBOT_DEV_LOGIN", "1") != "0"


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
        page = Blueprint("chatpage", __name__)
        template = (STATIC / "chat.html").read_text(encoding="utf-8")
        picker = (STATIC / "pick_user.html").read_text(encoding="utf-8")

        @page.route("/", methods=["GET"])
        async def chat(request: Request) -> HTTPResponse:
            if not dev_login_enabled():
                return response.text("Open the chat from your account page.", status=403)
            user = request.args.get("user", "")
            if not user:
                return response.html(picker)
            if not ACCOUNT_ID.match(user):
                return response.html(picker.replace(
                    "<!--error-->", '<p class="error">That is not an account id.</p>'), 400)
            return response.html(template.replace("{{USER}}", html.escape(user)))

        @page.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            path = (STATIC / name).resolve()
            if path.parent != STATIC.resolve() or not path.is_file():
                return response.text("not found", status=404)
            return await response.file(path, headers={"Cache-Control": "max-age=3600"})

        return page
