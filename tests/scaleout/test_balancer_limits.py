"""The balancer in front of the chat: it tells the backends which host the browser asked
for (their socket.io Origin check needs it) and reads no body over the chat's limit.
A real balancer process before a real backend that echoes what it was sent."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bot.channels.body_limits import BodyLimits
from bot.serve import ROOT
from tests.support.tools import free_port

ECHO_BACKEND = """
import sys
from sanic import Sanic, response
app = Sanic("echo")
@app.route("/<path:path>", methods=["GET", "POST"])
async def echo(request, path):
    return response.json({"headers": dict(request.headers), "bytes": len(request.body)})
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
"""


def wait_until_up(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def test_forwarded_host_and_body_limit():
    backend_port, port = free_port(), free_port()
    backend = subprocess.Popen([sys.executable, "-c", ECHO_BACKEND, str(backend_port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    balancer = subprocess.Popen(
        [sys.executable, "-m", "bot.scaleout.balancer", "--host", "127.0.0.1", "--port",
         str(port), "--backend", f"http://127.0.0.1:{backend_port}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{backend_port}/up")
        wait_until_up(f"http://127.0.0.1:{port}/_balancer/health")
        with urllib.request.urlopen(f"http://localhost:{port}/socket.io/", timeout=30) as answer:
            headers = {k.lower(): v for k, v in json.load(answer)["headers"].items()}
        assert headers["x-forwarded-host"] == f"localhost:{port}"
        assert headers["x-forwarded-proto"] == "http"

        limit = BodyLimits().body_bytes
        request = urllib.request.Request(f"http://localhost:{port}/webhooks/rest/webhook",
                                         data=b"x" * (limit + 1), method="POST")
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError("expected 413")
        except urllib.error.HTTPError as error:
            assert error.code == 413
        request = urllib.request.Request(f"http://localhost:{port}/webhooks/rest/webhook",
                                         data=b"x" * limit, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.load(answer)["bytes"] == limit
    finally:
        for process in (balancer, backend):
            process.terminate()
            process.wait(timeout=20)
