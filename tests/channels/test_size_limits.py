"""Size limits on the real stack: every body to the Rasa process is measured in raw bytes
before anything reads it, and the user is told in words, in their language."""

from __future__ import annotations

import asyncio
import json

import socketio

from bot.channels.body_limits import BodyLimits
from tests.support.chat import Page, post, raw_post, user_events
from tests.support.live import say, token_for

LIMITS = BodyLimits()  # the stack runs on the defaults


def test_a_message_over_the_byte_limit_gets_413_before_it_is_read(stack):
    user = "acct-size-rest"
    token = token_for(stack, user)
    text = "my withdrawal is missing " * (LIMITS.message_bytes // 20)
    status, answer = post(stack, json.dumps({"message": text}).encode(), token)
    assert status == 413 and answer["error"] == "message_too_large"
    assert "far too large" in answer["message"] and "2000" in answer["message"]
    swedish = "mitt uttag har inte kommit fram och jag är orolig " * (LIMITS.message_bytes // 40)
    status, answer = post(stack, json.dumps({"message": swedish}).encode(), token)
    assert status == 413 and answer["message"].startswith("Ditt meddelande är alldeles för stort")
    assert user_events(stack, user) == []
    assert say(stack, user, "hello")  # the sender is not punished for the size alone


def test_a_body_over_the_server_limit_is_refused_on_its_content_length(stack):
    token = token_for(stack, "acct-size-huge")
    declared = 30 * 1024 * 1024  # the 30 MB message of the report
    status, answer = raw_post(stack, "/webhooks/rest/webhook",
                              {"Authorization": f"Bearer {token}", "Accept-Language": "sv-SE"},
                              b'{"message": "' + b"a" * 65536, declared)
    assert status == 413 and answer["error"] == "message_too_large"
    assert answer["message"].startswith("Ditt meddelande är alldeles för stort")
    # Chunked, with no length declared: counted as it arrives.
    status, answer = raw_post(stack, "/webhooks/rest/webhook",
                              {"Authorization": f"Bearer {token}",
                               "Transfer-Encoding": "chunked"},
                              _chunked(b"x" * (LIMITS.body_bytes + 10)), declared=None)
    assert status == 413 and "far too large" in answer["message"]


def _chunked(data: bytes, size: int = 16384) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
             for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_rasas_own_api_has_the_body_limit(stack):
    api_token = stack.env["SUPPORTBOT_RASA_TOKEN"]
    big = json.dumps({"text": "hello " * (LIMITS.body_bytes // 5)}).encode()
    status, answer = post(stack, big, path=f"/model/parse?token={api_token}")
    assert status == 413 and answer["reason"] == "PayloadTooLarge" and answer["message"]
    status, parsed = post(stack, b'{"text": "hello"}', path=f"/model/parse?token={api_token}")
    assert status == 200 and parsed["intent"]["name"]
    # socket.io's long-polling posts are requests to the same server.
    status, _ = post(stack, b"4" + b"x" * LIMITS.body_bytes,
                     path="/socket.io/?EIO=4&transport=polling&sid=whatever")
    assert status == 413


def test_a_socket_message_over_the_byte_limit_is_refused_in_words(stack):
    user = "acct-size-sock"

    async def run():
        page = Page(stack, token_for(stack, user))
        assert await page.connect()
        await page.client.emit("session_request", {})
        await page.wait_for("session_confirm")
        await page.client.emit("user_uttered", {"message": "a" * (LIMITS.message_bytes + 1)})
        errors = await page.wait_for("chat_error")
        await page.client.emit("user_uttered", {"message": "hello"})
        replies = await page.wait_for("bot_uttered")
        await page.close()
        return errors, replies

    errors, replies = asyncio.run(run())
    assert errors[0]["reason"] == "message_too_large" and "2000" in errors[0]["message"]
    assert replies  # the socket stays usable
    assert [e["text"] for e in user_events(stack, user)] == ["hello"]


def test_a_socket_from_a_foreign_origin_is_refused(stack):
    own = f"http://localhost:{stack.rasa_port}"

    async def connects(origin: str) -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(own, headers={"Origin": origin}, transports=["polling"],
                                 auth={"token": token_for(stack, "acct-origin")},
                                 socketio_path="/socket.io", wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    foreign = ["https://evil.example", "http://localhost:1", "null",
               f"http://localhost:{stack.rasa_port}.evil.example"]
    results = {origin: asyncio.run(connects(origin)) for origin in [own, *foreign]}
    assert results == {own: True, **{origin: False for origin in foreign}}
