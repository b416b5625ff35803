"""The live queue over HTTP against a real `supportbot console`: the event stream is for
signed-in agents only, sends the queue again after every change, announces new urgent
tickets once, beats while idle and ends when the agent is signed out; the console's alert
worker e-mails a local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.console.live import STREAM_PATH
from bot.console.sessions import SessionStore
from bot.settings import Settings, SettingsError
from tests.support.alerts import SmtpSink
from tests.support.console import Client, Console, signed_in, start_console
from tests.support.sse import EventStream


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpSink) -> Iterator[Console]:
    env = {
        "SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS": "0.2",
        "SUPPORTBOT_CONSOLE_HEARTBEAT_SECONDS": "1",
        "SUPPORTBOT_ALERT_SMTP_HOST": "127.0.0.1",
        "SUPPORTBOT_ALERT_SMTP_PORT": str(smtp.port),
        "SUPPORTBOT_ALERT_SMTP_STARTTLS": "0",
        "SUPPORTBOT_ALERT_TO": "desk@x.example",
        "SUPPORTBOT_ALERT_POLL_SECONDS": "0.2",
    }
    for console in start_console(tmp_path_factory.mktemp("live"), env=env):
        console.add_agent("lina")
        yield console


def stream(console: Console, client: Client | None = None, query: str = "") -> EventStream:
    return EventStream(console.url, STREAM_PATH + query, client.jar if client else None)


def test_the_stream_is_for_signed_in_agents_only(site: Console) -> None:
    anonymous = stream(site)
    assert anonymous.status == 401
    anonymous.close()


def test_a_new_urgent_ticket_reaches_the_open_stream_and_the_mail_server(
    site: Console, smtp: SmtpSink
) -> None:
    lina = signed_in(site, "lina")
    live = stream(site, lina)
    try:
        assert live.status == 200
        assert live.headers["content-type"].startswith("text/event-stream")
        assert live.headers["x-accel-buffering"] == "no"
        assert live.headers["cache-control"] == "no-store"
        first = live.until("queue")
        assert first is not None and first.data["count"] == 0

        filed = site.desk.file_report("acct-live", "account_hacked", {}, "k-live")
        ref = filed.ticket.reference
        urgent = live.until("urgent")
        assert urgent is not None and urgent.data == {
            "reference": ref, "category": "account_hacked", "label": "account hacked",
            "url": f"/tickets/{ref}"}
        table = live.until("queue")
        assert table is not None and table.data["count"] == 1 and ref in table.data["html"]
        [mail] = smtp.wait_for(1)
        assert mail["X-Supportbot-Ticket"] == ref and "Urgent ticket" in mail["Subject"]

        site.desk.claim(filed.ticket.id, "lina")  # a change, but no new urgent ticket
        claimed = live.until("queue")
        assert claimed is not None and "lina" in claimed.data["html"]
    finally:
        live.close()


def test_the_stream_keeps_the_page_filters(site: Console) -> None:
    lina = signed_in(site, "lina")
    site.desk.file_report("acct-filter", "impersonation", {}, "k-filter")
    live = stream(site, lina, "?category=missing_deposit")
    try:
        first = live.until("queue")
        assert first is not None and first.data["count"] == 0
    finally:
        live.close()


def test_an_idle_stream_beats_and_ends_when_the_agent_is_signed_out(site: Console) -> None:
    lina = signed_in(site, "lina")
    live = stream(site, lina)
    try:
        live.until("queue")
        # The queue may be sent again first: a filing just before this stream opened (the
        # previous test's) reaches the feed at its next poll, as a change.
        beats = [live.next() for _ in range(3)]
        assert any(e is not None and e.name is None and e.data == "heartbeat" for e in beats)
        SessionStore(site.desk.engine, timedelta(hours=1)).end_all("lina")
        assert live.until("signedout") is not None
        assert live.next() is None  # the server closed the stream
    finally:
        live.close()


def test_a_heartbeat_of_a_minute_or_more_is_refused() -> None:
    # Sanic closes a response that sent nothing for 60 s; the stream must beat before.
    with pytest.raises(SettingsError, match="HEARTBEAT_SECONDS.*under 60"):
        Settings.from_env({"SUPPORTBOT_CONSOLE_HEARTBEAT_SECONDS": "60"})
    assert Settings.from_env({}).alerts.heartbeat_seconds == 15
