"""`GET /metrics` on the Rasa server, in Prometheus' text format.

Not a chat channel: bot/server.py adds this blueprint to Rasa's app, at `/metrics` on the
app itself (not under /webhooks/, where Rasa mounts the channels).

On Rasa's port like the chat channels: it carries counts only (no sender ids, no text);
with $SUPPORTBOT_METRICS_TOKEN set it answers only a scraper that sends the token
(bot/metrics/auth.py), and operators keep it off the public proxy (README: Metrics).
"""

from __future__ import annotations

import asyncio

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.metrics.auth import may_scrape, metrics_token
from bot.settings import get_settings

PATH = "/metrics"


async def exposition(registry: CollectorRegistry = REGISTRY) -> bytes:
    # In a thread: collectors may read /proc or the desk database; the loop serves chats.
    return await asyncio.to_thread(generate_latest, registry)


def metrics_blueprint(registry: CollectorRegistry = REGISTRY, desk: bool | None = None
                      ) -> Blueprint:
    """`GET /metrics` of `registry`; with the desk's gauges when `desk` (default:
    SUPPORTBOT_METRICS_DESK). Single-machine installs have no event consumer: Rasa can serve
    the desk's gauges (one query per scrape, none per message). Off by default so that
    several Rasa instances do not report the same tickets."""
    if get_settings().metrics.desk if desk is None else desk:
        from bot.metrics.desk import register_once  # SQLAlchemy models only when asked

        register_once(registry)
    token = metrics_token()
    metrics = Blueprint("prometheus_metrics", url_prefix=PATH)

    @metrics.route("", methods=["GET"])
    async def scrape(request: Request) -> HTTPResponse:
        if not may_scrape(request.headers.get("Authorization"), token):
            return response.text("metrics token required\n", status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
        body = await exposition(registry)
        return response.raw(body, content_type=CONTENT_TYPE_LATEST)

    return metrics
