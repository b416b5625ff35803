"""Rasa's floor for `make bench` (bench/floor_bot): it trains, starts as our Rasa runs
(bot.run_rasa) and answers the load generator's greeting over the REST channel."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bench import conversations, stacks
from bench.loadgen import send

pytestmark = pytest.mark.slow  # starts a Rasa process of its own


def test_floor_bot_answers_its_conversation():
    model = stacks.ensure_floor()
    assert stacks.ensure_floor() == model  # cached: trained again only on a change
    server = stacks.start_floor(model, stacks.WORK / "run" / "floor-test.log", timeout=120)

    async def chat():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            url = f"{server.base_url}/webhooks/rest/webhook"
            turns = conversations.FLOOR[0].turns
            return [await send(session, url, "floor-test", turn) for turn in turns]

    try:
        samples = asyncio.run(chat())
    finally:
        server.stop()
    assert [(s.error, s.check) for s in samples] == [(None, None)] * len(samples)
