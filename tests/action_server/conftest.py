"""A real action server (`python -m bot.action_server`) on a free port, with its own
SQLite desk, for the tests that forge calls to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.desk import Desk, make_engine, migrate

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "actions-secret-" + "q" * 40


@dataclass
class Answer:
    status: int
    text: str

    def json(self) -> object:
        return json.loads(self.text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers or {},
                                     method=method or ("POST" if body is not None else "GET"))
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode("utf-8", "replace"))


@dataclass
class ActionServer:
    url: str
    desk_url: str
    log: Path
    process: subprocess.Popen

    def post(self, body: bytes, headers: dict[str, str] | None = None,
             path: str = "/webhook") -> Answer:
        return http(self.url + path, body, {"Content-Type": "application/json",
                                            **(headers or {})})

    def call(self, call: dict, headers: dict[str, str] | None = None) -> Answer:
        return self.post(json.dumps(call).encode(), headers)

    def desk(self) -> Desk:
        return Desk(make_engine(self.desk_url))


def start_action_server(tmp: Path, actions: str = "actions",
                        env: dict[str, str] | None = None) -> ActionServer:
    port = free_port()
    desk_url = f"sqlite:///{tmp / 'desk.db'}"
    migrate(desk_url)  # tests write to it before the server's first call would
    log = tmp / "actions.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.action_server", "--port", str(port),
             "--actions", actions],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "SUPPORTBOT_DB_URL": desk_url,
                 "SUPPORTBOT_ACTIONS_TOKEN": TOKEN, **(env or {})})
    server = ActionServer(f"http://127.0.0.1:{port}", desk_url, log, process)
    deadline = time.monotonic() + 120
    while True:
        try:
            if http(server.url + "/health").status == 200:
                return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("action server did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory):
    server = start_action_server(tmp_path_factory.mktemp("actions"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=30)
