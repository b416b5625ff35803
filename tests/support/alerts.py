"""Real receivers for alerts: a local SMTP server (aiosmtpd) and a webhook receiver
(http.server), each on an ephemeral port of 127.0.0.1, recording what arrives and when."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.tools import free_port


@dataclass
class Received:
    at: float  # time.time() when it arrived
    message: Any


@dataclass
class SmtpSink:
    """aiosmtpd on 127.0.0.1:`port`; start() and stop() as often as a test needs (a mail
    server that goes down and comes back on the same port)."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(time.time(), message))
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class WebhookSink:
    """A webhook receiver: records each JSON body POSTed to it; answers `status`."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if sink.status < 300:
                    sink.received.append(Received(time.time(), body))
                self.send_response(sink.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.message for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
