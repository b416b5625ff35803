"""On the real stack: a token valid for longer than the maximum does not sign in,
over REST or socket.io, while an ordinary one does."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import jwt

from tests.support.chat import Page, post
from tests.support.live import token_for


def long_lived(stack, account: str, days: int) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": account, "aud": "supportbot", "iat": now, "exp": now + timedelta(days=days)}
    return jwt.encode(claims, stack.env["SUPPORTBOT_IDENTITY_KEY"], algorithm="HS256")


def test_a_hundred_year_token_is_refused_everywhere(stack):
    account = "acct-long-token"
    body = json.dumps({"message": "hello"}).encode()
    for days in (365 * 100, 30, 2):
        status, answer = post(stack, body, long_lived(stack, account, days))
        assert (status, answer["error"]) == (401, "token_invalid"), days

    async def socket_connects(token: str) -> bool:
        page = Page(stack, token)
        connected = await page.connect()
        if connected:
            await page.close()
        return connected

    connected, errors = asyncio.run(Page(stack, long_lived(stack, account, 365 * 100))
                                    .refusal())
    assert not connected and errors
    assert asyncio.run(socket_connects(token_for(stack, account)))
    status, replies = post(stack, body, token_for(stack, account))
    assert status == 200 and replies
