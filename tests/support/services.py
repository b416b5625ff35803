"""The services some tests need (PostgreSQL, Redis, RabbitMQ, chromium, the shared
datasets) and one way to say one is missing.

On a developer's machine a missing service skips the tests that need it, naming it. In CI
(`SUPPORTBOT_REQUIRE_SERVICES=1`, set by .ci/run) it fails them: a green run there means
every test ran.
"""

from __future__ import annotations

import asyncio
import os
from typing import NoReturn

import pytest

from bot.scaleout.services import PG_CANDIDATES, first_reachable_postgres

REQUIRE_SERVICES = "SUPPORTBOT_REQUIRE_SERVICES"
AMQP_HOST, AMQP_PORT = "127.0.0.1", 5672
AMQP = f"amqp://guest:guest@{AMQP_HOST}:{AMQP_PORT}/"


def services_required() -> bool:
    return os.environ.get(REQUIRE_SERVICES, "0") == "1"


def missing(what: str) -> NoReturn:
    """Skip (or, with SUPPORTBOT_REQUIRE_SERVICES=1, fail) the test that needs `what`."""
    if services_required():
        pytest.fail(f"{what} ({REQUIRE_SERVICES}=1: a missing service is a failure)",
                    pytrace=False)
    pytest.skip(what, allow_module_level=True)


def postgres_url() -> str:
    """URL of a reachable PostgreSQL ($SUPPORTBOT_TEST_PG_URL first)."""
    env_url = os.environ.get("SUPPORTBOT_TEST_PG_URL")
    url, errors = first_reachable_postgres(([env_url] if env_url else []) + list(PG_CANDIDATES))
    if url is None:
        missing("PostgreSQL unreachable: " + "; ".join(errors))
    return url


def redis_address() -> tuple[str, int]:
    import redis

    host, port = "127.0.0.1", int(os.environ.get("SUPPORTBOT_TEST_REDIS_PORT", "6379"))
    try:
        redis.Redis(host=host, port=port, socket_timeout=3).ping()
    except (redis.RedisError, OSError) as exc:
        missing(f"Redis unreachable at {host}:{port}: {exc}")
    return host, port


def rabbitmq_address() -> tuple[str, int]:
    """RabbitMQ answers AMQP (a real handshake with guest/guest)."""
    import aio_pika

    async def probe() -> None:
        connection = await aio_pika.connect(AMQP, timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncio.TimeoutError, aio_pika.exceptions.AMQPError) as exc:
        missing(f"RabbitMQ unreachable at {AMQP_HOST}:{AMQP_PORT}: {exc!r}")
    return AMQP_HOST, AMQP_PORT


@pytest.fixture(scope="session")
def postgres_server() -> str:
    return postgres_url()


@pytest.fixture(scope="session")
def redis_server() -> tuple[str, int]:
    return redis_address()


@pytest.fixture(scope="session")
def rabbitmq_server() -> tuple[str, int]:
    return rabbitmq_address()
