"""`python -m bot.scaleout` (`make run-scaled`): the scale-out profile on one machine.

Two Rasa instances (5005, 5006), each with its own action server (5055, 5056), behind
the balancer (5000), sharing a PostgreSQL tracker store and desk, a Redis lock store
and a RabbitMQ event broker (endpoints.scaled.yml); the agent console on 8080. Before
anything starts: the PostgreSQL databases are created if missing, the desk is migrated
(`supportbot db upgrade`) and Rasa's tracker table created, so instances starting at
once race on nothing. Each pair runs under bot.serve's Supervisor (a crashed process is
restarted); Ctrl-C or SIGTERM stops everything. As with `make run`, each action server
listens on loopback and takes only calls carrying the secret (bot/action_server), and no
secret is on any command line: the databases' passwords and the tokens go in the
environment.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from bot.logs import log_event
from bot.private_files import PRIVATE_UMASK
from bot.scaleout.services import (
    PG_CANDIDATES,
    create_database,
    first_reachable_postgres,
    prepare_tracker_store,
    with_database,
)
from bot.serve import NO_TELEMETRY, RASA, ROOT, Stack, Supervisor, serve_until_stopped

logger = logging.getLogger(__name__)
SUPPORTBOT = str(Path(RASA).with_name("supportbot"))


@dataclass
class Services:
    """Where the shared services are; every field ends up in the processes' environment."""

    desk_url: str  # SUPPORTBOT_DB_URL: the queue and the suspension registry
    tracker_url: str  # SUPPORTBOT_TRACKER_DB_URL: conversations, and the outbox beside them
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    redis_password: str = ""
    redis_key_prefix: str = "supportbot"  # letters and digits only (Rasa's rule)
    rabbitmq_host: str = "127.0.0.1"
    rabbitmq_port: int = 5672
    rabbitmq_username: str = "guest"
    rabbitmq_password: str = "guest"
    rabbitmq_queue: str = "supportbot_events"

    @classmethod
    def from_env(cls) -> Services:
        """Server URLs from the environment; else the local PostgreSQL, with databases
        `supportbot` (desk) and `supportbot_tracker` (tracker and outbox)."""
        env = os.environ.get
        desk, tracker = env("SUPPORTBOT_DB_URL", ""), env("SUPPORTBOT_TRACKER_DB_URL", "")
        if not (desk and tracker):
            server, errors = first_reachable_postgres(
                [env("SUPPORTBOT_PG_URL", "")] if env("SUPPORTBOT_PG_URL") else PG_CANDIDATES)
            if server is None:
                raise SystemExit("PostgreSQL unreachable: " + "; ".join(errors))
            desk = desk or with_database(server, "supportbot")
            tracker = tracker or with_database(server, "supportbot_tracker")
        return cls(
            desk_url=desk, tracker_url=tracker,
            redis_host=env("SUPPORTBOT_REDIS_HOST", "127.0.0.1"),
            redis_port=int(env("SUPPORTBOT_REDIS_PORT", "6379")),
            redis_db=int(env("SUPPORTBOT_REDIS_DB", "1")),
            redis_password=env("SUPPORTBOT_REDIS_PASSWORD", ""),
            redis_key_prefix=env("SUPPORTBOT_REDIS_KEY_PREFIX", "supportbot"),
            rabbitmq_host=env("SUPPORTBOT_RABBITMQ_HOST", "127.0.0.1"),
            rabbitmq_port=int(env("SUPPORTBOT_RABBITMQ_PORT", "5672")),
            rabbitmq_username=env("SUPPORTBOT_RABBITMQ_USERNAME", "guest"),
            rabbitmq_password=env("SUPPORTBOT_RABBITMQ_PASSWORD", "guest"),
            rabbitmq_queue=env("SUPPORTBOT_RABBITMQ_QUEUE", "supportbot_events"),
        )

    def redis_url(self) -> str:
        auth = f":{quote(self.redis_password, safe='')}@" if self.redis_password else ""
        return f"redis://{auth}{self.redis_host}:{self.redis_port}/{self.redis_db}"

    def env(self) -> dict[str, str]:
        return {
            "SUPPORTBOT_DB_URL": self.desk_url,
            "SUPPORTBOT_TRACKER_DB_URL": self.tracker_url,
            # Migrated once by the launcher; several action servers must not race on it.
            "SUPPORTBOT_AUTO_MIGRATE": "0",
            "SUPPORTBOT_REDIS_HOST": self.redis_host,
            "SUPPORTBOT_REDIS_PORT": str(self.redis_port),
            "SUPPORTBOT_REDIS_DB": str(self.redis_db),
            "SUPPORTBOT_REDIS_PASSWORD": self.redis_password,
            "SUPPORTBOT_REDIS_KEY_PREFIX": self.redis_key_prefix,
            # socket.io emits through Redis: a push via one instance reaches a page on
            # another (bot/channels/socket.py).
            "SUPPORTBOT_SOCKETIO_REDIS_URL": self.redis_url(),
            "SUPPORTBOT_SOCKETIO_REDIS_CHANNEL": f"{self.redis_key_prefix}-socketio",
            "SUPPORTBOT_RABBITMQ_HOST": self.rabbitmq_host,
            "SUPPORTBOT_RABBITMQ_PORT": str(self.rabbitmq_port),
            "SUPPORTBOT_RABBITMQ_USERNAME": self.rabbitmq_username,
            "SUPPORTBOT_RABBITMQ_PASSWORD": self.rabbitmq_password,
            "SUPPORTBOT_RABBITMQ_QUEUE": self.rabbitmq_queue,
            # The metrics consumer (bot/metrics/consumer.py) reads the same queue.
            "SUPPORTBOT_RABBITMQ_URL": self.amqp_url(),
            "SUPPORTBOT_EVENTS_QUEUE": self.rabbitmq_queue,
        }

    def amqp_url(self) -> str:
        user = quote(self.rabbitmq_username, safe="")
        password = quote(self.rabbitmq_password, safe="")
        return f"amqp://{user}:{password}@{self.rabbitmq_host}:{self.rabbitmq_port}/"


@dataclass
class BalancerProcess(Stack):
    """The balancer and the metrics consumer (RabbitMQ events + desk gauges on
    /metrics) as supervised child processes (bot.serve's Stack and Supervisor)."""

    balancer_port: int = 5000
    backends: tuple[str, ...] = ()
    metrics_port: int | None = 9105

    def commands(self) -> dict[str, list[str]]:
        args = [sys.executable, "-m", "bot.scaleout.balancer",
                "--port", str(self.balancer_port)]
        for url in self.backends:
            args += ["--backend", url]
        commands = {"balancer": args}
        if self.metrics_port:
            commands["metrics"] = [sys.executable, "-m", "bot.metrics.consumer"]
        return commands

    def health_url(self, name: str) -> str:
        if name == "metrics":
            return f"http://localhost:{self.metrics_port}/metrics"
        return f"http://localhost:{self.balancer_port}/_balancer/health"


@dataclass
class ScaledStack:
    services: Services
    rasa_ports: tuple[int, ...] = (5005, 5006)
    actions_ports: tuple[int, ...] = (5055, 5056)
    balancer_port: int = 5000
    console_port: int | None = 8080
    metrics_port: int | None = 9105  # the event consumer's /metrics; None: not started
    model: str = "models"
    endpoints: str = "endpoints.scaled.yml"
    env: dict[str, str] = field(default_factory=dict)  # on top of the services' variables
    log_dir: Path = ROOT / "var" / "log" / "scaled"
    nodes: list[Stack] = field(default_factory=list)
    balancer: BalancerProcess | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.balancer_port}"

    def prepare(self) -> None:
        """Databases, desk migrations and the tracker table, once, before any instance."""
        for url in (self.services.desk_url, self.services.tracker_url):
            parsed = make_url(url)
            if parsed.get_backend_name() == "postgresql" and parsed.database:
                server = parsed.set(database="postgres").render_as_string(hide_password=False)
                create_database(server, parsed.database)
        result = subprocess.run(
            [SUPPORTBOT, "db", "upgrade"], cwd=ROOT, capture_output=True, text=True,
            env={**NO_TELEMETRY, **os.environ, **self.common_env()}, timeout=300,
            umask=PRIVATE_UMASK)
        if result.returncode != 0:
            raise RuntimeError(f"supportbot db upgrade failed: {result.stderr.strip()}")
        prepare_tracker_store(self.services.tracker_url)
        log_event(logger, "scaled_prepared", desk=_safe(self.services.desk_url),
                  tracker=_safe(self.services.tracker_url))

    def common_env(self) -> dict[str, str]:
        return {**self.services.env(), "SUPPORTBOT_RASA_URL": self.url, **self.env}

    def build(self) -> None:
        self.nodes = []
        for index, (rasa_port, actions_port) in enumerate(
                zip(self.rasa_ports, self.actions_ports, strict=True)):
            node = Stack(rasa_port=rasa_port, actions_port=actions_port,
                         console_port=self.console_port if index == 0 else None,
                         model=self.model, endpoints=self.endpoints,
                         log_dir=self.log_dir / f"node{index + 1}")
            node.env = {**self.common_env(),
                        "SUPPORTBOT_ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook",
                        "SUPPORTBOT_ACTIONS_HEALTH_URL": f"http://127.0.0.1:{actions_port}/health"}
            self.nodes.append(node)
        self.balancer = BalancerProcess(
            log_dir=self.log_dir / "balancer",
            env={**self.common_env(), "SUPPORTBOT_METRICS_PORT": str(self.metrics_port or 0)},
            balancer_port=self.balancer_port, metrics_port=self.metrics_port,
            backends=tuple(f"http://127.0.0.1:{port}" for port in self.rasa_ports))

    def start(self, timeout: float = 300, supervise: bool = True) -> ScaledStack:
        self.prepare()
        self.build()
        stacks: list[Stack] = [*self.nodes, self.balancer]
        # Spawn every process first and wait after: the instances load their models in
        # parallel instead of one after the other.
        for stack in stacks:
            for name in stack.commands():
                stack._spawn(name)
        try:
            for stack in stacks:
                for name in stack.commands():
                    stack.wait_ready(name, timeout)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise
        if supervise:
            for stack in stacks:
                stack.supervisor = Supervisor(stack)
                stack.supervisor.start()
        log_event(logger, "scaled_started", balancer=self.url,
                  rasa=list(self.rasa_ports), actions=list(self.actions_ports))
        return self

    def stop(self) -> None:
        if self.balancer:
            self.balancer.stop()
        for node in self.nodes:
            node.stop()


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def main() -> int:
    stack = ScaledStack(services=Services.from_env(),
                        balancer_port=int(os.environ.get("SUPPORTBOT_BALANCER_PORT", "5000")))
    return serve_until_stopped(stack, [
        "supportbot (scaled) is up (Ctrl-C stops it):",
        f"  load balancer  {stack.url}/webhooks/chatpage/  (REST: /webhooks/rest/webhook)",
        *(f"  Rasa           http://localhost:{port}/" for port in stack.rasa_ports),
        f"  agent console  http://localhost:{stack.console_port}/",
        f"  metrics        http://localhost:{stack.metrics_port}/metrics",
    ])
