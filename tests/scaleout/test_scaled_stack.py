"""The scaled stack on the real PostgreSQL, Redis and RabbitMQ: two Rasa instances and two
action servers behind the balancer (`scaled` fixture, tests/scaleout/conftest.py).

The test that kills an instance runs last: the module's stack is not repaired after it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import aio_pika
import socketio
from sqlalchemy import create_engine, text

from bot.desk import Desk, make_engine
from tests.support.chat import websocket_hello
from tests.support.scaled import say, token

HACKED = ["my account was hacked",
          "today around 9 in the morning",
          "my email was changed and there is a withdrawal I did not make"]
HACKED_USER = "acct-scale-alternating"


# -- helpers ------------------------------------------------------------------------


def stored_events(stack, account: str) -> list[dict]:
    """The account's events as the PostgreSQL tracker store holds them, in id order."""
    engine = create_engine(stack.services.tracker_url, future=True)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                              {"s": account}).scalars()
            return [json.loads(row) for row in rows]
    finally:
        engine.dispose()


def api_tracker(stack, port: int, account: str) -> dict:
    url = (f"http://localhost:{port}/conversations/{account}/tracker"
           f"?token={stack.env['SUPPORTBOT_RASA_TOKEN']}")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def tickets_of(stack, account: str) -> list:
    desk = Desk(make_engine(stack.services.desk_url))
    try:
        return desk.tickets_for_user(account)
    finally:
        desk.engine.dispose()


def user_texts(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "user"]


def assert_turns_whole(events: list[dict]) -> None:
    """Nothing lost, nothing twice, in order: timestamps never go back, no event is
    stored twice, and every user message's turn ends with action_listen before the next."""
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps)
    assert len({json.dumps(e, sort_keys=True) for e in events}) == len(events)
    turns: list[list[dict]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        if turns:
            turns[-1].append(event)
    for turn in turns:
        actions = [e["name"] for e in turn if e["event"] == "action"]
        assert actions and actions[-1] == "action_listen", turn
        assert any(e["event"] == "bot" for e in turn), turn  # the user got an answer


# -- tests --------------------------------------------------------------------------


def test_one_conversation_alternating_between_instances_stays_consistent(scaled):
    a, b = scaled.rasa_ports
    asked = say(scaled, a, HACKED_USER, HACKED[0])
    assert any("When did it happen" in r for r in asked)
    asked = say(scaled, b, HACKED_USER, HACKED[1])  # the form's state came from PostgreSQL
    assert any("Tell me what happened" in r for r in asked)
    filed = say(scaled, a, HACKED_USER, HACKED[2])
    assert any("SB-" in r and "urgent" in r for r in filed)
    [ticket] = tickets_of(scaled, HACKED_USER)
    status = say(scaled, b, HACKED_USER, "any news on my ticket?")
    assert any(ticket.reference in r for r in status)

    events = stored_events(scaled, HACKED_USER)
    assert user_texts(events) == [*HACKED, "any news on my ticket?"]
    assert_turns_whole(events)
    loops = [e["name"] for e in events if e["event"] == "active_loop"]
    assert loops == ["report_form", None]  # started on A, finished on A after B's turn
    slot_sets = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    # The answer given on B was kept by the form (filing clears the slots afterwards).
    assert ("incident_time", HACKED[1]) in slot_sets
    assert ("description", HACKED[2]) in slot_sets

    # Both instances read the same conversation.
    seen = [api_tracker(scaled, port, HACKED_USER) for port in (a, b)]
    assert seen[0]["events"] == seen[1]["events"]
    assert seen[0]["slots"] == seen[1]["slots"] and seen[0]["active_loop"] == {}

    assert (ticket.category, ticket.priority, ticket.report_count) == (
        "account_hacked", "urgent", 1)
    assert ticket.fields["incident_time"] == HACKED[1]


def test_simultaneous_messages_on_both_instances_are_each_handled_once(scaled):
    """Messages of one user arriving at both instances at once: the shared outbox hands
    them out oldest first, one at a time, so each is handled once and in order.
    (An instance that finds the other one holding the user's older message answers
    "kept" for now; the answer comes with a later reply: bot/channels/delivery.py.)"""
    user = "acct-scale-simultaneous"
    questions = ["why am I suspended?", "how long does a suspension last?",
                 "can I still trade?", "how do I appeal?"]
    ports = [scaled.rasa_ports[i % 2] for i in range(len(questions))]
    with ThreadPoolExecutor(len(questions)) as pool:
        replies = list(pool.map(lambda pq: say(scaled, pq[0], user, pq[1]),
                                zip(ports, questions, strict=True)))
    assert all(replies)
    time.sleep(3)  # a message kept by one instance is replayed by the outbox worker
    replies.append(say(scaled, scaled.rasa_ports[0], user, "thanks"))

    events = stored_events(scaled, user)
    assert sorted(user_texts(events)) == sorted([*questions, "thanks"])
    assert_turns_whole(events)
    answered = {r for reply in replies for r in reply}
    assert {e["text"] for e in events if e["event"] == "bot"} <= answered  # none lost


def test_turns_wait_for_the_shared_redis_lock(scaled):
    """The instances lock conversations in Redis (not in memory): a lock held there for
    a user holds up that user's next turn on either instance until it expires."""
    from rasa.core.lock_store import RedisLockStore

    user = "acct-scale-locked"
    store = RedisLockStore(host=scaled.services.redis_host, port=scaled.services.redis_port,
                           db=scaled.services.redis_db,
                           key_prefix=scaled.services.redis_key_prefix)
    say(scaled, scaled.rasa_ports[1], user, "hello")  # the session start, outside the test
    for port in scaled.rasa_ports:
        store.issue_ticket(user, lock_lifetime=3)
        started = time.monotonic()
        assert say(scaled, port, user, "can I still trade?")
        assert time.monotonic() - started >= 2.5, port


def test_events_reach_rabbitmq_through_the_pika_broker(scaled):
    async def drain() -> list[dict]:
        connection = await aio_pika.connect(host=scaled.services.rabbitmq_host,
                                            port=scaled.services.rabbitmq_port,
                                            login="guest", password="guest")
        async with connection:
            channel = await connection.channel()
            queue = await channel.get_queue(scaled.services.rabbitmq_queue)
            found = []
            while (message := await queue.get(no_ack=True, fail=False, timeout=5)):
                found.append(json.loads(message.body))
            return found

    events = [e for e in asyncio.run(drain()) if e.get("sender_id") == HACKED_USER]
    assert user_texts(events)[:3] == HACKED  # published by both instances, in order
    assert any(e["event"] == "bot" for e in events)
    assert any(e["event"] == "active_loop" and e["name"] == "report_form" for e in events)


def test_socketio_through_the_balancer_sticks_to_one_instance(scaled):
    """Long-polling is many HTTP requests carrying a session id that only one instance
    knows: round-robin would break it at the second request."""
    account = "acct-scale-socket"

    async def chat() -> tuple[list, list]:
        client = socketio.AsyncClient(reconnection=False)
        confirmed, answers = [], []
        client.on("session_confirm", confirmed.append)
        client.on("bot_uttered", answers.append)
        await client.connect(scaled.url, auth={"token": token(scaled, account)},
                             socketio_path="/socket.io", transports=["polling"],
                             wait_timeout=10)
        await client.emit("session_request", {})
        for message in ("hello", "what counts as abuse?", "thanks"):
            before = len(answers)
            await client.emit("user_uttered", {"message": message})
            for _ in range(600):
                if len(answers) > before:
                    break
                await asyncio.sleep(0.1)
        await client.disconnect()
        return confirmed, answers

    confirmed, answers = asyncio.run(chat())
    assert confirmed == [account]
    assert len(answers) >= 3


def test_websocket_through_the_balancer(scaled):
    """The chat page's transport: engine.io over a WebSocket, proxied frame by frame."""
    account = "acct-scale-websocket"
    url = f"{scaled.url}/socket.io/?EIO=4&transport=websocket"
    frames = asyncio.run(websocket_hello(url, token(scaled, account)))
    assert any(f.startswith("40{") for f in frames)  # socket.io connected, token accepted
    assert f'42["session_confirm","{account}"]' in frames


def test_a_push_through_one_instance_reaches_a_page_on_the_other(scaled):
    """An agent's decision is pushed through the balancer to any instance; socket.io
    emits go through Redis, so the page connected to the other instance gets it."""
    account = "acct-scale-push"
    a, b = scaled.rasa_ports

    async def chat() -> list:
        client = socketio.AsyncClient(reconnection=False)
        answers: list = []
        client.on("bot_uttered", answers.append)
        await client.connect(f"http://localhost:{a}", auth={"token": token(scaled, account)},
                             socketio_path="/socket.io", transports=["polling"],
                             wait_timeout=10)
        await client.emit("session_request", {})
        await client.emit("user_uttered", {"message": "hello"})
        await _until(lambda: answers, 60)
        pushed = len(answers)
        request = urllib.request.Request(
            f"http://localhost:{b}/conversations/{account}/execute?output_channel=latest"
            f"&token={scaled.env['SUPPORTBOT_RASA_TOKEN']}",
            data=json.dumps({"name": "utter_greet"}).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        await asyncio.to_thread(urllib.request.urlopen, request, None, 30)
        await _until(lambda: len(answers) > pushed, 30)
        await client.disconnect()
        return answers[pushed:]

    assert asyncio.run(chat())  # utter_greet, sent by B, seen on the page held by A


async def _until(condition, timeout: float) -> None:
    for _ in range(int(timeout * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)


def test_killing_an_instance_mid_form_loses_nothing(scaled):
    """SIGKILL one Rasa instance between two answers of a form: the balancer moves the
    user to the other instance, which goes on from the stored state; one ticket."""
    user = "acct-scale-killed"
    a, b = scaled.rasa_ports
    node = scaled.nodes[0]
    first = say(scaled, a, user, "my deposit of 120 USDT on TRC20 has not arrived")
    assert first
    with node.hold("rasa"):  # the supervisor must not bring it back during the test
        rasa = node.processes["rasa"]
        os.killpg(rasa.pid, signal.SIGKILL)
        rasa.wait(timeout=30)
        asked = say(scaled, scaled.balancer_port, user, "I don't have the tx id")
        assert any("When did it happen" in r for r in asked)
        filed = say(scaled, scaled.balancer_port, user, "this morning at 8")
        assert any("SB-" in r for r in filed)
        again = say(scaled, b, user, "any news on my ticket?")
        assert any("SB-" in r for r in again)

    [ticket] = tickets_of(scaled, user)
    assert (ticket.category, ticket.fields["amount"], ticket.fields["network"],
            ticket.report_count) == ("missing_deposit", "120", "TRC20", 1)
    events = stored_events(scaled, user)
    assert user_texts(events) == ["my deposit of 120 USDT on TRC20 has not arrived",
                                  "I don't have the tx id", "this morning at 8",
                                  "any news on my ticket?"]
    assert_turns_whole(events)

    # Only the dead instance is gone: the balancer says so, and the user never saw it.
    with urllib.request.urlopen(f"{scaled.url}/_balancer/health", timeout=10) as response:
        health = json.load(response)["backends"]
    assert health == {f"http://127.0.0.1:{a}": False, f"http://127.0.0.1:{b}": True}
    try:
        urllib.request.urlopen(f"http://localhost:{a}/", timeout=2)
        raise AssertionError("the killed instance still answers")
    except urllib.error.URLError:
        pass
