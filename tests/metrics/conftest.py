"""A queue and an exchange of their own for the consumer tests on the real RabbitMQ
(`rabbitmq_server`: tests/support/services.py)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import aio_pika
import pytest

from tests.support.services import AMQP


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
