"""The /metrics route as bot/server.py adds it to the app (beside the channels Rasa mounts
under /webhooks/), on a real Sanic server in a child process (Sanic 21.12 cannot start a
second app in one process); the full Rasa server is in test_metrics_live.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.desk import open_desk
from tests.support.tools import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
import sys
from sanic import Sanic
from bot.metrics.endpoint import metrics_blueprint
app = Sanic("metrics_probe")
app.blueprint(metrics_blueprint())
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, motd=False)
"""


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, "", ""


def test_metrics_on_the_app_with_desk_gauges_when_asked(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    open_desk(url).file_report("acct-e1", "account_hacked", {"note": "x"}, "k1")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUPPORTBOT_DB_URL": url,
           "SUPPORTBOT_METRICS_DESK": "1"}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, content_type, text = fetch(f"http://127.0.0.1:{port}/metrics")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(server.communicate()[0].decode()[-3000:])
                time.sleep(0.5)
        elsewhere = fetch(f"http://127.0.0.1:{port}/webhooks/metrics")[0]
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert status == 200 and content_type.startswith("text/plain; version=")
    assert "process_resident_memory_bytes" in text
    assert ('supportbot_tickets_open{category="account_hacked",priority="urgent",'
            'status="open"} 1.0') in text
    assert elsewhere == 404


def test_with_a_token_set_only_the_scraper_that_sends_it_reads_metrics(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUPPORTBOT_METRICS_TOKEN": "s3cret-token",
           "SUPPORTBOT_DB_URL": f"sqlite:///{tmp_path / 'desk.db'}"}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                anonymous = fetch(url)[0]
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(server.communicate()[0].decode()[-3000:])
                time.sleep(0.5)
        wrong = fetch(url, {"Authorization": "Bearer guess"})[0]
        status, _, text = fetch(url, {"Authorization": "Bearer s3cret-token"})
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert (anonymous, wrong, status) == (401, 401, 200)
    assert "process_resident_memory_bytes" in text
