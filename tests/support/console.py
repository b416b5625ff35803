"""Console fixtures: a real `supportbot console` process on a free port, a temp SQLite
desk, a fake Rasa tracker store, and a small cookie-keeping HTTP client."""

from __future__ import annotations

import http.client
import http.cookiejar
import http.server
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.console.auth import hash_password
from bot.desk import Desk, make_engine, migrate
from bot.desk.db import PROJECT_ROOT
from bot.desk.records import format_ticket_ref
from tests.support.tools import free_port

PASSWORD = "correct horse battery"
SECRET = "test-secret-" + "x" * 32


def make_tracker_db(path: Path) -> None:
    """The table Rasa's SQLTrackerStore writes, with one conversation in it."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
        "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
        "action_name VARCHAR(255), data TEXT)"
    )
    t0 = time.time() - 600
    rows = [
        ("user", "greet", {"text": "hi there", "message_id": "m1", "intent": "greet"}),
        ("action", None, {"name": "action_session_start"}),
        ("bot", None, {"text": "You are suspended from live chat until tomorrow."}),
        (
            "user",
            "insult",
            {"text": "you are all useless idiots", "message_id": "m2", "intent": "insult"},
        ),
        ("bot", None, {"text": "I understand you are upset."}),
        (
            "user",
            "report_account_hacked",
            {
                "text": "my account was hacked",
                "message_id": "m3",
                "intent": "report_account_hacked",
            },
        ),
    ]
    for i, (kind, intent, data) in enumerate(rows):
        event = {"event": kind, **data}
        if kind == "user":
            event["parse_data"] = {"intent": {"name": data.pop("intent"), "confidence": 0.9}}
            event.pop("intent", None)
        con.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
            "VALUES (?, ?, ?, ?, ?)",
            ("acct-hacked", kind, t0 + i, intent, json.dumps(event)),
        )
    con.commit()
    con.close()


@dataclass
class Console:
    url: str
    db_url: str
    desk: Desk
    process: subprocess.Popen

    def add_agent(self, name: str, role: str = "agent", *, trainer: bool = False) -> None:
        self.desk.add_agent(name, role, hash_password(PASSWORD), trainer=trainer)


class RasaStub:
    """Stands in for Rasa's HTTP API: records the requests the console's hook makes."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append((self.path, json.loads(self.rfile.read(length) or "{}")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_console(
    tmp: Path, rasa_url: str | None = None, env: dict[str, str] | None = None
) -> Iterator[Console]:
    db_url = f"sqlite:///{tmp / 'desk.db'}"
    tracker = tmp / "tracker.db"
    make_tracker_db(tracker)
    migrate(db_url)
    engine = make_engine(db_url)
    desk = Desk(engine)
    port = free_port()
    env = {
        **os.environ,
        "SUPPORTBOT_CONSOLE_SECRET": SECRET,
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tracker}",
        "SUPPORTBOT_RASA_URL": rasa_url or f"http://127.0.0.1:{free_port()}",  # or nobody
        "SUPPORTBOT_RASA_TOKEN": "console-test-token",
        **(env or {}),
    }
    log = open(tmp / "console.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", db_url, "console", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/login", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "console did not start:\n" + (tmp / "console.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield Console(url=url, db_url=db_url, desk=desk, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        engine.dispose()



class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class _FromAddress(urllib.request.HTTPHandler):
    """Connects from a chosen loopback address (127.0.0.0/8 is all this machine's)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(http.client.HTTPConnection, req, source_address=(self.source, 0))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    set_cookie: list[str]

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """A browser-like client: keeps cookies, does not follow redirects."""

    def __init__(self, base: str, source: str | None = None) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirect(),
        ]
        if source is not None:
            handlers.append(_FromAddress(source))
        self.opener = urllib.request.build_opener(*handlers)
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(
            self.base + path, data=body, method=method, headers=self.headers
        )
        try:
            resp = self.opener.open(req, timeout=10)
        except urllib.error.HTTPError as err:
            resp = err
        headers = {k.lower(): v for k, v in resp.headers.items()}
        return Reply(
            status=resp.status if hasattr(resp, "status") else resp.code,
            headers=headers,
            body=resp.read().decode(),
            set_cookie=resp.headers.get_all("Set-Cookie") or [],
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self.request("POST", path, data)

    def csrf(self, path: str = "/queue") -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).body)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def submit(self, path: str, data: dict[str, str], page: str = "/queue") -> Reply:
        return self.post(path, {"csrf_token": self.csrf(page), **data})

    def login(self, name: str, password: str = PASSWORD) -> Reply:
        token = self.csrf("/login")
        return self.post("/login", {"csrf_token": token, "name": name, "password": password})


# -- signed in, with tickets ---------------------------------------------------------

def signed_in(console: Console, name: str = "alice") -> Client:
    client = Client(console.url)
    reply = client.login(name)
    assert reply.status == 302 and reply.location == "/queue", reply.body
    return client


def ticket(console: Console, user: str, category: str = "impersonation", **fields: str) -> str:
    filed = console.desk.file_report(
        user, category, dict(fields), idempotency_key=f"k-{user}-{category}"
    )
    return format_ticket_ref(filed.ticket.id)
