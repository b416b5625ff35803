"""Rasa's endpoint calls over kept-alive connections (bot/rasa_patches/pooled_endpoints.py), against
real servers on localhost: the same answers as Rasa's own `EndpointConfig.request`."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.rasa_patches import pooled_endpoints

# Installed by tests/conftest.py, as bot/run_rasa.py installs it.
ours = EndpointConfig.request
rasas_own = ours._rasas_own


def _app(peers: list[Any], bodies: list[Any]) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        bodies.append(await request.json())
        return web.json_response({"token": request.query.get("token"),
                                  "header": request.headers.get("X-Bot"),
                                  "body": bodies[-1]})

    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="not json")

    app = web.Application()
    app.router.add_post("/webhook", echo)
    app.router.add_post("/fail", fail)
    app.router.add_post("/plain", plain)
    return app


def _serve(body: Callable[[str, list, list], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        peers: list[Any] = []
        bodies: list[Any] = []
        runner = web.AppRunner(_app(peers, bodies))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        pooled_endpoints.start_pooling()
        try:
            return await body(f"http://127.0.0.1:{port}", peers, bodies)
        finally:
            await pooled_endpoints.close_sessions()
            await runner.cleanup()

    return asyncio.run(main())


def test_calls_share_one_connection_and_answer_as_rasas_own():
    message = {"text": "hej då / åäö", "n": [1, 2.5, None, True]}

    async def body(url: str, peers: list, bodies: list) -> None:
        endpoint = EndpointConfig(url, token="secret", headers={"X-Bot": "yes"})
        answers = [await endpoint.request(json=message, subpath="webhook") for _ in range(3)]
        assert len(set(peers)) == 1  # one TCP connection for the three calls
        expected = await rasas_own(endpoint, json=message, subpath="webhook")
        assert answers == [expected] * 3
        assert expected == {"token": "secret", "header": "yes", "body": message}
        assert len(set(peers)) == 2  # Rasa's own opened a connection of its own

    _serve(body)


def test_errors_and_non_json_answers_as_rasas_own():
    async def body(url: str, peers: list, bodies: list) -> None:
        endpoint = EndpointConfig(url)
        for call in (ours, rasas_own):
            with pytest.raises(ClientResponseError) as error:
                await call(endpoint, json={}, subpath="fail")
            assert error.value.status == 500
            assert await call(endpoint, json={}, subpath="plain") is None

    _serve(body)


def test_sessions_close_with_the_server_and_reopen():
    async def body(url: str, peers: list, bodies: list) -> None:
        endpoint = EndpointConfig(url)
        await endpoint.request(json={}, subpath="webhook")
        session = pooled_endpoints.session_for(endpoint)
        await pooled_endpoints.close_sessions()
        assert session.closed
        # Stopped: Rasa's own per-call sessions again, until pooling starts anew.
        assert await endpoint.request(json={"again": 1}, subpath="webhook")
        assert len(set(peers)) == 2 and pooled_endpoints._sessions == {}
        pooled_endpoints.start_pooling()
        assert await endpoint.request(json={"again": 2}, subpath="webhook")
        assert pooled_endpoints.session_for(endpoint) is not session

    _serve(body)


def _closing_server(
    connections: list[asyncio.StreamWriter],
) -> Callable[[], Awaitable[asyncio.AbstractServer]]:
    """Answers the first request on each connection and keeps it alive, then closes the
    connection on the next request without answering: an idle close racing a request."""
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              b"Content-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\": 1}\r\n")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        for turn in range(2):
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            await reader.readexactly(length)
            if turn == 1:
                break
            writer.write(answer)
            await writer.drain()
        writer.close()

    async def start() -> asyncio.AbstractServer:
        return await asyncio.start_server(handle, "127.0.0.1", 0)

    return start


def test_a_request_on_a_connection_closed_under_it_is_sent_again():
    connections: list[asyncio.StreamWriter] = []

    async def main() -> list[Any]:
        server = await _closing_server(connections)()
        port = server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}")
        pooled_endpoints.start_pooling()
        try:
            return [await endpoint.request(json={"i": i}) for i in range(3)]
        finally:
            await pooled_endpoints.close_sessions()
            for writer in connections:
                writer.close()
            server.close()
            await server.wait_closed()

    assert asyncio.run(main()) == [{"ok": 1}] * 3
    # 1st call opens a connection; the 2nd is dropped there and sent on a new one; the
    # 3rd reuses that one, is dropped, and goes on a third connection.
    assert len(connections) == 3


def test_a_refused_connection_is_not_retried_and_reads_as_down():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]

    async def main() -> None:
        pooled_endpoints.start_pooling()
        try:
            await EndpointConfig(f"http://127.0.0.1:{port}").request(json={})
        finally:
            await pooled_endpoints.close_sessions()

    with pytest.raises(aiohttp.ClientConnectorError):
        asyncio.run(main())
