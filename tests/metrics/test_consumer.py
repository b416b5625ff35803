"""The metrics consumer against the real RabbitMQ on 127.0.0.1:5672 (guest/guest): events
published by Rasa's own pika broker to a queue of this test, a desk database with
tickets, and the consumer's /metrics; and a dropped connection, through a TCP proxy."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from rasa.core.brokers.pika import PikaEventBroker
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.desk import open_desk
from bot.desk.clock import utc_now
from bot.metrics.consumer import Consumer, ConsumerSettings
from tests.support.metrics import Samples, wait_for_sample
from tests.support.services import AMQP
from tests.support.tools import ROOT, free_port

pytestmark = pytest.mark.usefixtures("rabbitmq_server")


def user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.3},
                       parse_data={"intent": {"name": intent, "confidence": 0.3},
                                   "entities": [], "text": text}, input_channel="rest")


CONVERSATION = [user("hi", "greet"), ActionExecuted("utter_greet"), BotUttered("Hello"),
                user("blorf", "nlu_fallback"), ActionExecuted("utter_default"),
                user("zzz", "affirm"), ActionExecuted("action_default_fallback")]


# What CONVERSATION counts. Events of one turn may be counted in any order: a test waits
# for every count it reads, not for one of them.
COUNTED = [("supportbot_user_messages_total", {"channel": "rest"}, 3),
           ("supportbot_fallbacks_total", {"kind": "nlu"}, 1),
           ("supportbot_fallbacks_total", {"kind": "core"}, 1),
           ("supportbot_events_total", {"event": "action"}, 3)]


async def wait_for_samples(port: int, counts: list[tuple[str, dict, float]]) -> Samples:
    """Scrape until every count is reached; counters only grow, so one reached before
    the last still holds in the samples returned (a count past its value never returns)."""
    samples: Samples = {}
    for name, labels, value in counts:
        samples = await wait_for_sample(port, name, labels, value)
    return samples


async def publish(queue: str, exchange: str, events: list, sender: str = "acct-c1") -> None:
    """As Rasa's tracker store streams a turn: {"sender_id"} + event.as_dict()."""
    broker = PikaEventBroker("localhost", "guest", "guest", queues=[queue],
                             exchange_name=exchange, event_loop=asyncio.get_running_loop())
    await broker.connect()
    for event in events:
        broker.publish({"sender_id": sender, **event.as_dict()})
    while broker._background_tasks:  # Rasa publishes in background tasks
        await asyncio.sleep(0.05)
    await broker.close()


def test_consumer_process_counts_events_and_serves_desk_gauges(tmp_path: Path, names):
    queue, exchange = names
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    desk = open_desk(db)
    desk.file_report("acct-c1", "account_hacked", {"note": "x"}, "k1",
                     now=utc_now() - timedelta(minutes=90))
    desk.file_report("acct-c2", "missing_deposit", {"note": "x"}, "k2")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUPPORTBOT_RABBITMQ_URL": AMQP,
           "SUPPORTBOT_EVENTS_QUEUE": queue, "SUPPORTBOT_METRICS_PORT": str(port),
           "SUPPORTBOT_DB_URL": db}
    consumer = subprocess.Popen([sys.executable, "-m", "bot.metrics.consumer"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        async def run() -> dict:
            await wait_for_sample(port, "supportbot_broker_connected", {}, 1)
            await publish(queue, exchange, CONVERSATION)
            return await wait_for_samples(port, COUNTED)
        samples = asyncio.run(run())
    finally:
        consumer.send_signal(signal.SIGTERM)
        output = consumer.communicate(timeout=30)[0].decode()
    assert consumer.returncode == 0, output
    assert '"event": "metrics_consumer_connected"' in output
    assert '"event": "metrics_consumer_stopped"' in output

    def get(name: str, **labels: str) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert get("supportbot_fallbacks_total", kind="nlu") == 1
    assert get("supportbot_fallbacks_total", kind="core") == 1
    assert get("supportbot_events_total", event="action") == 3
    assert get("supportbot_desk_up") == 1
    assert get("supportbot_tickets_open", category="account_hacked", priority="urgent",
               status="open") == 1
    assert get("supportbot_tickets_open", category="missing_deposit", priority="high",
               status="open") == 1
    assert 90 * 60 <= get("supportbot_queue_oldest_seconds", priority="urgent") < 100 * 60
    assert get("supportbot_tickets_overdue", priority="urgent") == 1
    assert not any("acct-c" in str(key) for key in samples)


class Proxy:
    """A TCP proxy to RabbitMQ whose connections the test can cut, as a network or a
    broker restart would, without disturbing the RabbitMQ others use."""

    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def start(self) -> asyncio.AbstractServer:
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5672)
        self.writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()


def test_consumer_reconnects_when_the_connection_drops(tmp_path: Path, names):
    queue, exchange = names

    async def run() -> None:
        proxy = Proxy()
        server = await proxy.start()
        consumer = Consumer(ConsumerSettings(amqp_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}/",
                                     queue=queue, port=0,
                                     db_url=f"sqlite:///{tmp_path / 'desk.db'}"))
        task = asyncio.create_task(consumer.run())
        try:
            while consumer.port is None:
                await asyncio.sleep(0.05)
            port = consumer.port
            await wait_for_sample(port, "supportbot_broker_connected", {}, 1)
            await publish(queue, exchange, [user("hi", "greet")])
            await wait_for_sample(port, "supportbot_user_messages_total", {"channel": "rest"}, 1)

            proxy.cut()
            await wait_for_sample(port, "supportbot_broker_disconnects_total", {}, 1, timeout=10)
            # Published while the consumer is away: kept in the durable queue.
            await publish(queue, exchange, [user("blorf", "nlu_fallback")])
            await wait_for_sample(port, "supportbot_broker_connected", {}, 1, timeout=30)
            samples = await wait_for_samples(port, [
                ("supportbot_user_messages_total", {"channel": "rest"}, 2),
                ("supportbot_fallbacks_total", {"kind": "nlu"}, 1)])
            assert samples[("supportbot_desk_up", ())] == 0  # no desk here: still scraped
        finally:
            consumer.stop()
            await asyncio.wait_for(task, 15)
            server.close()
    asyncio.run(run())


def test_consumer_metrics_need_the_token_when_one_is_set(tmp_path: Path, monkeypatch):
    """The consumer's own /metrics (served without a broker here) honours
    $SUPPORTBOT_METRICS_TOKEN like Rasa's (tests/metrics/test_endpoint.py)."""
    from bot.metrics.consumer import Consumer, ConsumerSettings

    monkeypatch.setenv("SUPPORTBOT_METRICS_TOKEN", "s3cret-token")
    consumer = Consumer(ConsumerSettings(port=0, db_url=f"sqlite:///{tmp_path / 'desk.db'}"))

    async def run() -> list[int]:
        runner = await consumer.serve()
        statuses = []
        try:
            async with aiohttp.ClientSession() as session:
                for headers in ({}, {"Authorization": "Bearer s3cret-token"}):
                    async with session.get(f"http://127.0.0.1:{consumer.port}/metrics",
                                           headers=headers) as response:
                        statuses.append(response.status)
        finally:
            await runner.cleanup()
        return statuses

    assert asyncio.run(run()) == [401, 200]
