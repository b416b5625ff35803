"""`python -m bot.scaleout` (`make run-scaled`): the scale-out profile on one machine.

N Rasa instances (5005, 5006, ...), each with its own action server (5055, 5056, ...),
behind nginx (deploy/nginx: the chat on 5000, the console on 8000), sharing a PostgreSQL
tracker store and desk, a Redis lock store and a RabbitMQ event broker
(endpoints.scaled.yml); the agent console and the metrics consumer beside them. Before
anything starts: the PostgreSQL databases are created if missing, the desk is migrated
(`supportbot db upgrade`) and Rasa's tracker table created, so instances starting at
once race on nothing. Then supervisord runs every process (bot/supervision.py, as for
`make run`): each restarted alone with back-off, its log rotated; Ctrl-C or SIGTERM
stops everything. As with `make run`, each action server listens on loopback and
takes only calls carrying the secret (bot/action_server), and no secret is on any command
line or in any written config: the passwords and tokens go in the environment.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import make_url

from bot.logs import log_event
from bot.private_files import PRIVATE_UMASK, private_dir
from bot.scaleout.services import (
    PG_CANDIDATES,
    create_database,
    first_reachable_postgres,
    prepare_tracker_store,
    with_database,
)
from bot.serve import NO_TELEMETRY, RASA, ROOT, Stack
from bot.settings import VAR, Settings, get_settings
from bot.supervision import Program, control, render, stop_supervisord
from deploy.nginx.edge import nginx_binary
from deploy.nginx.render import EdgeSettings, write_standalone

logger = logging.getLogger(__name__)
BIN = Path(RASA).parent
SUPPORTBOT = str(BIN / "supportbot")


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
    def from_settings(cls, settings: Settings) -> Services:
        """The settings' servers. Both databases must be PostgreSQL, shared by every
        instance: a SQLite URL (the default of `make run`) is replaced by databases
        `supportbot` (desk) and `supportbot_tracker` (tracker and outbox) on the first
        reachable local PostgreSQL (or SUPPORTBOT_PG_URL's server)."""
        desk, tracker = settings.desk.db_url, settings.desk.tracker_db_url
        if _sqlite(desk) or _sqlite(tracker):
            candidates = [settings.scaleout.pg_url] if settings.scaleout.pg_url else PG_CANDIDATES
            server, errors = first_reachable_postgres(candidates)
            if server is None:
                raise SystemExit("PostgreSQL unreachable: " + "; ".join(errors))
            desk = with_database(server, "supportbot") if _sqlite(desk) else desk
            tracker = with_database(server, "supportbot_tracker") if _sqlite(tracker) else tracker
        broker = settings.broker
        return cls(
            desk_url=desk, tracker_url=tracker,
            redis_host=broker.redis_host, redis_port=broker.redis_port,
            redis_db=broker.redis_db, redis_password=broker.redis_password,
            redis_key_prefix=broker.redis_key_prefix,
            rabbitmq_host=broker.rabbitmq_host, rabbitmq_port=broker.rabbitmq_port,
            rabbitmq_username=broker.rabbitmq_username,
            rabbitmq_password=broker.rabbitmq_password, rabbitmq_queue=broker.rabbitmq_queue,
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
            # Per-sender limits, remembered languages and console sign-in counts in that
            # Redis: one budget per sender across the instances (bot/shared_state.py).
            "SUPPORTBOT_SHARED_STATE": "redis",
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


def _sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@dataclass
class ScaledStack:
    services: Services
    rasa_ports: tuple[int, ...] = (5005, 5006)
    actions_ports: tuple[int, ...] = (5055, 5056)
    edge_host: str = "127.0.0.1"
    edge_port: int = 5000  # nginx: the chat
    console_edge_port: int | None = 8000  # nginx: the console; None with console_port
    console_port: int | None = 8080  # the console process, on loopback; None: not started
    metrics_port: int | None = 9105  # the event consumer's /metrics; None: not started
    model: str = "models"
    endpoints: str = "endpoints.scaled.yml"
    env: dict[str, str] = field(default_factory=dict)  # on top of the services' variables
    run_dir: Path = VAR / "scaled"  # supervisord's config and socket, nginx's prefix
    log_dir: Path = VAR / "log" / "scaled"
    edge_overrides: dict[str, Any] = field(default_factory=dict)  # EdgeSettings fields
    process: subprocess.Popen | None = None  # supervisord

    @property
    def url(self) -> str:
        """The chat as users reach it: through nginx."""
        return f"http://127.0.0.1:{self.edge_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_edge_port}"

    @property
    def config(self) -> Path:
        return self.run_dir / "supervisord.conf"

    def prepare(self) -> None:
        """Databases, desk migrations and the tracker table, once, before any instance."""
        for url in (self.services.desk_url, self.services.tracker_url):
            parsed = make_url(url)
            if parsed.get_backend_name() == "postgresql" and parsed.database:
                server = parsed.set(database="postgres").render_as_string(hide_password=False)
                create_database(server, parsed.database)
        result = subprocess.run(
            [SUPPORTBOT, "db", "upgrade"], cwd=ROOT, capture_output=True, text=True,
            env=self.process_env(), timeout=300, umask=PRIVATE_UMASK)
        if result.returncode != 0:
            raise RuntimeError(f"supportbot db upgrade failed: {result.stderr.strip()}")
        prepare_tracker_store(self.services.tracker_url)
        log_event(logger, "scaled_prepared", desk=_safe(self.services.desk_url),
                  tracker=_safe(self.services.tracker_url))

    def process_env(self) -> dict[str, str]:
        """supervisord's environment, which every program inherits: the secrets stay
        here and out of the files written."""
        return {**NO_TELEMETRY, **os.environ, **self.services.env(),
                "SUPPORTBOT_RASA_URL": self.url, **self.env}

    def edge(self) -> EdgeSettings:
        listen = f"{self.edge_host}:{{}}"
        console = self.console_port and self.console_edge_port
        return EdgeSettings(
            listen=listen.format(self.edge_port),
            rasa=tuple(f"127.0.0.1:{port}" for port in self.rasa_ports),
            access_log=str(self.log_dir / "nginx-access.log"),
            console=f"127.0.0.1:{self.console_port}" if console else None,
            console_listen=listen.format(self.console_edge_port),
            **self.edge_overrides)

    def programs(self) -> list[Program]:
        """Every process, as supervisord starts them: the commands of `make run`
        (bot.serve.Stack) once per instance, then the console, the metrics consumer
        and nginx."""
        programs = []
        for number, (rasa_port, actions_port) in enumerate(
                zip(self.rasa_ports, self.actions_ports, strict=True), start=1):
            node = Stack(rasa_port=rasa_port, actions_port=actions_port, model=self.model,
                         endpoints=self.endpoints).commands()
            programs += [
                Program(f"actions{number}", node["actions"], priority=10),
                # Loading the model takes tens of seconds: up 10 s counts as started.
                Program(f"rasa{number}", node["rasa"], priority=20, startsecs=10,
                        startretries=5, stopwaitsecs=30, environment={
                            "SUPPORTBOT_ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook",
                            "SUPPORTBOT_ACTIONS_HEALTH_URL":
                                f"http://127.0.0.1:{actions_port}/health"}),
            ]
        if self.console_port:
            programs.append(Program(
                "console", [SUPPORTBOT, "console", "--port", str(self.console_port)],
                priority=30,
                # Sign-in attempts count per client address: Sanic takes it from the
                # X-Forwarded-For nginx sets, trusting that one proxy.
                environment={"SANIC_PROXIES_COUNT": "1"}))
        if self.metrics_port:
            programs.append(Program(
                "metrics", [sys.executable, "-m", "bot.metrics.consumer"], priority=30,
                environment={"SUPPORTBOT_METRICS_PORT": str(self.metrics_port)}))
        binary = nginx_binary()
        if binary is None:
            raise SystemExit("nginx is not installed (apt-get install nginx-light)")
        prefix = self.run_dir / "nginx"
        conf = write_standalone(self.edge(), prefix)
        check = subprocess.run([binary, "-t", "-q", "-p", str(prefix), "-c", str(conf)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered config: {check.stderr}")
        # QUIT: nginx finishes the requests it holds, then exits.
        programs.append(Program(
            "nginx", [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            priority=40, stopsignal="QUIT"))
        return programs

    def health_urls(self) -> dict[str, str]:
        urls = {}
        for number, (rasa_port, actions_port) in enumerate(
                zip(self.rasa_ports, self.actions_ports, strict=True), start=1):
            urls[f"actions{number}"] = f"http://127.0.0.1:{actions_port}/health"
            urls[f"rasa{number}"] = f"http://127.0.0.1:{rasa_port}/"
        if self.console_port:
            urls["console"] = f"http://127.0.0.1:{self.console_port}/login"
        if self.metrics_port:
            urls["metrics"] = f"http://127.0.0.1:{self.metrics_port}/metrics"
        urls["nginx"] = f"{self.url}/webhooks/chatpage/"
        return urls

    def write(self) -> Path:
        """nginx's directory and supervisord.conf in run_dir; the config's path."""
        private_dir(self.run_dir)
        private_dir(self.log_dir)
        self.config.write_text(render(self.programs(), run_dir=self.run_dir.resolve(),
                                      log_dir=self.log_dir.resolve(), directory=ROOT,
                                      writer="bot/scaleout/launcher.py (`make run-scaled`)"),
                               encoding="utf-8")
        return self.config

    def supervisord_command(self) -> list[str]:
        return [str(BIN / "supervisord"), "-c", str(self.write())]

    def start(self, timeout: float = 300) -> ScaledStack:
        """Prepare, start supervisord in the background and wait until every program
        answers (tests, benchmarks); `main` runs supervisord in the foreground."""
        self.prepare()
        self.process = subprocess.Popen(
            self.supervisord_command(), cwd=ROOT, env=self.process_env(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            umask=PRIVATE_UMASK)
        try:
            for name in self.health_urls():
                self.wait_ready(name, timeout)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise
        log_event(logger, "scaled_started", edge=self.url,
                  rasa=list(self.rasa_ports), actions=list(self.actions_ports))
        return self

    def control(self) -> Any:
        """supervisord's XML-RPC interface (what supervisorctl talks to), over its socket."""
        return control(self.run_dir)

    def info(self, name: str) -> dict[str, Any]:
        """supervisord's view of a program: `statename`, `pid`, `start`, ..."""
        return self.control().supervisor.getProcessInfo(name)

    def pid(self, name: str) -> int:
        return int(self.info(name)["pid"])

    def wait_ready(self, name: str, timeout: float) -> None:
        url = self.health_urls()[name]
        deadline = time.monotonic() + timeout
        while not _answers(url):
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"supervisord exited; see {self.log_dir}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not ready after {timeout:.0f}s; see {self.log_dir}")
            time.sleep(0.5)

    def stop(self, timeout: float = 90) -> None:
        stop_supervisord(self.process, timeout)


def _answers(url: str) -> bool:
    """Any HTTP answer counts (a 401 of a token-guarded /metrics too)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def stack_from_settings(settings: Settings) -> ScaledStack:
    scaleout = settings.scaleout
    count = range(scaleout.instances)
    return ScaledStack(
        services=Services.from_settings(settings),
        rasa_ports=tuple(5005 + i for i in count),
        actions_ports=tuple(5055 + i for i in count),
        edge_host=scaleout.edge_host, edge_port=scaleout.edge_port,
        console_edge_port=scaleout.console_edge_port, console_port=scaleout.console_port,
        metrics_port=settings.metrics.port or None)


def main() -> int:
    stack = stack_from_settings(get_settings())
    stack.prepare()
    command = stack.supervisord_command()
    print("\n".join([
        "supportbot (scaled) starts under supervisord (Ctrl-C stops it):",
        f"  chat (nginx)   {stack.url}/webhooks/chatpage/  (REST: /webhooks/rest/webhook)",
        f"  console        {stack.console_url}/",
        *(f"  Rasa           http://127.0.0.1:{port}/  (loopback: API, /metrics)"
          for port in stack.rasa_ports),
        f"  metrics        http://127.0.0.1:{stack.metrics_port}/metrics",
        f"  status         {BIN / 'supervisorctl'} -c {stack.config} status",
        f"  logs           {stack.log_dir}/",
    ]), flush=True)
    os.umask(PRIVATE_UMASK)
    # supervisord takes this process's place: Ctrl-C and SIGTERM reach it directly.
    os.execve(command[0], command, stack.process_env())
    return 0  # not reached

