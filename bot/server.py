"""The Rasa server as supportbot runs it: every route, middleware and worker of the Rasa
process, wired here.

`python -m bot.run_rasa run ...` is `rasa run ...`. Rasa builds its Sanic app
(rasa.core.run.configure_app: its HTTP API with --enable-api, then the chat channels of
credentials.yml under /webhooks/) and registers the `server_listeners` it is given. This
module gives it `SERVER_LISTENERS` through Rasa's own plugin hook `configure_commandline`
(rasa.plugin; `register()` adds this module as a plugin): `rasa run` passes its
arguments on to `rasa.core.run.serve_application`, whose `server_listeners` is one of
them. No Rasa function is replaced for this. `compose` runs on `main_process_start`,
before Sanic finalises the routes and the middleware, and once for all Sanic workers.

Routes (Rasa's own HTTP API aside: /, /status, /model/*, /conversations/*, ... with
--enable-api and its token)
    POST /webhooks/rest/webhook          chat: REST, Bearer token     credentials.yml:
    GET  /webhooks/rest                  its health check               bot.channels.rest
    /socket.io                           chat: socket.io (the page)   credentials.yml:
    GET  /webhooks/socketio              its health check               bot.channels.socket
    POST /webhooks/socketio/push         a decision or question to      (bot.channels.push)
                                         the user's open page, Rasa's token
    GET  /webhooks/chatpage              the chat page                credentials.yml:
    GET  /webhooks/chatpage/history      the signed-in user's history   bot.channels.chat_page
    GET  /webhooks/chatpage/static/<name>  its script and styles
    GET  /metrics                        Prometheus, counts only      here: bot.metrics.endpoint

Middleware, on every request (chat channels and Rasa's API alike)
    body limits   a body over SUPPORTBOT_MAX_BODY_BYTES: 413 in words,  bot.channels.body_limits
                  before anything reads it
    API guard     malformed JSON to Rasa's API: 400, not a 500          bot.channels.api_guard

Workers, started after the server starts, stopped before it stops
    delivery          replays the outbox; pings the action server  bot.channels.delivery
    pooled endpoints  the action server calls' connection pool     bot.rasa_patches.pooled_endpoints

The chat channels themselves stay in credentials.yml, Rasa's seam for them (bot/channels/);
what each user message goes through there is bot/channels/intake.py, and in the action
server actions/per_message.py.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pluggy
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels import api_guard, body_limits, delivery
from bot.metrics.endpoint import metrics_blueprint

hookimpl = pluggy.HookimplMarker("rasa")  # rasa.plugin's project name

Listener = Callable[[Sanic, asyncio.AbstractEventLoop], Any]


def compose(app: Sanic, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Add to Rasa's app everything of supportbot's that is not a chat channel."""
    if getattr(app.ctx, "supportbot_composed", False):
        return
    app.ctx.supportbot_composed = True
    body_limits.install(app)  # Sanic's 100 MB default -> SUPPORTBOT_MAX_BODY_BYTES
    api_guard.install(app)
    app.blueprint(metrics_blueprint())


def rasa_handler(app: Sanic) -> Callable[[UserMessage], Awaitable[None]]:
    """What Rasa gives its channels to hand a message to the agent
    (rasa.core.channels.channel.register); the replay worker hands messages over so."""
    async def handle(message: UserMessage) -> None:
        await app.ctx.agent.handle_message(message)
    return handle


async def start_workers(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
    await delivery.start_worker(rasa_handler(app))


async def stop_workers(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
    await delivery.stop_worker()


SERVER_LISTENERS: list[tuple[Listener, str]] = [
    (compose, "main_process_start"),
    (start_workers, "after_server_start"),
    (stop_workers, "before_server_stop"),
]


@hookimpl
def configure_commandline(cmdline_arguments: argparse.Namespace) -> None:
    """`rasa run` gets supportbot's server: its arguments go on to serve_application."""
    import rasa.cli.run

    if getattr(cmdline_arguments, "func", None) is not rasa.cli.run.run:
        return None  # `rasa shell` and the others: Rasa's own app
    given = getattr(cmdline_arguments, "server_listeners", None) or []
    cmdline_arguments.server_listeners = [*given, *SERVER_LISTENERS]
    return None  # no endpoints file of ours (what rasa_plus would answer)


def register() -> None:
    """Make this module a Rasa plugin, once per process (before Rasa's main runs)."""
    import sys

    from rasa.plugin import plugin_manager

    module = sys.modules[__name__]
    if not plugin_manager().is_registered(module):
        plugin_manager().register(module)
