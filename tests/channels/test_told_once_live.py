"""A decision counts as told only once it was shown: REST users hear it at their next
message, a socket.io page that is open hears it pushed, a closed one when it connects."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.desk import Desk, make_engine
from tests.support.chat import Page, post
from tests.support.live import say, supportbot, token_for

DECIDED = "Update on "  # utter_decision_* in English


@pytest.fixture
def desk(stack) -> Iterator[Desk]:
    engine = make_engine(stack.db)
    yield Desk(engine)
    engine.dispose()


def told(desk: Desk, ticket_id: int) -> int:
    return [e.kind for e in desk.history("ticket", ticket_id)].count("user_told")


def decide(stack, desk: Desk, user: str, category: str = "missing_deposit") -> tuple[int, str]:
    """A ticket of `user` resolved with the CLI, which pushes; (id, the CLI's words)."""
    ticket = desk.file_report(user, category, {"asset": "BTC"}, f"k-{user}").ticket
    out = supportbot(stack, "queue", "resolve", ticket.reference, "--outcome", "resolved",
                     "--note", "credited", "--agent", "lena")
    return ticket.id, out


def test_rest_user_hears_the_decision_once_at_the_next_message(stack, desk):
    user = "acct-told-rest"
    assert say(stack, user, "hello")
    ticket_id, out = decide(stack, desk, user)
    # REST cannot be pushed to: nothing is marked told, and the CLI says so.
    assert "will be told at their next message" in out
    assert told(desk, ticket_id) == 0
    first = say(stack, user, "any news?")
    assert sum(DECIDED in text for text in first) == 1, first
    assert told(desk, ticket_id) == 1
    after = say(stack, user, "thanks")
    assert not any(DECIDED in text for text in after), after
    assert told(desk, ticket_id) == 1


async def _open_page(stack, user: str) -> Page:
    page = Page(stack, token_for(stack, user))
    assert await page.connect()
    await page.client.emit("session_request", {})
    await page.wait_for("session_confirm")
    return page


def _texts(page: Page) -> list[str]:
    return [m.get("text", "") for m in page.received["bot_uttered"]]


def test_open_page_hears_the_decision_pushed_and_told_once(stack, desk):
    user = "acct-told-open"

    async def scenario() -> tuple[str, list[str], list[str], int]:
        page = await _open_page(stack, user)
        await page.client.emit("user_uttered", {"message": "hello"})
        await page.wait_for("bot_uttered")
        await asyncio.sleep(1)
        before = len(page.received["bot_uttered"])
        ticket_id, out = await asyncio.to_thread(decide, stack, desk, user)
        pushed = (await page.wait_for("bot_uttered", before + 1))[before:]
        await asyncio.sleep(0.5)
        later = len(page.received["bot_uttered"])
        await page.client.emit("user_uttered", {"message": "thanks"})
        await page.wait_for("bot_uttered", later + 1)
        await asyncio.sleep(1)
        reply = _texts(page)[later:]
        await page.close()
        return out, [m.get("text", "") for m in pushed], reply, ticket_id

    out, pushed, reply, ticket_id = asyncio.run(scenario())
    assert "The user was told in their chat." in out
    assert sum(DECIDED in text for text in pushed) == 1, pushed
    assert not any(DECIDED in text for text in reply), reply
    assert told(desk, ticket_id) == 1


def test_closed_page_hears_the_decision_when_it_connects(stack, desk):
    user = "acct-told-closed"

    async def visit(message: str | None) -> list[str]:
        page = await _open_page(stack, user)
        if message:
            await page.client.emit("user_uttered", {"message": message})
        await page.wait_for("bot_uttered", timeout=30)
        await asyncio.sleep(1)
        texts = _texts(page)
        await page.close()
        return texts

    asyncio.run(visit("hello"))  # the page was open once; now it is closed
    ticket_id, out = decide(stack, desk, user)
    assert "will be told at their next message" in out
    assert told(desk, ticket_id) == 0
    on_connect = asyncio.run(visit(None))
    assert sum(DECIDED in text for text in on_connect) == 1, on_connect
    assert told(desk, ticket_id) == 1
    again = asyncio.run(visit("hello again"))
    assert not any(DECIDED in text for text in again), again


def test_the_push_is_for_agents_tools_only(stack):
    body = b'{"sender": "acct-told-rest"}'
    assert post(stack, body, path="/webhooks/socketio/push")[0] == 401
    assert post(stack, body, token="wrong", path="/webhooks/socketio/push")[0] == 401
    status, answer = post(stack, b'{"sender": ""}', token=stack.env["SUPPORTBOT_RASA_TOKEN"],
                          path="/webhooks/socketio/push")
    assert (status, answer) == (400, {"error": "sender_invalid"})
    status, answer = post(stack, body, token=stack.env["SUPPORTBOT_RASA_TOKEN"],
                          path="/webhooks/socketio/push")
    assert status == 200 and answer["delivered"] is False  # no page open
