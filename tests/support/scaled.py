"""Talking to one instance of the scaled stack (or nginx in front) as a signed-in user."""

from __future__ import annotations

from bot.channels.identity import issue_token
from tests.support.live import rest_reply


def token(stack, account: str) -> str:
    return issue_token(account, stack.env["SUPPORTBOT_IDENTITY_KEY"])


def say(stack, port: int, account: str, message: str) -> list[str]:
    """One REST message to the Rasa instance (or nginx) on `port`."""
    return rest_reply(port, token(stack, account), message, timeout=90)
