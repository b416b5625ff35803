"""The metrics consumer of the scale-out profile: `python -m bot.metrics.consumer`.

Reads the events Rasa's pika event broker publishes to RabbitMQ, counts user messages and
fallbacks (bot/metrics/events.py), and serves them on its own `GET /metrics` with the
desk's gauges (bot/metrics/desk.py, read at scrape time). One consumer per queue: several
would split the events between them.

Environment (bot/settings/): SUPPORTBOT_RABBITMQ_URL, SUPPORTBOT_EVENTS_QUEUE (the
`queues` of endpoints' event_broker), SUPPORTBOT_METRICS_HOST and _PORT, SUPPORTBOT_DB_URL.

When RabbitMQ drops the connection it reconnects (1 s, doubling to 30 s); the counters
keep counting from where they were. Messages are acknowledged after they are counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aio_pika
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
)
from yarl import URL

from bot.logs import log_event
from bot.metrics.auth import may_scrape, metrics_token
from bot.metrics.desk import DeskCollector
from bot.metrics.events import EventMetrics
from bot.settings import (
    BrokerSettings,
    MetricsSettings,
    Settings,
    SettingsError,
    get_settings,
)

logger = logging.getLogger("bot.metrics.consumer")  # also when run as __main__

DEFAULT_AMQP_URL = BrokerSettings.rabbitmq_url
DEFAULT_QUEUE = BrokerSettings.events_queue  # Rasa's pika broker default
RETRY_FIRST, RETRY_MAX = 1.0, 30.0
PREFETCH = 200  # unacknowledged events in flight; counting one takes microseconds


@dataclass(frozen=True)
class ConsumerSettings:
    amqp_url: str = DEFAULT_AMQP_URL
    queue: str = DEFAULT_QUEUE
    host: str = MetricsSettings.host
    port: int = MetricsSettings.port
    db_url: str | None = None  # None: bot.desk.db's default

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsumerSettings:
        """The process's settings (bot.settings), or those `env` would give."""
        read = get_settings() if env is None else Settings.from_env(env)
        return cls(amqp_url=read.broker.rabbitmq_url, queue=read.broker.events_queue,
                   host=read.metrics.host, port=read.metrics.port, db_url=read.desk.db_url)

    @property
    def broker(self) -> str:
        """The URL without its password, for logs."""
        return str(URL(self.amqp_url).with_password(None))


class Consumer:
    def __init__(self, settings: ConsumerSettings,
                 registry: CollectorRegistry | None = None) -> None:
        self.settings = settings
        self.registry = registry or CollectorRegistry()
        self.metrics = EventMetrics(self.registry)
        self.desk = DeskCollector(settings.db_url)
        self.registry.register(self.desk)
        ProcessCollector(registry=self.registry)
        self.stopping = asyncio.Event()
        self.port: int | None = None  # the bound port (settings.port 0: any free one)

    # -- /metrics -----------------------------------------------------------------------

    async def _scrape(self, request: web.Request) -> web.Response:
        if not may_scrape(request.headers.get("Authorization"), metrics_token()):
            return web.Response(status=401, text="metrics token required\n",
                                headers={"WWW-Authenticate": "Bearer"})
        # In a thread: the desk query must not hold up consuming.
        body = await asyncio.to_thread(generate_latest, self.registry)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def serve(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_get("/metrics", self._scrape)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.host, self.settings.port)
        await site.start()
        self.port = runner.addresses[0][1]
        log_event(logger, "metrics_consumer_serving", host=self.settings.host, port=self.port)
        return runner

    # -- RabbitMQ -----------------------------------------------------------------------

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        self.metrics.count(message.body)
        await message.ack()

    async def consume_once(self) -> None:
        """Consume until the connection drops (returns) or `stop` is called."""
        connection = await aio_pika.connect(self.settings.amqp_url, timeout=10)
        closed = asyncio.Event()
        connection.close_callbacks.add(lambda *_: closed.set())
        try:
            channel = await connection.channel()
            channel.close_callbacks.add(lambda *_: closed.set())  # e.g. closed by the broker
            await channel.set_qos(prefetch_count=PREFETCH)
            # Declared as Rasa's broker declares it, so either may start first.
            queue = await channel.declare_queue(self.settings.queue, durable=True)
            await queue.consume(self._on_message)
            self.metrics.connected.set(1)
            log_event(logger, "metrics_consumer_connected", broker=self.settings.broker,
                      queue=self.settings.queue)
            stop = asyncio.ensure_future(self.stopping.wait())
            drop = asyncio.ensure_future(closed.wait())
            await asyncio.wait({stop, drop}, return_when=asyncio.FIRST_COMPLETED)
            for waiter in (stop, drop):
                waiter.cancel()
        finally:
            self.metrics.connected.set(0)
            if not connection.is_closed:
                with contextlib.suppress(Exception):
                    await connection.close()

    async def consume(self) -> None:
        delay = RETRY_FIRST
        while not self.stopping.is_set():
            try:
                await self.consume_once()
                if self.stopping.is_set():
                    return
                self.metrics.disconnects.inc()
                log_event(logger, "metrics_consumer_disconnected", logging.WARNING,
                          broker=self.settings.broker, retry_in_s=RETRY_FIRST)
                delay = RETRY_FIRST
            except (aio_pika.exceptions.AMQPException, OSError, asyncio.TimeoutError) as error:
                self.metrics.disconnects.inc()
                log_event(logger, "metrics_consumer_unavailable", logging.WARNING,
                          broker=self.settings.broker, error=type(error).__name__,
                          retry_in_s=delay)
            except Exception as error:  # noqa: BLE001 - a metrics process outlives surprises
                self.metrics.disconnects.inc()
                logger.exception("metrics consumer")
                log_event(logger, "metrics_consumer_failed", logging.ERROR,
                          broker=self.settings.broker, error=type(error).__name__,
                          retry_in_s=delay)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)
            delay = min(RETRY_MAX, delay * 2)

    def stop(self, *_: Any) -> None:
        self.stopping.set()

    async def run(self) -> None:
        runner = await self.serve()
        try:
            await self.consume()
        finally:
            await runner.cleanup()
            self.desk.close()
            log_event(logger, "metrics_consumer_stopped")


async def _main(settings: ConsumerSettings) -> None:
    consumer = Consumer(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, consumer.stop)
    await consumer.run()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    try:
        settings = ConsumerSettings.from_env()
    except SettingsError as error:  # a value that cannot be read: say which, then stop
        log_event(logger, "metrics_consumer_not_started", logging.ERROR, reason=str(error))
        raise SystemExit(2) from None
    asyncio.run(_main(settings))


if __name__ == "__main__":
    main()
