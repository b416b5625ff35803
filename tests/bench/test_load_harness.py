"""The load harness on fixed data and a tiny in-test server (no Rasa, no timing checks)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from aiohttp import web

from bench import profiling, report
from bench.conversations import Conversation, Turn
from bench.loadgen import Target, parse_latency, run_phase
from bench.procs import RssSampler, cpu_seconds, memory_report, tree
from bench.stats import Sample, percentile, ratio, summarize
from bench.training import add_nlu_example


def test_percentile_interpolates_like_numpy():
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == 48.0
    assert percentile(values, 0) == 10.0 and percentile(values, 100) == 50.0
    assert percentile([7.0], 99) == 7.0


def test_summary_counts_errors_apart_from_latency():
    samples = [Sample(0.0, 0.1), Sample(0.1, 0.3), Sample(0.4, 0.6, check="no_reply"),
               Sample(1.0, 1.0, error="timeout")]
    s = summarize(samples, started=0.0, users=2)
    assert s["messages"] == 4 and s["errors"] == 1 and s["error_kinds"] == {"timeout": 1}
    assert s["check_failures"] == 1
    assert s["wall_s"] == 2.0 and s["throughput_msg_s"] == 1.5  # 3 answered in 2 s
    assert s["p50_ms"] == 300.0 and s["max_ms"] == 600.0  # the timeout is not a latency
    assert ratio(30.0, 10.0) == 3.0 and ratio(None, 1.0) is None


def _echo_app(seen: list[tuple[str, str]]) -> web.Application:
    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["sender"], body["message"]))
        if body["message"] == "fail":
            return web.Response(status=500)
        reply = {"recipient_id": body["sender"], "text": "ok " + body["message"]}
        return web.json_response([reply])

    async def parse(request: web.Request) -> web.Response:
        assert request.query["token"] == "t"
        return web.json_response({"intent": {"name": "greet"}})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/model/parse", parse)
    return app


async def _with_server(seen: list, body):
    runner = web.AppRunner(_echo_app(seen))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        return await body(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


def test_users_run_conversations_with_fresh_senders_prepared_first():
    seen: list[tuple[str, str]] = []
    prepared: list[str] = []
    chat = (Conversation("a", (Turn("hi", expect="OK HI"), Turn("x", expect="nope"))),
            Conversation("b", (Turn("fail"), Turn("slow"))))

    async def before(sender: str) -> None:
        prepared.append(sender)

    async def body(url: str):
        target = Target(url, chat, before, degraded=("OK SLOW",))
        return await run_phase(target, users=3, duration=0.3, tag="t")

    started, samples = asyncio.run(_with_server(seen, body))
    assert samples and len(samples) == len(seen)
    assert {s for s, _ in seen} <= set(prepared)  # every sender prepared before it spoke
    assert len(set(prepared)) == len(prepared)  # one sender per conversation
    assert {s.error for s in samples} == {None, "http_500"}
    assert {s.check for s in samples if s.error is None} == {None, "missing:nope", "degraded"}


def test_parse_probe_sends_the_token():
    async def body(url: str):
        return await parse_latency(url, "t", ["a", "b"], rounds=3)

    assert len(asyncio.run(_with_server([], body))) == 3


def test_memory_of_this_process():
    me = os.getpid()
    assert me in tree(me)
    mem = memory_report({"me": me})["me"]
    assert mem["peak_rss_mb"] >= mem["rss_mb"] > 0
    assert mem["rss_anon_mb"] > 0 and mem["rss_file_mb"] > 0
    assert abs(mem["rss_anon_mb"] + mem["rss_file_mb"] - mem["rss_mb"]) < 1  # + shmem
    assert cpu_seconds([me]) > 0

    async def sample():
        with RssSampler({"me": me}, every=0.01) as sampler:
            await asyncio.sleep(0.03)
        return sampler.peaks_mb()["me"]

    assert asyncio.run(sample()) > 0


def test_profile_drops_idle_samples_and_shares_by_suspect(tmp_path: Path):
    raw = tmp_path / "rasa.txt"
    raw.write_text(
        "thread (0x1);run (sanic/app.py);select (selectors.py) 50\n"
        "thread (0x1);handle (rasa/core/processor.py);parse_message (rasa/core/processor.py);"
        "process (rasa/nlu/classifiers/diet_classifier.py) 30\n"
        "thread (0x1);handle (rasa/core/processor.py);save (rasa/core/tracker_store.py);"
        "execute (sqlalchemy/engine/base.py) 10\n"
    )
    profile = profiling.read_raw(raw)
    assert (profile.busy, profile.idle) == (40, 50)
    s = profiling.summary(profile, messages=4, rate=100)
    assert s["busy_ms_per_msg"] == 100.0  # 40 samples at 100 Hz over 4 messages
    assert s["suspects_pct"]["NLU: DIET / ResponseSelector (NumPy, or TensorFlow)"] == 75.0
    assert s["suspects_pct"]["tracker store: save"] == 25.0
    assert s["top_inclusive_pct"]["handle (rasa/core/processor.py)"] == 100.0


def test_nlu_edit_adds_one_example(tmp_path: Path):
    nlu = tmp_path / "nlu" / "en" / "nlu.yml"
    nlu.parent.mkdir(parents=True)
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n')
    add_nlu_example(tmp_path, "hello there")
    assert nlu.read_text().endswith("  examples: |\n    - hello there\n    - hi\n")


def test_markdown_shows_ratios_and_targets():
    phase = {"throughput_msg_s": 10.0, "p50_ms": 50.0, "p95_ms": 90.0, "p99_ms": 99.0,
             "errors": 0, "check_failures": 0, "cpu_ms_per_msg": {"rasa": 40.0}}
    results = {
        "date": "2026-01-01T00:00:00+00:00", "loadavg_start": [1.0], "loadavg_end": [2.0],
        "machine": {"cpus": 2, "platform": "Linux", "note": "test"},
        "settings": {"users": 20, "duration_s": 20, "models": {"ours": "a", "stock": "b"}},
        "phases": {"stock": {"20": phase}, "ours": {"20": {**phase, "throughput_msg_s": 60.0}}},
    }
    results["ratios"] = report.ratios(results)
    text = report.markdown(results)
    assert "**6.0x**" in text
    assert "| throughput >= 5x stock, 20 users | 6.0x | yes |" in text


def test_markdown_sets_the_target_against_rasas_floor():
    def phase(throughput: float, rasa: float, actions: float | None = None) -> dict:
        cpu = {"rasa": rasa, **({"actions": actions} if actions else {})}
        return {"throughput_msg_s": throughput, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0,
                "errors": 0, "check_failures": 0, "cpu_ms_per_msg": cpu,
                "client_cpu_ms_per_msg": 1.5}

    results = {
        "date": "2026-01-01T00:00:00+00:00", "loadavg_start": [1.0], "loadavg_end": [2.0],
        "machine": {"cpus": 2, "platform": "Linux", "note": "test"},
        "settings": {"users": 20, "duration_s": 20, "models": {"ours": "a", "stock": "b"}},
        "phases": {"stock": {"20": phase(50.0, 20.0)}, "floor": {"20": phase(150.0, 6.0)},
                   "ours": {"20": phase(70.0, 12.0, 4.0)}},
    }
    results["ratios"] = report.ratios(results)
    text = report.markdown(results)
    assert "| floor | 20 | 150.0 |" in text
    assert "**3.0x** the stock bot, at 6.0 Rasa CPU ms per message" in text
    # 5 x 50 msg/s on 2 cores: 8 ms of CPU per message for all processes together.
    assert "5x the stock bot is 250 msg/s: on 2 cores, 8.0 CPU ms per message" in text
    assert "Ours spends 12.0 (Rasa) + 4.0 (actions) + 1.5 (load generator) ms." in text


def test_policy_growth_sessions_and_table():
    from rasa.shared.core.events import ActionExecuted, UserUttered

    from bench import policy_growth

    parsed = {"intent": {"name": "faq", "confidence": 0.9}, "entities": []}
    events = policy_growth.session_events(parsed, turns=3)
    assert len(events) == 4 + 3 * 3 + 1 and isinstance(events[-1], UserUttered)
    assert [e.action_name for e in events[4:7] if isinstance(e, ActionExecuted)] == [
        "utter_faq", "action_listen"]
    text = policy_growth.markdown({"date": "d", "model": "m", "rows": [
        {"turns": 3, "events": 14, "ours_ms_per_turn": 0.5, "rasa_ms_per_turn": 0.7}]})
    assert "| 3 | 14 | 0.5 | 0.7 |" in text
