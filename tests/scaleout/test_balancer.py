"""The balancer's choices (unit) and its answer when no backend is up (a real process)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bot.scaleout.pool import Pool
from bot.serve import ROOT
from tests.support.tools import free_port

A, B, C = "http://a:1", "http://b:2", "http://c:3"


def firsts(choose, times: int = 6) -> list[str]:
    return [choose()[0].url for _ in range(times)]


def test_round_robin_takes_turns_and_skips_the_dead():
    pool = Pool([A, B, C])
    assert firsts(pool.round_robin) == [A, B, C, A, B, C]
    pool.mark_down(pool.backends[1], "test")
    assert B not in firsts(pool.round_robin)
    assert pool.round_robin()[-1].url == B  # still tried, last: the mark may be stale
    pool.mark_up(pool.backends[1])
    assert B in firsts(pool.round_robin)


def test_sticky_keeps_a_client_on_one_backend_and_moves_it_only_when_dead():
    pool = Pool([A, B, C])
    keys = [f"10.0.0.{n}" for n in range(30)]
    chosen = {key: pool.sticky(key)[0].url for key in keys}
    assert all(pool.sticky(key)[0].url == chosen[key] for key in keys)  # stable
    assert len(set(chosen.values())) == 3  # and spread
    dead = pool.backends[0]
    pool.mark_down(dead, "test")
    moved = {key: pool.sticky(key)[0].url for key in keys}
    assert all(moved[key] == chosen[key] for key in keys if chosen[key] != A)
    assert all(moved[key] != A for key in keys)


def test_no_backend_up_gives_a_clear_error():
    port = free_port()
    dead = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    args = [sys.executable, "-m", "bot.scaleout.balancer", "--host", "127.0.0.1",
            "--port", str(port)]
    for url in dead:
        args += ["--backend", url]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_balancer/health",
                                            timeout=2) as response:
                    assert json.load(response)["backends"] == dict.fromkeys(dead, False)
                break
            except urllib.error.URLError:
                time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook", method="POST",
            data=b'{"message": "hi"}', headers={"Content-Type": "application/json"})
        started = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=30)
            raise AssertionError("expected 503")
        except urllib.error.HTTPError as error:
            body = json.load(error)
            assert error.code == 503
        assert body["error"] == "unavailable"
        assert "unavailable right now" in body["message"]
        assert "inte tillgänglig" in body["message"]
        assert time.monotonic() - started < 10  # refused connections fail fast
    finally:
        process.terminate()
        process.wait(timeout=20)
