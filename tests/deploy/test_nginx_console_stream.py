"""The console's live queue through nginx (deploy/nginx/supportbot_console.conf, Debian's
nginx as this user): events arrive as they happen, not when a buffer fills."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console.live import STREAM_PATH
from deploy.nginx.edge import Edge, nginx_binary
from deploy.nginx.render import CONSOLE_SITE
from tests.support.console import Console, signed_in, start_console
from tests.support.services import missing
from tests.support.sse import EventStream
from tests.support.tools import free_port


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    if nginx_binary() is None:
        missing("nginx is not installed (.ci/run installs Debian's nginx-light)")
    env = {"SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS": "0.2", "SANIC_PROXIES_COUNT": "1"}
    for console in start_console(tmp_path_factory.mktemp("console-nginx"), env=env):
        console.add_agent("nils")
        listen = free_port()
        port = console.url.rsplit(":", 1)[1]
        with Edge(port=free_port(), rasa_ports=(free_port(),),
                  prefix=Path(tmp_path_factory.mktemp("nginx")),
                  settings_overrides={"console": f"127.0.0.1:{port}",
                                      "console_listen": f"127.0.0.1:{listen}"}):
            yield Console(url=f"http://127.0.0.1:{listen}", db_url=console.db_url,
                          desk=console.desk, process=console.process)


def test_the_stream_location_is_unbuffered() -> None:
    block = CONSOLE_SITE.read_text(encoding="utf-8").split(f"location = {STREAM_PATH} {{")[1]
    block = block.split("}")[0]
    assert "proxy_buffering off;" in block and "proxy_cache off;" in block


@pytest.mark.slow  # a console server and nginx of its own
def test_an_urgent_ticket_reaches_the_stream_through_nginx_at_once(
    behind_nginx: Console,
) -> None:
    nils = signed_in(behind_nginx, "nils")
    live = EventStream(behind_nginx.url, STREAM_PATH, nils.jar)
    try:
        assert live.status == 200
        assert live.until("queue") is not None
        started = time.monotonic()
        filed = behind_nginx.desk.file_report("acct-edge", "account_hacked", {}, "k-edge")
        urgent = live.until("urgent")
        assert urgent is not None and urgent.data["reference"] == filed.ticket.reference
        assert time.monotonic() - started < 3  # a small event, not held for a buffer
    finally:
        live.close()
