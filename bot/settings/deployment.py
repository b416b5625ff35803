"""Operating it: metrics, RabbitMQ and Redis of the scale-out profile, `make run-scaled`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings.declaring import port, positive, setting


@dataclass(frozen=True)
class MetricsSettings:
    """Metrics."""

    token: str = setting(
        "SUPPORTBOT_METRICS_TOKEN", "",
        "the bearer token a scraper must send, on Rasa's `/metrics` and the consumer's",
        shown="unset (open)", secret=True)
    desk: bool = setting(
        "SUPPORTBOT_METRICS_DESK", False,
        "`1`: Rasa's `/metrics` also serves the desk's gauges (a single instance only)")
    host: str = setting(
        "SUPPORTBOT_METRICS_HOST", "127.0.0.1",
        "where the event consumer's `/metrics` listens (`0.0.0.0` for a Prometheus "
        "elsewhere)")
    port: int = setting(
        "SUPPORTBOT_METRICS_PORT", 9105,
        "the event consumer's port (`0`: any free one)", check=port)


@dataclass(frozen=True)
class BrokerSettings:
    """RabbitMQ and Redis (the scale-out profile)."""

    rabbitmq_url: str = setting(
        "SUPPORTBOT_RABBITMQ_URL", "amqp://guest:guest@localhost:5672/",
        "the broker the event consumer reads (the password is never logged)", secret=True,
        shown="`amqp://guest:guest@localhost:5672/`")
    events_queue: str = setting(
        "SUPPORTBOT_EVENTS_QUEUE", "rasa_core_events",
        "the queue the event consumer reads: the `queues` of endpoints' `event_broker`")
    rabbitmq_host: str = setting(
        "SUPPORTBOT_RABBITMQ_HOST", "127.0.0.1",
        "Rasa's event broker (endpoints.scaled.yml)")
    rabbitmq_port: int = setting(
        "SUPPORTBOT_RABBITMQ_PORT", 5672, "its port", check=port)
    rabbitmq_username: str = setting(
        "SUPPORTBOT_RABBITMQ_USERNAME", "guest", "its user")
    rabbitmq_password: str = setting(
        "SUPPORTBOT_RABBITMQ_PASSWORD", "guest", "its password", secret=True,
        shown="`guest`")
    rabbitmq_queue: str = setting(
        "SUPPORTBOT_RABBITMQ_QUEUE", "supportbot_events",
        "the queue Rasa publishes events to")
    redis_host: str = setting(
        "SUPPORTBOT_REDIS_HOST", "127.0.0.1",
        "Rasa's lock store (endpoints.scaled.yml)")
    redis_port: int = setting("SUPPORTBOT_REDIS_PORT", 6379, "its port", check=port)
    redis_db: int = setting("SUPPORTBOT_REDIS_DB", 1, "its database number")
    redis_password: str = setting(
        "SUPPORTBOT_REDIS_PASSWORD", "", "its password", shown="none", secret=True)
    redis_key_prefix: str = setting(
        "SUPPORTBOT_REDIS_KEY_PREFIX", "supportbot", "the prefix of its keys")
    shared_state: str = setting(
        "SUPPORTBOT_SHARED_STATE", "memory",
        "`redis`: per-sender chat limits, remembered languages and console sign-in counts "
        "are kept in that Redis, one budget whatever instance a message reaches "
        "(`make run-scaled` sets it); `memory`: each process keeps its own",
        check=lambda value: None if value in ("memory", "redis")
        else "must be `memory` or `redis`")


@dataclass(frozen=True)
class ScaleoutSettings:
    """`make run-scaled`."""

    pg_url: str | None = setting(
        "SUPPORTBOT_PG_URL", None,
        "the PostgreSQL server the launcher makes its databases on",
        shown="the local PostgreSQL")
    instances: int = setting(
        "SUPPORTBOT_INSTANCES", 2,
        "Rasa instances, each with its own action server (Rasa on 5005, 5006, ...; "
        "actions on 5055, 5056, ...)", check=positive)
    edge_host: str = setting(
        "SUPPORTBOT_EDGE_HOST", "127.0.0.1",
        "the address nginx listens on (`0.0.0.0`: every interface)")
    edge_port: int = setting(
        "SUPPORTBOT_EDGE_PORT", 5000,
        "nginx's port for the chat (`/webhooks/`, `/socket.io/`; nothing else passes)",
        check=port)
    console_edge_port: int = setting(
        "SUPPORTBOT_CONSOLE_EDGE_PORT", 8000,
        "nginx's port for the agent console (its server block of its own)", check=port)
    console_port: int = setting(
        "SUPPORTBOT_CONSOLE_PORT", 8080,
        "the console process's port, on loopback, behind nginx", check=port)
