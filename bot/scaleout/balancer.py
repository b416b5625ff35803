"""A small HTTP and WebSocket load balancer in front of several Rasa instances.

    python -m bot.scaleout.balancer --port 5000 --backend http://127.0.0.1:5005 \
        --backend http://127.0.0.1:5006

REST and everything else: round-robin. socket.io (/socket.io/, polling and WebSocket): the
same instance for the same client address, because a socket.io session lives in one
process. A backend that refuses a connection is skipped and retried later; health checks
bring it back. A request that reached a backend which then failed is not sent to another
one unless it is a read (GET/HEAD/OPTIONS): a user's message may already be handled, and
the outbox of the shared tracker database replays it if it was not. Every proxied call
has a timeout. The user sees an error only when no backend answers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import time
from typing import Any

import aiohttp
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from yarl import URL

from bot.channels.body_limits import BodyLimits
from bot.logs import log_event
from bot.scaleout.pool import Backend, Pool

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = float(os.environ.get("SUPPORTBOT_BALANCER_TIMEOUT", "60"))
CONNECT_TIMEOUT_S = 2.0
HEALTH_INTERVAL_S = 2.0
HEALTH_TIMEOUT_S = 2.0
WS_HEARTBEAT_S = 30.0  # notices a vanished backend on an idle socket
SAFE_TO_RETRY = {"GET", "HEAD", "OPTIONS"}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Headers of one hop only (RFC 9110 7.6.1), plus those aiohttp/Sanic set themselves.
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length",
    "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
    "sec-websocket-accept", "sec-websocket-protocol",
}
UNAVAILABLE = (
    "The assistant is unavailable right now. Please try again in a minute. / "
    "Assistenten är inte tillgänglig just nu. Försök igen om en minut."
)
FAILED = (
    "Something went wrong while your message was handled. It is saved and will be "
    "answered; you don't need to send it again. / Något gick fel när ditt meddelande "
    "hanterades. Det är sparat och kommer att besvaras; du behöver inte skicka det igen."
)


def client_key(request: Request) -> str:
    """The client's address: the first X-Forwarded-For hop (a proxy in front of us),
    else the peer. Only used to keep one client on one backend, never for access."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    return forwarded or request.ip or "unknown"


def forward_headers(request: Request) -> list[tuple[str, str]]:
    """The client's headers minus those of one hop, plus this hop in X-Forwarded-For."""
    headers = [(k, v) for k, v in request.headers.items()
               if k.lower() not in HOP_BY_HOP and k.lower() != "x-forwarded-for"]
    previous = request.headers.get("x-forwarded-for")
    chain = f"{previous}, {request.ip}" if previous else request.ip
    # The host the browser asked for: the backends' socket.io Origin check compares the
    # page's Origin with it (bot/channels/origins.py). A proxy in front has set it.
    if "x-forwarded-host" not in request.headers:
        headers += [("X-Forwarded-Host", request.host),
                    ("X-Forwarded-Proto", request.scheme)]
    return headers + [("X-Forwarded-For", chain)]


def _target(backend: Backend, request: Request, scheme: str = "http") -> URL:
    base = backend.url.replace("http", scheme, 1) if scheme != "http" else backend.url
    query = f"?{request.query_string}" if request.query_string else ""
    return URL(f"{base}{request.path}{query}", encoded=True)


def _never_reached(error: BaseException) -> bool:
    """The backend did not get the request (refused, unreachable, connect timed out)."""
    if isinstance(error, aiohttp.ClientConnectorError):
        return True
    return isinstance(error, aiohttp.ServerTimeoutError) and str(error).startswith(
        "Connection timeout")


def _is_websocket(request: Request) -> bool:
    return (request.headers.get("upgrade", "").lower() == "websocket"
            and "upgrade" in request.headers.get("connection", "").lower())


def _error(reason: str, status: int, message: str) -> HTTPResponse:
    return response.json({"error": reason, "message": message}, status=status)


class Balancer:
    def __init__(self, urls: list[str]) -> None:
        self.pool = Pool(urls)
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientSession | None = None
        self._health: asyncio.Task | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        # auto_decompress=False: bodies pass through byte for byte with their headers.
        self.http = aiohttp.ClientSession(
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
        )
        # A WebSocket lives long: only its connect is timed (heartbeats watch the rest).
        self.ws = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT_S))
        self._health = asyncio.get_running_loop().create_task(self._check_health())

    async def stop(self) -> None:
        if self._health:
            self._health.cancel()
            await asyncio.gather(self._health, return_exceptions=True)
        for session in (self.http, self.ws):
            if session:
                await session.close()

    async def _check_health(self) -> None:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_S)
        while True:
            for backend in self.pool.backends:
                try:
                    async with self.http.get(f"{backend.url}/", timeout=timeout) as answer:
                        healthy = answer.status == 200
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    healthy = False
                if healthy:
                    self.pool.mark_up(backend)
                else:
                    self.pool.mark_down(backend, "health_check")
            await asyncio.sleep(HEALTH_INTERVAL_S)

    # -- requests -----------------------------------------------------------------------

    def order(self, request: Request) -> list[Backend]:
        if request.path.startswith("/socket.io"):
            return self.pool.sticky(client_key(request))
        return self.pool.round_robin()

    async def handle(self, request: Request) -> HTTPResponse | None:
        if _is_websocket(request):
            return await self.websocket(request)
        return await self.forward(request)

    async def forward(self, request: Request) -> HTTPResponse:
        assert self.http is not None
        headers = forward_headers(request)
        for backend in self.order(request):
            try:
                async with self.http.request(
                    request.method, _target(backend, request), headers=headers,
                    data=request.body or None, allow_redirects=False,
                ) as upstream:
                    body = await upstream.read()
                    status, upstream_headers = upstream.status, upstream.headers
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                reached = not _never_reached(error)
                self.pool.mark_down(backend, type(error).__name__)
                if reached and request.method not in SAFE_TO_RETRY:
                    log_event(logger, "backend_failed", logging.ERROR, backend=backend.url,
                              path=request.path, error=type(error).__name__)
                    return _error("backend_failed", 502, FAILED)
                continue
            self.pool.mark_up(backend)
            kept = [(k, v) for k, v in upstream_headers.items() if k.lower() not in HOP_BY_HOP]
            return response.raw(body, status=status, headers=kept,
                                content_type=upstream_headers.get("content-type"))
        log_event(logger, "no_backend", logging.ERROR, path=request.path)
        return _error("unavailable", 503, UNAVAILABLE)

    async def websocket(self, request: Request) -> HTTPResponse | None:
        """Connect to a backend first, then accept the client: a dead backend is skipped
        before the client has a socket."""
        assert self.ws is not None
        headers = forward_headers(request)
        for backend in self.order(request):
            try:
                upstream = await self.ws.ws_connect(
                    _target(backend, request, "ws"), headers=headers,
                    heartbeat=WS_HEARTBEAT_S, autoping=True)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                self.pool.mark_down(backend, type(error).__name__)
                continue
            break
        else:
            log_event(logger, "no_backend", logging.ERROR, path=request.path, websocket=True)
            return _error("unavailable", 503, UNAVAILABLE)
        client = await request.transport.get_protocol().websocket_handshake(request)
        try:
            await _pipe(client, upstream)
        finally:
            await upstream.close()
            with contextlib.suppress(Exception):
                await client.close()
        return None


async def _pipe(client: Any, upstream: aiohttp.ClientWebSocketResponse) -> None:
    """Copy frames both ways until either side closes."""

    async def client_to_upstream() -> None:
        while True:
            data = await client.recv()
            if data is None:
                return
            if isinstance(data, bytes):
                await upstream.send_bytes(data)
            else:
                await upstream.send_str(data)

    async def upstream_to_client() -> None:
        async for message in upstream:
            if message.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                await client.send(message.data)
            else:
                return

    tasks = [asyncio.ensure_future(client_to_upstream()),
             asyncio.ensure_future(upstream_to_client())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def create_app(urls: list[str], name: str = "supportbot_balancer") -> Sanic:
    app = Sanic(name, configure_logging=False)  # one format: the launcher's log lines
    # The backends' body limit here too: no 100 MB body is read only to be refused.
    limits = BodyLimits.from_env()
    app.config.REQUEST_MAX_SIZE = app.config.WEBSOCKET_MAX_SIZE = limits.body_bytes
    app.enable_websocket()  # upgrades are handled in the catch-all route below
    balancer = app.ctx.balancer = Balancer(urls)

    @app.listener("before_server_start")
    async def _start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        await balancer.start()

    @app.listener("after_server_stop")
    async def _stop(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        await balancer.stop()

    @app.get("/_balancer/health")
    async def health(_: Request) -> HTTPResponse:
        now = time.monotonic()
        backends = {b.url: b.alive(now) for b in balancer.pool.backends}
        return response.json({"status": "ok", "backends": backends})

    async def proxy(request: Request, path: str = "") -> HTTPResponse | None:
        return await balancer.handle(request)

    # Sanic checks a handler's return value unless it is marked as a WebSocket handler;
    # this one returns None after it took over an upgraded connection.
    proxy.is_websocket = True  # type: ignore[attr-defined]
    app.add_route(proxy, "/", methods=METHODS, name="proxy_root")
    app.add_route(proxy, "/<path:path>", methods=METHODS, name="proxy_path")
    return app


def backends_from_env() -> list[str]:
    raw = os.environ.get("SUPPORTBOT_BALANCER_BACKENDS", "")
    return [url.strip() for url in raw.split(",") if url.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--backend", action="append", default=None, metavar="URL",
                        help="a Rasa instance (repeat; default $SUPPORTBOT_BALANCER_BACKENDS)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    urls = args.backend or backends_from_env()
    if not urls:
        parser.error("no backends: pass --backend URL or set SUPPORTBOT_BALANCER_BACKENDS")
    create_app(urls).run(host=args.host, port=args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
