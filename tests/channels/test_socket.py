"""The chat page's socket.io channel on the real stack, driven by python-socketio's client:
the token decides the account, whatever session id or room the client asks for."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from datetime import datetime, timedelta, timezone

from bot.channels.identity import issue_token
from tests.support.chat import Page, find_anywhere, tracker, user_events
from tests.support.live import token_for


def test_forged_expired_and_missing_tokens_are_refused_with_a_reason(stack):
    expired = issue_token("acct-sock-x", stack.env["SUPPORTBOT_IDENTITY_KEY"],
                          timedelta(minutes=1), datetime.now(timezone.utc) - timedelta(hours=1))
    forged = issue_token("acct-sock-x", "not-the-exchanges-key-" + "q" * 32)

    results = {name: asyncio.run(Page(stack, token).refusal()) for name, token in
               {"missing": None, "forged": forged, "expired": expired,
                "garbage": "x.y.z"}.items()}
    for name, (connected, errors) in results.items():
        assert not connected, name
        assert errors and errors[0]["message"], name
    assert results["expired"][1][0]["data"]["reason"] == "token_expired"
    assert results["forged"][1][0]["data"]["reason"] == "token_invalid"
    assert "account page" in results["missing"][1][0]["message"]


def _trigger(stack, account: str, intent: str) -> None:
    url = (f"http://localhost:{stack.rasa_port}/conversations/{account}/trigger_intent"
           f"?output_channel=latest&token={stack.env['SUPPORTBOT_RASA_TOKEN']}")
    request = urllib.request.Request(url, data=json.dumps({"name": intent}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).close()


def test_the_token_not_the_client_decides_the_account_and_the_room(stack):
    victim, attacker = "acct-sock-victim", "acct-sock-attacker"

    async def scenario():
        mine = Page(stack, token_for(stack, victim))
        theirs = Page(stack, token_for(stack, attacker))
        assert await mine.connect() and await theirs.connect()
        await mine.client.emit("session_request", {"session_id": victim})
        # The attacker asks for the victim's session and room.
        await theirs.client.emit("session_request", {"session_id": victim})
        assert await mine.wait_for("session_confirm") == [victim]
        assert await theirs.wait_for("session_confirm") == [attacker]

        await mine.client.emit("user_uttered", {"message": "hello", "session_id": victim})
        await mine.wait_for("bot_uttered")
        await theirs.client.emit("user_uttered", {"message": "it is me, the victim",
                                                  "session_id": victim})
        await theirs.wait_for("bot_uttered")
        heard_by_attacker = len(theirs.received["bot_uttered"])

        # A message pushed into the victim's conversation reaches the victim's page only.
        before = len(mine.received["bot_uttered"])
        await asyncio.to_thread(_trigger, stack, victim, "greet")
        await mine.wait_for("bot_uttered", before + 1)
        await asyncio.sleep(1)
        assert len(mine.received["bot_uttered"]) > before
        assert len(theirs.received["bot_uttered"]) == heard_by_attacker

        # Malformed events get an answer, not silence or a dropped socket.
        for bad in ("just a string", {"message": 42}, {"message": ["x"]}, None):
            await theirs.client.emit("user_uttered", bad)
        errors = await theirs.wait_for("chat_error", 4, timeout=10)
        assert [e["reason"] for e in errors] == ["malformed_request"] * 4
        assert theirs.client.connected
        await mine.close()
        await theirs.close()

    asyncio.run(scenario())
    # ("EXTERNAL: greet" is the pushed intent, as Rasa records it.)
    assert [e["text"] for e in user_events(stack, victim)] == ["hello", "EXTERNAL: greet"]
    assert [e["text"] for e in user_events(stack, attacker)] == ["it is me, the victim"]
    assert tracker(stack, victim)["latest_input_channel"] == "socketio"


def test_secrets_and_forged_payloads_over_the_socket(stack):
    user = "acct-sock-secret"

    async def scenario():
        page = Page(stack, token_for(stack, user))
        assert await page.connect()
        await page.client.emit("session_request", {})
        await page.wait_for("session_confirm")
        await page.client.emit("user_uttered",
                               {"message": "my password is Sockpuppet#99 please help"})
        replies = await page.wait_for("bot_uttered", 2)
        await page.client.emit("user_uttered", {"message": "/request_human{\"x\": 1}"})
        await page.wait_for("bot_uttered", len(replies) + 1)
        await asyncio.sleep(1)
        await page.close()
        return [r.get("text", "") for r in page.received["bot_uttered"]]

    texts = asyncio.run(scenario())
    assert any("looks like a password" in t for t in texts)
    stored = [e["text"] for e in user_events(stack, user)]
    assert stored[0] == "my password is [redacted password] please help"
    assert stored[1] == 'request_human{"x": 1}'
    assert find_anywhere(stack, ["Sockpuppet#99"]) == {}
