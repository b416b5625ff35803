"""bot/server.py: what it adds to Rasa's app, and that `rasa run` (only) is given it.
The guards at work on the running server: tests/channels (size limits, API guard),
tests/metrics/test_metrics_live.py, tests/faults (the replay worker)."""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import rasa.cli.run
import rasa.cli.shell
import yaml
from rasa.core.channels.channel import InputChannel
from rasa.plugin import plugin_manager
from rasa.shared.utils.common import class_from_module_path
from sanic import Sanic

from bot import server
from bot.channels.body_limits import BodyLimits

ROOT = Path(__file__).resolve().parents[1]
_names = itertools.count()


def new_app() -> Sanic:
    return Sanic(f"server_test_{next(_names)}")


def test_compose_adds_the_limits_the_guard_and_metrics_once() -> None:
    app = new_app()
    server.compose(app)
    server.compose(app)  # a second call adds nothing
    assert app.config.REQUEST_MAX_SIZE == BodyLimits.from_settings().body_bytes
    assert app.ctx.supportbot_api_guard is True
    assert len(app.request_middleware) == 1  # the API guard
    assert [route.path for route in app.router.routes] == ["metrics"]


def test_rasa_run_gets_the_listeners_and_shell_does_not() -> None:
    run = argparse.Namespace(func=rasa.cli.run.run)
    server.configure_commandline(run)
    assert run.server_listeners == server.SERVER_LISTENERS
    assert [event for _, event in run.server_listeners] == [
        "main_process_start", "after_server_start", "before_server_stop"]
    shell = argparse.Namespace(func=rasa.cli.shell.shell)
    server.configure_commandline(shell)
    assert not hasattr(shell, "server_listeners")


def test_registered_once_rasa_calls_the_hook() -> None:
    server.register()
    server.register()
    hooks = plugin_manager().hook.configure_commandline.get_hookimpls()
    assert [impl.plugin_name for impl in hooks].count(server.__name__) == 1
    run = argparse.Namespace(func=rasa.cli.run.run)
    assert plugin_manager().hook.configure_commandline(cmdline_arguments=run) == []
    assert run.server_listeners == server.SERVER_LISTENERS


def test_credentials_yml_lists_chat_channels_only() -> None:
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    channels = {path: class_from_module_path(path) for path in credentials}
    assert all(issubclass(cls, InputChannel) for cls in channels.values())
    assert sorted(cls.name() for cls in channels.values()) == ["chatpage", "rest", "socketio"]


def test_every_route_of_the_server_is_in_its_docstring(monkeypatch) -> None:
    from rasa.core.run import configure_app, create_http_input_channels

    monkeypatch.setattr(Sanic, "test_mode", True)  # Rasa's fixed app names, built twice
    rasas_own = {route.path for route in configure_app([], auth_token="t").router.routes}
    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    app = configure_app(channels, auth_token="t")
    server.compose(app)
    ours = {route.path for route in app.router.routes} - rasas_own
    assert {"metrics", "webhooks/rest/webhook", "socket.io"} <= ours
    listed = set((server.__doc__ or "").split())
    missing = [path for path in ours
               if "/" + path.replace("<name:str>", "<name>") not in listed]
    assert missing == [], "list these routes in bot/server.py's docstring"
