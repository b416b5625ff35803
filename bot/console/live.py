"""The live queue: server-sent events to signed-in agents at /api/queue/stream.

One QueueFeed per console process polls the desk's change mark (a cheap read) and fans
each change out to the open streams; a stream then sends its agent the queue table again
(rendered by the same template as the page, with the page's filters), and announces
each new urgent ticket once. A comment line every heartbeat keeps proxies from closing
an idle stream, and with it the agent's session is checked again: signed out, disabled
or expired, the stream says so and ends.

Behind nginx, `X-Accel-Buffering: no` turns its buffering off for this response
(docs/deploying.md has the location block for other proxies).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.filters import label
from bot.console.queue_pages import page_link, queue_query
from bot.console.request_context import live_agent, run_sync
from bot.console.texts import language_of, template_words, translations
from bot.desk.change_service import QueueMark, WaitingTicket
from bot.desk.clock import utc_now
from bot.logs import log_event
from bot.settings import get_settings

logger = logging.getLogger(__name__)

STREAM_PATH = "/api/queue/stream"
RETRY_MS = 5000  # how soon a browser reconnects after the stream drops
CHANGED, CLOSED = "changed", "closed"


class QueueFeed:
    """Polls the desk's change mark and tells every subscriber what changed."""

    def __init__(self, desk: Any, poll_seconds: float) -> None:
        self.desk = desk
        self.poll_seconds = poll_seconds
        self.subscribers: set[asyncio.Queue] = set()
        self._seen_urgent: set[int] = set()
        self._last_event_id: int | None = None
        self._closed = False

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        if self._closed:
            queue.put_nowait((CLOSED, None))
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self.subscribers.discard(queue)

    def observe(self, mark: QueueMark) -> list[WaitingTicket]:
        """Take a new mark in; the urgent tickets not seen before (none at the first mark:
        those were there before this console started)."""
        first = self._last_event_id is None
        fresh = [t for t in mark.urgent_waiting if t.id not in self._seen_urgent]
        self._seen_urgent.update(t.id for t in mark.urgent_waiting)
        changed = not first and mark.last_event_id != self._last_event_id
        self._last_event_id = mark.last_event_id
        if first:
            return []
        for ticket in fresh:
            self._publish(("urgent", ticket))
        if changed or fresh:
            self._publish((CHANGED, None))
        return fresh

    def _publish(self, item: tuple[str, Any]) -> None:
        for queue in self.subscribers:
            queue.put_nowait(item)

    async def run(self) -> None:
        while not self._closed:
            try:
                self.observe(await run_sync(self.desk.queue_mark))
            except Exception as error:  # noqa: BLE001 - the database may come back
                log_event(logger, "live_queue_poll_failed", logging.WARNING,
                          error=f"{type(error).__name__}: {error}"[:300])
            await asyncio.sleep(self.poll_seconds)

    def close(self) -> None:
        self._closed = True
        self._publish((CLOSED, None))


def register(app: Sanic) -> None:
    app.add_route(queue_stream, STREAM_PATH, methods=["GET"])

    @app.listener("after_server_start")
    async def _start_feed(app: Sanic, _loop: Any) -> None:
        app.ctx.feed = QueueFeed(app.ctx.desk, get_settings().alerts.live_poll_seconds)
        app.ctx.feed_task = asyncio.get_running_loop().create_task(app.ctx.feed.run())

    @app.listener("before_server_stop")
    async def _stop_feed(app: Sanic, _loop: Any) -> None:
        app.ctx.feed.close()  # open streams end, so the server stops without waiting
        app.ctx.feed_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app.ctx.feed_task


def sse(event: str | None, data: Any = None, *, comment: str | None = None) -> str:
    if comment is not None:
        return f": {comment}\n\n"
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _table(request: Request, filters: dict[str, Any]) -> dict[str, Any]:
    """The page of the queue the agent is looking at (same filters, search and page)."""
    found = await run_sync(request.app.ctx.desk.queue_page, **filters)
    words = template_words(language_of(request.ctx.agent, None))
    html = request.app.ctx.templates.get_template("_queue_table.html").render(
        **words, tickets=found.tickets, found=found, filters=filters, page_link=page_link,
        now=utc_now())
    return {"html": html, "count": len(found.tickets), "total": found.total}


def _urgent(ticket: WaitingTicket, language: str) -> dict[str, str]:
    return {"reference": ticket.reference, "category": ticket.category,
            "label": translations(language).gettext(label(ticket.category)),
            "url": f"/tickets/{ticket.reference}"}


async def queue_stream(request: Request) -> HTTPResponse | None:
    """The queue page's live feed. The request pipeline has already refused anyone not
    signed in (401); the heartbeat keeps checking."""
    app, agent = request.app, request.ctx.agent
    token = request.ctx.session.get("sid")
    filters = queue_query(request)
    language = language_of(agent, None)
    heartbeat = get_settings().alerts.heartbeat_seconds
    queue = app.ctx.feed.subscribe()
    log_event(logger, "live_queue_opened", account=agent.name,
              streams=len(app.ctx.feed.subscribers))
    try:
        stream = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"},
        )
        await stream.send(f"retry: {RETRY_MS}\n\n")
        await stream.send(sse("queue", await _table(request, filters)))
        while True:
            try:
                kind, item = await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except asyncio.TimeoutError:
                if await run_sync(live_agent, app, agent.name, token) is None:
                    await stream.send(sse("signedout", {}))
                    break
                await stream.send(sse(None, comment="heartbeat"))
                continue
            if kind == CLOSED:
                break
            if kind == "urgent":
                await stream.send(sse("urgent", _urgent(item, language)))
                continue
            while not queue.empty():  # a burst of changes: one table is enough
                kind, item = queue.get_nowait()
                if kind == "urgent":
                    await stream.send(sse("urgent", _urgent(item, language)))
                elif kind == CLOSED:
                    return None
            await stream.send(sse("queue", await _table(request, filters)))
        await stream.eof()
    finally:
        app.ctx.feed.unsubscribe(queue)
    return None
