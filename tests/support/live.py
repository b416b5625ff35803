"""Talking to the running stack (the `stack` fixture of tests/conftest.py) as its users
and agents do."""

from __future__ import annotations

import json
import urllib.request

from bot.channels.identity import issue_token
from bot.serve import Stack
from tests.support.tools import run_tool


def token_for(stack: Stack, account: str) -> str:
    """A sign-in token as the exchange's site mints it for `account`."""
    return issue_token(account, stack.env["SUPPORTBOT_IDENTITY_KEY"])


def chat_url(stack: Stack, account: str) -> str:
    """The chat page as the exchange's site links to it, signed in as `account`."""
    return (f"http://localhost:{stack.rasa_port}/webhooks/chatpage/"
            f"#token={token_for(stack, account)}")


def say(stack: Stack, sender: str, text: str) -> list[str]:
    """One message over the REST channel, signed in as `sender`; the bot's reply texts."""
    return rest_reply(stack.rasa_port, token_for(stack, sender), text, timeout=60)


def rest_reply(port: int, token: str, text: str, timeout: float) -> list[str]:
    """POST `text` to the REST channel on `port` (a Rasa instance or nginx)."""
    request = urllib.request.Request(
        f"http://localhost:{port}/webhooks/rest/webhook",
        data=json.dumps({"message": text}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return [m.get("text", "") for m in json.load(response)]


def supportbot(stack: Stack, *args: str) -> str:
    """The agents' CLI against the stack's database (and its Rasa, for pushes)."""
    result = run_tool("supportbot", "--db", stack.db, *args, timeout=60, env=stack.env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def tickets(stack: Stack, user: str) -> list[dict]:
    """The user's tickets as `supportbot status --json` lists them, newest first."""
    return json.loads(supportbot(stack, "status", user, "--json"))["tickets"]
