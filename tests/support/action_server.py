"""A real action server (`python -m bot.action_server`) on a free port, with its own
SQLite desk, for the tests that forge calls to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.desk import Desk, make_engine, migrate
from tests.support.tools import ROOT, free_port

TOKEN = "actions-secret-" + "q" * 40


@dataclass
class Answer:
    status: int
    text: str

    def json(self) -> object:
        return json.loads(self.text)


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


# -- the calls a security test forged ----------------------------------------------

FLIPPED = TOKEN[:-1] + ("x" if TOKEN[-1] != "x" else "y")
BAD_CREDENTIALS: dict[str, tuple[dict[str, str], str]] = {
    "no header": ({}, ""),
    "empty bearer": ({"Authorization": "Bearer "}, ""),
    "wrong token": ({"Authorization": "Bearer guessed-token-0123456789"}, ""),
    "right length, wrong value": ({"Authorization": f"Bearer {FLIPPED}"}, ""),
    "right length, all zeros": ({"Authorization": "Bearer " + "0" * len(TOKEN)}, ""),
    "prefix of the token": ({"Authorization": f"Bearer {TOKEN[:-1]}"}, ""),
    "token and more": ({"Authorization": f"Bearer {TOKEN}0"}, ""),
    "right token, other scheme": ({"Authorization": f"Basic {TOKEN}"}, ""),
    "right token, no scheme": ({"Authorization": TOKEN}, ""),
    "right token, other header": ({"X-Auth-Token": TOKEN}, ""),
    "right token in the query string": ({}, f"?token={TOKEN}"),
}


def tracker(account: str, slots: dict, text: str = "hello", intent: str = "greet") -> dict:
    return {
        "sender_id": account,
        "slots": {"language": "en", **slots},
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0},
                           "entities": [], "message_id": f"forged-{account}"},
        "events": [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text, "parse_data": {}}],
        "active_loop": {},
        "paused": False,
        "latest_action_name": "action_listen",
    }


def file_urgent_ticket(account: str) -> dict:
    return {"next_action": "action_file_report", "version": "3.6.21", "tracker": tracker(
        account, {"report_category": "account_hacked", "incident_time": "an hour ago",
                  "description": "forged: someone took my account", "report_id": "forged-1"},
        text="an hour ago", intent="inform")}


def plant_threat(account: str) -> dict:
    return {"next_action": "action_validate_slot_mappings", "version": "3.6.21",
            "tracker": tracker(account, {}, text="I know where you live and I will kill you",
                               intent="insult")}


def read_tickets(account: str) -> dict:
    return {"next_action": "action_check_status", "version": "3.6.21",
            "tracker": tracker(account, {}, text="any news on my ticket?",
                               intent="check_appeal_status")}


FORGED_CALLS = {"file an urgent ticket": file_urgent_ticket,
                "plant a threat": plant_threat,
                "read the tickets": read_tickets}


# -- what runs where ------------------------------------------------------------------

def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


def descendants(pids: set[int]) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(pids), set(pids)
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
