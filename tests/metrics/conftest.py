"""RabbitMQ for the consumer tests (a real connection decides whether they run) and the
desk's database fixtures."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import aio_pika
import pytest

# The desk's SQLite / PostgreSQL fixtures (`@pytest.mark.both_backends`, `db_url`).
from tests.desk.conftest import (  # noqa: F401
    backend,
    db_url,
    postgres_server,
    pytest_configure,
    pytest_generate_tests,
)

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def rabbitmq_answers() -> bool:
    async def connect() -> None:
        connection = await aio_pika.connect(AMQP, timeout=5)
        await connection.close()
    try:
        asyncio.run(connect())
        return True
    except Exception:  # noqa: BLE001 - any failure means: no RabbitMQ to test against
        return False


needs_rabbitmq = pytest.mark.skipif(not rabbitmq_answers(),
                                    reason="no RabbitMQ on 127.0.0.1:5672 (guest/guest)")


@pytest.fixture
def names() -> Iterator[tuple[str, str]]:
    """A queue and an exchange of this test only (Rasa's default exchange is shared by
    anything else publishing on this RabbitMQ); deleted afterwards."""
    suffix = uuid.uuid4().hex[:10]
    queue, exchange = f"test_metrics_{suffix}", f"test-metrics-{suffix}"
    yield queue, exchange

    async def delete() -> None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)
            await channel.exchange_delete(exchange)
    asyncio.run(delete())
