"""Patches `rasa.utils.endpoints.EndpointConfig.request`: Rasa's calls to its HTTP
endpoints (the action server, twice or more per message) over kept-alive connections.

Rasa 3.6's `EndpointConfig.request` opens a new aiohttp session, and so a new TCP
connection, for every call, and encodes the body (the whole tracker) with the standard
library's json: ~0.6 ms and ~0.25 ms of the Rasa process per call here
(bench/results/profile.md). Here each endpoint keeps one session per event loop, with
ujson (a Rasa dependency; ~2.5x faster on a tracker) for the body.

Connection reuse has one hazard: a server closing an idle connection at the moment a
request is sent on it. Idle connections are dropped here after `KEEPALIVE_S`, well
before the action server (Sanic: 5 s) or common proxies close theirs; and a request
whose connection was closed under it before any answer came is sent once more, on a
new connection (the server closed an idle connection: it did not run the call; a server
that died mid-call refuses the second attempt, and the turn is kept for replay as
before). Everything else is Rasa's behaviour: headers, token, auth, TLS, compression,
timeout, a `ClientResponseError` for a status >= 400, and None for a body that is not
JSON.

Sessions live as long as the server: the delivery service (bot/channels/delivery.py)
calls `start_pooling` when Rasa's server starts and `close_sessions` when it stops.
Elsewhere (a script or test driving Rasa in its own short-lived loop) calls go through
Rasa's own code, so no connection outlives its loop.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Callable
from typing import Any

import aiohttp
import ujson
from aiohttp import ContentTypeError
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import (
    DEFAULT_REQUEST_TIMEOUT,
    ClientResponseError,
    EndpointConfig,
    concat_url,
)

from bot.rasa_patches.patching import Patch

KEEPALIVE_S = 2.0
# By loop and what a session carries for every call.
_sessions: dict[tuple[Any, ...], aiohttp.ClientSession] = {}
_pooling: set[asyncio.AbstractEventLoop] = set()


def _dumps(value: Any) -> str:
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


def start_pooling() -> None:
    """Keep connections on the running loop from now until `close_sessions`."""
    _pooling.add(asyncio.get_running_loop())


def session_for(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The endpoint's session on the running loop, made on first use."""
    loop = asyncio.get_running_loop()
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"],
                                 endpoint.basic_auth["password"])
    key = (loop, tuple(sorted((endpoint.headers or {}).items())), auth)
    session = _sessions.get(key)
    if session is None or session.closed:
        session = aiohttp.ClientSession(
            headers=endpoint.headers, auth=auth, json_serialize=_dumps,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
        )
        _sessions[key] = session
    return session


async def close_sessions() -> None:
    """Close this loop's sessions (the server is stopping)."""
    loop = asyncio.get_running_loop()
    _pooling.discard(loop)
    for key in [k for k in _sessions if k[0] is loop]:
        await _sessions.pop(key).close()


def _closed_under_us(error: aiohttp.ClientError) -> bool:
    """The server closed a kept-alive connection before answering: send once more.
    Not a refused connection: nothing was sent, and the server is down."""
    return not isinstance(error, aiohttp.ClientConnectorError)


def pooled_request(rasas_own: Callable[..., Any]) -> Callable[..., Any]:
    """A replacement for `EndpointConfig.request` (rasa/utils/endpoints.py)."""

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        if asyncio.get_running_loop() not in _pooling:
            return await rasas_own(self, method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        sslcontext = None
        if self.cafile:
            try:
                sslcontext = ssl.create_default_context(cafile=self.cafile)
            except FileNotFoundError as e:
                raise FileNotFoundException(
                    f"Failed to find certificate file, "
                    f"'{os.path.abspath(self.cafile)}' does not exist.") from e
        params = self.combine_parameters(kwargs)
        url = concat_url(self.url, subpath)
        for attempt in (1, 2):
            try:
                async with session_for(self).request(
                    method, url, headers=headers, params=params, compress=compress,
                    ssl=sslcontext, **kwargs,
                ) as response:
                    if response.status >= 400:
                        raise ClientResponseError(response.status, response.reason,
                                                  await response.content.read())
                    try:
                        return await response.json(loads=ujson.loads)
                    except ContentTypeError:
                        return None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
                if attempt == 2 or not _closed_under_us(error):
                    raise
        raise AssertionError("unreachable")

    return request


PATCH = Patch("rasa.utils.endpoints", "EndpointConfig", "request", pooled_request)
