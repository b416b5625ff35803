"""`GET /metrics` on the Rasa server, in Prometheus' text format.

Rasa mounts every channel's blueprint under `/webhooks/<url_prefix>`; this channel's
prefix is absolute ("/metrics"), which urljoin keeps, so the route is `/metrics` on the
app itself. Listed in credentials.yml like the outbox worker; it receives no messages.

On Rasa's port like the chat channels: it carries counts only (no sender ids, no text);
with $SUPPORTBOT_METRICS_TOKEN set it answers only a scraper that sends the token
(bot/metrics/auth.py), and operators keep it off the public proxy (README: Metrics).
"""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.metrics.auth import may_scrape, metrics_token
from bot.settings import get_settings

PATH = "/metrics"


async def exposition(registry: CollectorRegistry = REGISTRY) -> bytes:
    # In a thread: collectors may read /proc or the desk database; the loop serves chats.
    return await asyncio.to_thread(generate_latest, registry)


class MetricsEndpoint(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> MetricsEndpoint:
        return cls()

    def __init__(self, registry: CollectorRegistry = REGISTRY, desk: bool | None = None) -> None:
        self.registry = registry
        # Single-machine installs have no event consumer: Rasa can serve the desk's gauges
        # (one query per scrape, none per message). Off by default so that several Rasa
        # instances do not report the same tickets.
        self.desk = get_settings().metrics.desk if desk is None else desk
        self.token = metrics_token()

    def url_prefix(self) -> str:
        return PATH  # absolute: urljoin("/webhooks/", "/metrics") == "/metrics"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        if self.desk:
            from bot.metrics.desk import register_once  # SQLAlchemy models only when asked

            register_once(self.registry)
        metrics = Blueprint("prometheus_metrics", url_prefix=PATH)

        @metrics.route("", methods=["GET"])
        async def scrape(request: Request) -> HTTPResponse:
            if not may_scrape(request.headers.get("Authorization"), self.token):
                return response.text("metrics token required\n", status=401,
                                     headers={"WWW-Authenticate": "Bearer"})
            body = await exposition(self.registry)
            return response.raw(body, content_type=CONTENT_TYPE_LATEST)

        return metrics
