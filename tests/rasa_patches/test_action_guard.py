"""The guard around Rasa's remote actions (bot/rasa_patches/action_guard.py): Rasa's own
`RemoteAction.run` outside `deliver`, the same error and the same answer; inside it, an
action server that is down or hangs aborts the turn."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.channels.action_guard import ActionServerUnavailable, guard_this_turn


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(run, action: RemoteAction, guarded: bool = False):
    async def call():
        if guarded:
            guard_this_turn()
        return await run(action, None, None, DialogueStateTracker("acct-1", []),
                         Domain.empty())
    return asyncio.run(call())


def _error(run, action: RemoteAction) -> str:
    with pytest.raises(RasaException) as raised:
        _run(run, action)
    return f"{type(raised.value).__name__}: {raised.value}"


def test_outside_deliver_an_unreachable_server_fails_as_in_rasa():
    ours = RemoteAction.run
    assert ours._supportbot
    action = RemoteAction("action_file_report",
                          EndpointConfig(f"http://127.0.0.1:{_closed_port()}/webhook"))
    assert _error(ours, action) == _error(ours._rasas_own, action)


def test_outside_and_inside_deliver_an_answer_gives_rasas_events():
    """A working action server: the same events through ours, guarded or not, and Rasa's."""
    async def webhook(request: web.Request) -> web.Response:
        return web.json_response({"events": [{"event": "slot", "name": "language",
                                              "value": "sv"}], "responses": []})

    async def serve_and_call() -> list:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        action = RemoteAction("action_x", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        tracker, domain = DialogueStateTracker("acct-1", []), Domain.empty()
        try:
            results = [await RemoteAction.run._rasas_own(action, None, None, tracker, domain),
                       await RemoteAction.run(action, None, None, tracker, domain)]
            guard_this_turn()
            results.append(await RemoteAction.run(action, None, None, tracker, domain))
            return results
        finally:
            await runner.cleanup()

    rasas, ours, guarded = asyncio.run(serve_and_call())
    assert rasas == ours == guarded == [SlotSet("language", "sv")]


def test_inside_deliver_an_unreachable_server_aborts_the_turn():
    action = RemoteAction("action_file_report",
                          EndpointConfig(f"http://127.0.0.1:{_closed_port()}/webhook"))
    with pytest.raises(ActionServerUnavailable) as down:
        _run(RemoteAction.run, action, guarded=True)
    assert down.value.kind == "down"


def test_inside_deliver_a_hanging_action_server_times_out(monkeypatch):
    monkeypatch.setenv("SUPPORTBOT_ACTION_TIMEOUT", "0.5")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers: a frozen server
    action = RemoteAction("validate_report_form",
                          EndpointConfig(f"http://127.0.0.1:{listener.getsockname()[1]}/"))
    try:
        with pytest.raises(ActionServerUnavailable) as slow:
            _run(RemoteAction.run, action, guarded=True)
        assert slow.value.kind == "slow"
    finally:
        listener.close()
