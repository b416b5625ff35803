"""The chat's doors on the running stack, used raw: REST posts, the socket.io client a
page is, Rasa's tracker API, and a search of everything the stack stored."""

from __future__ import annotations

import asyncio
import http.client
import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import socketio


def post(stack, body: bytes, token: str | None = None, path: str = "/webhooks/rest/webhook",
         headers: dict | None = None) -> tuple[int, object]:
    """A raw POST; (status, parsed JSON body or the text)."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://localhost:{stack.rasa_port}{path}", data=body,
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def tracker(stack, account: str) -> dict:
    url = (f"http://localhost:{stack.rasa_port}/conversations/{account}/tracker"
           f"?token={stack.env['SUPPORTBOT_RASA_TOKEN']}")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def user_events(stack, account: str) -> list[dict]:
    return [e for e in tracker(stack, account)["events"] if e["event"] == "user"]


def _tmp_dir(stack) -> Path:
    return Path(stack.db.removeprefix("sqlite:///")).parent


def find_anywhere(stack, needles: list[str]) -> dict[str, list[str]]:
    """Where each needle occurs: every table of every database of the stack (tracker,
    desk, outbox, ...), every log file."""
    found: dict[str, list[str]] = {}
    tmp = _tmp_dir(stack)
    databases = sorted(tmp.glob("*.db"))
    assert {"tracker.db", "desk.db"} <= {db.name for db in databases}
    for db in databases:
        with sqlite3.connect(db) as conn:
            tables = [r[0] for r in conn.execute("select name from sqlite_master "
                                                 "where type='table'")]
            for table in tables:
                for row in conn.execute(f'select * from "{table}"'):
                    cell = " ".join(map(str, row))
                    for needle in needles:
                        if needle.lower() in cell.lower():
                            found.setdefault(needle, []).append(f"{db.name}:{table}")
    for log in stack.log_dir.rglob("*"):
        if log.is_file():
            content = log.read_text(errors="replace").lower()
            for needle in needles:
                if needle.lower() in content:
                    found.setdefault(needle, []).append(str(log.name))
    return found


class Page:
    """A socket.io client that keeps what the server sends (long-polling: this aiohttp
    is too old for engineio's websocket client; the browser test uses websockets)."""

    def __init__(self, stack, token: str | None) -> None:
        self.url = f"http://localhost:{stack.rasa_port}"
        self.auth = {"token": token} if token else {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: dict[str, list] = {"bot_uttered": [], "chat_error": [],
                                          "session_confirm": [], "connect_error": []}
        for event in self.received:
            self.client.on(event, lambda data=None, e=event: self.received[e].append(data))

    async def connect(self, wait_timeout: float = 10) -> bool:
        """Whether the server let the client in. A refusal is recorded at once (its
        `connect_error`), but this client still waits `wait_timeout` before it gives up:
        a test that expects a refusal passes a short one and checks `connect_error`."""
        try:
            await self.client.connect(self.url, auth=self.auth, socketio_path="/socket.io",
                                      transports=["polling"], wait_timeout=wait_timeout)
        except socketio.exceptions.ConnectionError:
            return False
        return True

    async def refusal(self) -> tuple[bool, list]:
        """For a client the server should refuse: whether it was let in anyway, and the
        server's `connect_error` events (a refusal, not a client that gave up waiting)."""
        connected = await self.connect(wait_timeout=1)
        errors = await self.wait_for("connect_error", timeout=5)
        await self.close()
        return connected, errors

    async def wait_for(self, event: str, count: int = 1, timeout: float = 60) -> list:
        for _ in range(int(timeout * 10)):
            if len(self.received[event]) >= count:
                break
            await asyncio.sleep(0.1)
        return self.received[event]

    async def close(self) -> None:
        await self.client.disconnect()


def raw_post(stack, path: str, headers: dict[str, str], body: bytes, declared: int | None = None
             ) -> tuple[int, dict]:
    """POST that declares `declared` bytes but sends only `body`, then reads the answer:
    what a client streaming a huge body gets before it has sent it all."""
    connection = http.client.HTTPConnection("localhost", stack.rasa_port, timeout=60)
    try:
        connection.putrequest("POST", path)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(declared or len(body)))
        connection.endheaders()
        try:
            connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking it all: as intended
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


async def websocket_hello(url: str, token: str, headers: dict[str, str] | None = None
                          ) -> list[str]:
    """The chat page's transport used raw: engine.io over a WebSocket at `url`
    (".../socket.io/?EIO=4&transport=websocket"), signed in with `token`, "hello" sent;
    every frame until the bot's answer."""
    frames: list[str] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(
            url, headers=headers or {}) as ws:
        assert (await ws.receive(timeout=10)).data.startswith("0{")  # engine.io open
        await ws.send_str("40" + json.dumps({"token": token}))
        await ws.send_str('42["session_request",{}]')
        await ws.send_str('42["user_uttered",{"message":"hello"}]')
        while not any("bot_uttered" in f for f in frames):
            frame = (await ws.receive(timeout=60)).data
            if frame == "2":  # engine.io ping
                await ws.send_str("3")
            frames.append(frame)
    return frames
