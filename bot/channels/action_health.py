"""Whether the action server is up, as the delivery service's worker asks it: a GET of
its /health, in the background, so the check costs nothing per message."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aiohttp

from bot.channels.rasa_agent import running_agent
from bot.settings import get_settings

PING_TIMEOUT = 2.0
# A busy Rasa process can miss a ping on a healthy action server (seen under load in
# `make bench`); only this many misses in a row count. A failed turn counts at once.
PING_MISSES_DOWN = 3


def health_url() -> str:
    """SUPPORTBOT_ACTIONS_HEALTH_URL, else /health beside Rasa's action endpoint."""
    if url := get_settings().actions.health_url:
        return url
    agent = running_agent()
    endpoint = getattr(getattr(agent, "action_endpoint", None), "url", None)
    parts = urlsplit(endpoint or "http://localhost:5055/webhook")
    return f"{parts.scheme}://{parts.netloc}/health"


async def answers(url: str) -> bool:
    try:
        timeout = aiohttp.ClientTimeout(total=PING_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as response:
                return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False
