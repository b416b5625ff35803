"""The scale-out profile's real services: PostgreSQL, Redis and RabbitMQ on localhost.

Each fixture checks its service with a real connection and skips, naming what failed,
only when it is absent. Nothing shared is touched: PostgreSQL databases are created per
test session and dropped after; Redis keys carry a per-session prefix and only those are
deleted; the RabbitMQ queue name is unique.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

from bot.scaleout.services import (
    PG_CANDIDATES,
    create_database,
    drop_database,
    first_reachable_postgres,
    with_database,
)

RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of a reachable PostgreSQL ($SUPPORTBOT_TEST_PG_URL first), else skip."""
    env_url = os.environ.get("SUPPORTBOT_TEST_PG_URL")
    candidates = ([env_url] if env_url else []) + list(PG_CANDIDATES)
    url, errors = first_reachable_postgres(candidates)
    if url is None:
        pytest.skip("PostgreSQL unreachable: " + "; ".join(errors))
    return url


@pytest.fixture(scope="session")
def pg_database(postgres_server: str) -> Iterator[str]:
    """A throw-away database `sb_test_<random>`, dropped at the end of the session."""
    name = f"sb_test_{RUN_ID}"
    create_database(postgres_server, name)
    try:
        yield with_database(postgres_server, name)
    finally:
        drop_database(postgres_server, name)


@pytest.fixture(scope="session")
def redis_server() -> tuple[str, int]:
    import redis

    host, port = "127.0.0.1", int(os.environ.get("SUPPORTBOT_TEST_REDIS_PORT", "6379"))
    try:
        redis.Redis(host=host, port=port, socket_timeout=3).ping()
    except (redis.RedisError, OSError) as exc:
        pytest.skip(f"Redis unreachable at {host}:{port}: {exc}")
    return host, port


@pytest.fixture(scope="session")
def rabbitmq_server() -> tuple[str, int]:
    """RabbitMQ answers AMQP on 5672 (a real handshake with guest/guest)."""
    import asyncio

    import aio_pika

    host, port = "127.0.0.1", 5672

    async def probe() -> None:
        connection = await aio_pika.connect(host=host, port=port, login="guest",
                                            password="guest", timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncio.TimeoutError, aio_pika.exceptions.AMQPError) as exc:
        pytest.skip(f"RabbitMQ unreachable at {host}:{port}: {exc!r}")
    return host, port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def scaled(trained_model, postgres_server: str, redis_server, rabbitmq_server,
           tmp_path_factory: pytest.TempPathFactory):
    """The scaled stack once per module: two Rasa instances and two action servers behind
    the balancer, on throw-away PostgreSQL databases, a Redis key prefix of its own and a
    RabbitMQ queue of its own; all removed afterwards."""
    import asyncio

    import aio_pika
    import redis

    from bot.scaleout.launcher import ScaledStack, Services
    from bot.scaleout.services import drop_database

    run = uuid.uuid4().hex[:10]
    desk_db, tracker_db = f"sb_test_{run}_desk", f"sb_test_{run}_tracker"
    (redis_host, redis_port), (rabbit_host, rabbit_port) = redis_server, rabbitmq_server
    services = Services(
        desk_url=with_database(postgres_server, desk_db),
        tracker_url=with_database(postgres_server, tracker_db),
        redis_host=redis_host, redis_port=redis_port, redis_key_prefix=f"sbtest{run}",
        rabbitmq_host=rabbit_host, rabbitmq_port=rabbit_port,
        rabbitmq_queue=f"sb_test_{run}",
    )
    stack = ScaledStack(
        services=services, rasa_ports=(free_port(), free_port()),
        actions_ports=(free_port(), free_port()), balancer_port=free_port(),
        # No metrics consumer: test_events_reach_rabbitmq reads the events queue itself.
        console_port=None, metrics_port=None, model=str(trained_model),
        log_dir=tmp_path_factory.mktemp("scaled") / "log",
        env={
            "SUPPORTBOT_RASA_TOKEN": "test-rasa-token",
            "SUPPORTBOT_IDENTITY_KEY": "test-identity-key-" + "k" * 32,
            "SUPPORTBOT_DEV_LOGIN": "0",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        for name in (desk_db, tracker_db):
            drop_database(postgres_server, name)
        client = redis.Redis(host=redis_host, port=redis_port, db=services.redis_db)
        for key in client.scan_iter(f"{services.redis_key_prefix}:*"):
            client.delete(key)

        async def delete_queue() -> None:
            connection = await aio_pika.connect(host=rabbit_host, port=rabbit_port,
                                                login="guest", password="guest")
            async with connection:
                channel = await connection.channel()
                await channel.queue_delete(services.rabbitmq_queue)

        asyncio.run(delete_queue())
