"""What the scaled launcher writes for supervisord and nginx, read back by supervisord's
own parser and checked by `nginx -t` (no Rasa, no services needed)."""

from __future__ import annotations

import shlex
import signal
import subprocess
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from bot.metrics.consumer import ConsumerSettings
from bot.scaleout.launcher import ScaledStack, Services, stack_from_settings
from bot.settings import Settings
from bot.shared_state import SharedState
from deploy.nginx.edge import nginx_binary
from tests.support.services import missing

PASSWORD = "p@ss:w/rd%"


@pytest.fixture(autouse=True)
def _nginx() -> None:
    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")


def services(**overrides: object) -> Services:
    values = dict(desk_url="postgresql://u@db/supportbot",
                  tracker_url="postgresql://u@db/supportbot_tracker",
                  rabbitmq_username="bot", rabbitmq_password=PASSWORD,
                  rabbitmq_queue="events", redis_password=PASSWORD)
    return Services(**{**values, **overrides})  # type: ignore[arg-type]


def stack(tmp_path: Path, **overrides: object) -> ScaledStack:
    values = dict(services=services(), run_dir=tmp_path / "run", log_dir=tmp_path / "log",
                  env={"SUPPORTBOT_RASA_TOKEN": "rasa-token-secret"})
    return ScaledStack(**{**values, **overrides})  # type: ignore[arg-type]


def parsed(config: Path) -> tuple[ServerOptions, dict]:
    options = ServerOptions()
    options.realize(args=["-c", str(config)])
    return options, {p.name: p for group in options.process_group_configs
                     for p in group.process_configs}


def test_supervisord_runs_each_process_alone_with_back_off_and_rotated_logs(tmp_path):
    scaled = stack(tmp_path)
    options, programs = parsed(scaled.write())
    assert sorted(programs) == ["actions1", "actions2", "console", "metrics", "nginx",
                               "rasa1", "rasa2"]
    assert options.umask == 0o077 and options.nodaemon
    assert options.logfile_maxbytes == 10 * 1024 * 1024 and options.logfile_backups == 5
    for program in programs.values():
        assert program.autorestart is RestartUnconditionally
        assert program.startretries >= 5  # then FATAL, logged, not a restart loop
        assert program.stopasgroup and program.killasgroup
        assert program.stdout_logfile == str(tmp_path / "log" / f"{program.name}.log")
        assert program.stdout_logfile_maxbytes == 10 * 1024 * 1024
        assert program.stdout_logfile_backups == 5
    by_priority = sorted(programs.values(), key=lambda p: p.priority)
    assert [p.name for p in by_priority][-1] == "nginx"
    assert programs["rasa1"].startsecs == 10  # loading the model is not a crash loop
    assert programs["nginx"].stopsignal == signal.SIGQUIT  # graceful


def test_each_instance_calls_its_own_action_server(tmp_path):
    scaled = stack(tmp_path, rasa_ports=(6005, 6006, 6007), actions_ports=(6055, 6056, 6057))
    _, programs = parsed(scaled.write())
    for number, (rasa, actions) in enumerate(zip(scaled.rasa_ports, scaled.actions_ports,
                                                 strict=True), start=1):
        command = shlex.split(programs[f"rasa{number}"].command)
        assert command[command.index("--port") + 1] == str(rasa)
        assert command[command.index("--endpoints") + 1] == "endpoints.scaled.yml"
        assert programs[f"rasa{number}"].environment["SUPPORTBOT_ACTIONS_URL"] == (
            f"http://127.0.0.1:{actions}/webhook")
        command = shlex.split(programs[f"actions{number}"].command)
        assert command[command.index("--port") + 1] == str(actions)
    # The console counts sign-ins per address from the one proxy in front of it.
    assert programs["console"].environment == {"SANIC_PROXIES_COUNT": "1"}


def test_no_secret_is_written_and_nginx_accepts_its_config(tmp_path):
    scaled = stack(tmp_path)
    config = scaled.write().read_text()
    nginx_conf = scaled.run_dir / "nginx" / "nginx.conf"
    for text in (config, *(p.read_text() for p in (scaled.run_dir / "nginx").rglob("*.conf"))):
        assert PASSWORD not in text and "rasa-token-secret" not in text
    check = subprocess.run([nginx_binary(), "-t", "-p", str(nginx_conf.parent),
                            "-c", str(nginx_conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    sites = {p.name for p in (scaled.run_dir / "nginx" / "sites").iterdir()}
    assert sites == {"supportbot.conf", "supportbot_console.conf"}
    # The secrets travel in supervisord's environment, which the programs inherit.
    env = scaled.process_env()
    assert env["SUPPORTBOT_RABBITMQ_PASSWORD"] == PASSWORD
    assert env["SUPPORTBOT_RASA_URL"] == f"http://127.0.0.1:{scaled.edge_port}"


def test_the_metrics_consumer_reads_the_brokers_queue_with_the_same_credentials(tmp_path):
    scaled = stack(tmp_path, metrics_port=9200)
    _, programs = parsed(scaled.write())
    settings = ConsumerSettings.from_env({**scaled.process_env(),
                                          **programs["metrics"].environment})
    assert settings.queue == "events" and settings.port == 9200
    assert settings.amqp_url == "amqp://bot:p%40ss%3Aw%2Frd%25@127.0.0.1:5672/"
    assert "p@ss" not in settings.broker  # logged without the password


def test_every_process_keeps_limits_and_languages_in_the_lock_stores_redis(tmp_path):
    scaled = stack(tmp_path)
    state = SharedState.from_settings(Settings.from_env(scaled.process_env()).broker)
    assert state.redis_url == scaled.services.redis_url()  # the lock store's, password too
    assert state.key_prefix == scaled.services.redis_key_prefix


def test_without_console_or_consumer_neither_is_started(tmp_path):
    scaled = stack(tmp_path, console_port=None, metrics_port=None)
    _, programs = parsed(scaled.write())
    assert set(programs) == {"actions1", "actions2", "rasa1", "rasa2", "nginx"}
    assert not (scaled.run_dir / "nginx" / "sites" / "supportbot_console.conf").exists()


def test_the_stack_follows_the_settings():
    settings = Settings.from_env({
        "SUPPORTBOT_DB_URL": "postgresql://u@db/desk",
        "SUPPORTBOT_TRACKER_DB_URL": "postgresql://u@db/tracker",
        "SUPPORTBOT_INSTANCES": "3", "SUPPORTBOT_EDGE_PORT": "7000",
        "SUPPORTBOT_EDGE_HOST": "0.0.0.0", "SUPPORTBOT_CONSOLE_EDGE_PORT": "7001",
        "SUPPORTBOT_REDIS_PORT": "6380", "SUPPORTBOT_RABBITMQ_QUEUE": "q"})
    scaled = stack_from_settings(settings)
    assert scaled.rasa_ports == (5005, 5006, 5007)
    assert scaled.actions_ports == (5055, 5056, 5057)
    assert (scaled.edge_host, scaled.edge_port, scaled.console_edge_port) == (
        "0.0.0.0", 7000, 7001)
    assert scaled.edge().listen == "0.0.0.0:7000"
    assert scaled.edge().console_listen == "0.0.0.0:7001"
    assert scaled.services.desk_url == "postgresql://u@db/desk"
    assert (scaled.services.redis_port, scaled.services.rabbitmq_queue) == (6380, "q")
