"""The scale-out profile's real services: PostgreSQL, Redis and RabbitMQ on localhost.

Each service is checked with a real connection (tests/support/services.py), which skips,
naming what failed, only when it is absent (and fails in CI). Nothing shared is touched:
PostgreSQL databases are created per test session and dropped after; Redis keys carry a
per-session prefix and only those are deleted; the RabbitMQ queue name is unique.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from bot.scaleout.services import (
    create_database,
    drop_database,
    with_database,
)
from tests.support.services import missing
from tests.support.tools import free_port

RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"


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
def scaled(trained_model, postgres_server: str, redis_server, rabbitmq_server,
           tmp_path_factory: pytest.TempPathFactory):
    """The scaled stack once per run, under supervisord: two Rasa instances and two
    action servers behind nginx, the console behind it too, on throw-away PostgreSQL
    databases, a Redis key prefix of its own and a RabbitMQ queue of its own; all
    removed afterwards. Its files run on one worker (tests/support/workers.py), in file
    order: test_scaled_stack.py, whose last test kills an instance, comes last."""
    import asyncio

    import aio_pika
    import redis

    from bot.scaleout.launcher import ScaledStack, Services
    from bot.scaleout.services import drop_database
    from deploy.nginx.edge import nginx_binary

    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
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
    base = tmp_path_factory.mktemp("scaled")
    stack = ScaledStack(
        services=services, rasa_ports=(free_port(), free_port()),
        actions_ports=(free_port(), free_port()), edge_port=free_port(),
        console_edge_port=free_port(), console_port=free_port(),
        # No metrics consumer: test_events_reach_rabbitmq reads the events queue itself.
        metrics_port=None, model=str(trained_model),
        run_dir=base / "run", log_dir=base / "log",
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
