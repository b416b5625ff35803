"""`make bench-flood`: does a flood of large messages from one sender slow other users?

    .venv/bin/python -m bench.flood     # writes bench/results/flood.json and flood.md

The running stack (Rasa + action server, as `make run` starts them, with the default
per-sender and size limits), in one run: other users chatting alone (baseline), then the
same while one sender floods the REST channel (FLOODS): the report's four concurrent
30 MB messages, again and again; then a mix of 30 MB bodies and bodies just over and
just under the message limit, each connection sending again the moment it is answered.
The other users write at a human pace (one message every `--interval` seconds each), so
their own limits never refuse them. The issue's target: p95 during a flood of large
messages under 2x the baseline p95. Recorded, not asserted (timing belongs here, not in
a test; tests/channels/test_flood.py checks that a flood is refused and others answered).

    .venv/bin/python -m bench.flood --edge nginx

also runs every phase again through nginx (deploy/nginx, Debian's package, run as this
user) in front of the same stack, in the same run: direct and through the edge side by
side. The flooder sends from another loopback address (127.0.0.2) than the other users
(127.0.0.1), as an attacker is another machine: nginx's limits are per address.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import platform
import shutil
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp

from bench.conversations import Turn
from bench.loadgen import send
from bench.procs import cpu_seconds, load_average, tree
from bench.report import write_named
from bench.stacks import WORK, free_port, newest_model
from bench.stats import Sample, ratio, summarize
from bot.channels.body_limits import BodyLimits
from bot.channels.sender_limits import Allowance
from bot.serve import ROOT, Stack, write_endpoints
from deploy.nginx.edge import Edge

RESULTS = ROOT / "bench" / "results"
TARGET_P95_RATIO = 2.0
FLOODER_NICENESS = 10
# Loopback is 127.0.0.0/8: the flooder and the other users come from two addresses.
FLOODER_ADDRESS, USERS_ADDRESS = "127.0.0.2", "127.0.0.1"
HUGE_BYTES = 30 * 1024 * 1024
TEXTS = ("hello", "why am I suspended?", "how long is my suspension?",
         "what counts as abuse?", "can I still trade?", "thanks")


def flood_bodies(flooder: str, limits: BodyLimits) -> dict[str, bytes]:
    """The flooder's messages, built once: JSON bodies of three sizes."""
    def body(size: int) -> bytes:
        head = b'{"sender": "' + flooder.encode() + b'", "message": "'
        return head + b"where is my deposit " * (size // 20) + b'"}'
    return {"huge_30mb": body(HUGE_BYTES),
            "over_message_limit": body(limits.message_bytes + 1024),
            "under_message_limit": body(limits.message_bytes - 2048)}


def start_stack(model: Path, run_dir: Path) -> Stack:
    """Our Rasa and action server on fresh SQLite files, default limits, development
    sign-in (REST senders by id)."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    actions_port, rasa_port = free_port(), free_port()
    tracker = run_dir / "tracker.db"
    stack = Stack(rasa_port=rasa_port, actions_port=actions_port, model=str(model),
                  endpoints=str(write_endpoints(run_dir / "endpoints.yml", actions_port,
                                                tracker)),
                  log_dir=run_dir / "log")
    allowance, limits = Allowance(), BodyLimits()
    defaults = {  # the defaults, whatever this shell has set
        "SUPPORTBOT_RATE_MESSAGES": allowance.messages, "SUPPORTBOT_RATE_BYTES": allowance.bytes,
        "SUPPORTBOT_RATE_SECONDS": allowance.seconds,
        "SUPPORTBOT_MAX_BODY_BYTES": limits.body_bytes,
        "SUPPORTBOT_MAX_MESSAGE_BYTES": limits.message_bytes,
    }
    stack.env = {
        "SUPPORTBOT_DB_URL": f"sqlite:///{run_dir / 'desk.db'}",
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tracker}",
        "SUPPORTBOT_RASA_URL": f"http://localhost:{rasa_port}",
        "SUPPORTBOT_DEV_LOGIN": "1",
        "SUPPORTBOT_IDENTITY_KEY": "",  # a key would mean production: tokens only
        **{name: str(value) for name, value in defaults.items()},
    }
    stack.start(timeout=300)
    return stack


async def flood(session: aiohttp.ClientSession, url: str, body: bytes, kind: str,
                stop: asyncio.Event, outcomes: Counter) -> None:
    """One connection of the flooder: sends `body` again and again until told to stop."""
    headers = {"Content-Type": "application/json"}
    while not stop.is_set():
        try:
            async with session.post(url, data=body, headers=headers) as response:
                answer = str(response.status)
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    # Answered on the declared length, then closed while the body was
                    # still being sent.
                    await response.read()
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
            answer = "closed by the server before an answer"
        outcomes[f"{kind}: {answer}"] += 1
        await asyncio.sleep(0)


async def chat(session: aiohttp.ClientSession, url: str, users: int, messages: int,
               interval: float, tag: str) -> tuple[float, list[Sample]]:
    """`users` users, each sending `messages` messages `interval` s apart (staggered)."""
    samples: list[Sample] = []

    async def user(index: int) -> None:
        await asyncio.sleep(interval * index / users)
        for n in range(messages):
            started = time.monotonic()
            turn = Turn(TEXTS[n % len(TEXTS)])
            samples.append(await send(session, url, f"{tag}-u{index}", turn))
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    started = time.monotonic()
    await asyncio.gather(*(user(i) for i in range(users)))
    return started, samples


# Each flood: (what it is, how many connections, the kind of body each sends).
FLOODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "report_30mb": ("the report's flood: 30 MB messages over 4 connections at once",
                    ("huge_30mb",) * 4),
    "mixed_max_rate": ("30 MB, just over and just under the message limit, 6 connections, "
                       "each sending again the moment it is answered",
                       ("huge_30mb", "over_message_limit", "under_message_limit") * 2),
}


def connector(source: str) -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=0, local_addr=(source, 0))


async def flood_until(url: str, kinds: tuple[str, ...], seconds: float) -> Counter:
    """The flooder: one connection per entry of `kinds`, each sending that body."""
    bodies = flood_bodies("bench-flooder", BodyLimits())
    stop, outcomes = asyncio.Event(), Counter()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector(FLOODER_ADDRESS),
                                     timeout=timeout) as session:
        tasks = [asyncio.create_task(flood(session, url, bodies[kind], kind, stop, outcomes))
                 for kind in kinds]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks)
    return outcomes


def _flooder_process(url: str, kinds: tuple[str, ...], seconds: float, out: Any) -> None:
    # An attacker is another machine: its CPU should not be taken from the server under
    # test (on this one machine it still costs the kernel's loopback work).
    os.nice(FLOODER_NICENESS)
    out.put(dict(asyncio.run(flood_until(url, kinds, seconds))))


async def measure(base_url: str, server_pids: list[int], args: argparse.Namespace,
                  edge_pids: list[int] | None = None) -> dict[str, Any]:
    """Baseline, then each flood, against `base_url` (Rasa, or nginx in front of it:
    `edge_pids` are then nginx's processes, counted in the server CPU and apart)."""
    url = f"{base_url}/webhooks/rest/webhook"
    phases: dict[str, Any] = {}
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector(USERS_ADDRESS),
                                     timeout=timeout) as session:

        async def phase(name: str) -> dict[str, Any]:
            cpu_before, edge_before = cpu_seconds(server_pids), cpu_seconds(edge_pids or [])
            started, samples = await chat(session, url, args.users, args.messages,
                                          args.interval, name)
            summary = summarize(samples, started, args.users)
            summary["server_cpu_s"] = round(cpu_seconds(server_pids) - cpu_before, 2)
            if edge_pids:
                summary["edge_cpu_s"] = round(cpu_seconds(edge_pids) - edge_before, 2)
            return summary

        # Warm-up: the first messages load what Rasa loads lazily.
        await chat(session, url, 2, 2, 0.2, "warmup")
        phases["baseline"] = await phase("baseline")
        for name, (_, kinds) in FLOODS.items():
            # The flooder is another process, as an attacker is another machine: its
            # work must not delay the measuring client's event loop.
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            flooder = context.Process(
                target=_flooder_process,
                args=(url, kinds, args.messages * args.interval + 5, results))
            flooder.start()
            await asyncio.sleep(3.0)  # the flood is on before the first measured message
            phases[name] = await phase(name)
            phases[name]["flood_outcomes"] = dict(sorted((await asyncio.get_running_loop()
                                                   .run_in_executor(None, results.get)).items()))
            flooder.join()
    base_p95, base_p50 = phases["baseline"]["p95_ms"], phases["baseline"]["p50_ms"]
    for name in FLOODS:
        phases[name]["p95_ratio"] = ratio(phases[name]["p95_ms"], base_p95)
        phases[name]["p50_ratio"] = ratio(phases[name]["p50_ms"], base_p50)
    return {"phases": phases, "load_average_after": load_average(),
            "body_bytes": {kind: len(body) for kind, body in
                           flood_bodies("bench-flooder", BodyLimits()).items()}}


def phase_rows(phases: dict[str, Any]) -> list[str]:
    rows = [("alone (baseline)", phases["baseline"])] + [
        (f"flood: {name}", phases[name]) for name in FLOODS]
    return [
        "| other users' replies | messages | errors | p50 ms | p95 ms | max ms | "
        "p95 / baseline | server CPU s |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {label} | {p['messages']} | {p['errors']} | {p['p50_ms']} | {p['p95_ms']} | "
          f"{p['max_ms']} | {p.get('p95_ratio', '-')} | {p['server_cpu_s']}"
          + (f" (nginx {p['edge_cpu_s']})" if "edge_cpu_s" in p else "") + " |"
          for label, p in rows),
    ]


def outcome_rows(phases: dict[str, Any]) -> list[str]:
    return [
        "| flood | message: answer | count |",
        "|---|---|---|",
        *(f"| {name} | {key} | {count} |" for name in FLOODS
          for key, count in phases[name]["flood_outcomes"].items()),
    ]


def edge_lines(r: dict[str, Any]) -> list[str]:
    """The same phases through nginx, when the run had `--edge nginx`."""
    if "nginx" not in r.get("edges", {}):
        return []
    edge = r["edges"]["nginx"]
    limits = edge["limits"]
    return [
        "## Through nginx (deploy/nginx), same run, same stack",
        "",
        "The other users and the flooder talk to Debian's nginx in front of the same Rasa "
        f"(one worker process). Per address: {limits['requests_per_second']} requests a "
        f"second with bursts of {limits['requests_burst']}, "
        f"{limits['connections_per_address']} connections, 64 KiB a body; the flooder "
        f"sends from {FLOODER_ADDRESS}, the others from {USERS_ADDRESS}. Server CPU "
        "includes nginx's (in brackets).",
        "",
        *phase_rows(edge["phases"]),
        "",
        "What the flooder got through nginx:",
        "",
        *outcome_rows(edge["phases"]),
        "",
        "Here 413 and 429 are nginx's (JSON in the user's language): the flood is refused "
        "at the edge, and only the requests within the flooder's burst reach Rasa, whose "
        "own limits then apply.",
        "",
        f"Load average afterwards: {edge['load_average_after']}.",
        "",
    ]


def markdown(r: dict[str, Any]) -> str:
    s, phases = r["settings"], r["phases"]
    lines = [
        "# Flood benchmark: one sender's large messages vs everyone else",
        "",
        f"{r['date']}, {r['machine']['cpus']} CPUs. Our stack (Rasa + action server) with "
        "its default limits: 64 KiB a request, 32 KiB a message; per sender 10 messages "
        f"in a second, 20 and 64 KiB in 10 s. {s['users']} other users, {s['messages']} "
        f"messages each, one every {s['interval']} s, alone and then during each flood "
        f"from one sender, in the same run. The flooder is another process at niceness "
        f"{FLOODER_NICENESS} (an attacker's CPU is not ours; the kernel's loopback work "
        "still is). `make bench-flood`"
        + (" with `BENCH_ARGS=\"--edge nginx\"`" if r.get("edges") else "") + ".",
        "",
        *(["## Direct to Rasa", ""] if r.get("edges") else []),
        *phase_rows(phases),
        "",
        f"Target: p95 during a flood of large messages under {TARGET_P95_RATIO}x the "
        "baseline. Before the limits, four concurrent 30 MB messages made another user's "
        "reply take 6.7 s (normally 14-28 ms).",
        "",
        *(f"- **{name}**: {FLOODS[name][0]}." for name in FLOODS),
        "",
        "What the flooder got (body sizes: " + ", ".join(
            f"{kind} {size:,} B" for kind, size in r["body_bytes"].items()) + "):",
        "",
        *outcome_rows(phases),
        "",
        "413: refused on size before the body was parsed (a 30 MB body on its declared "
        "length, before it was read); 429: the sender's byte or message allowance was "
        "spent; 200: a message under the limits, answered \"too long\" without being read "
        "by the NLU. None reaches the NLU or the tracker.",
        "",
        f"Load average afterwards: {r['load_average_after']} (other work on this machine "
        "shows here; every phase shares it).",
        "",
        *edge_lines(r),
    ]
    return "\n".join(lines)


def measure_through_nginx(stack: Stack, pids: list[int], args: argparse.Namespace
                          ) -> dict[str, Any]:
    prefix = WORK / "run" / "flood-nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    with Edge(port=free_port(), rasa_ports=(stack.rasa_port,), prefix=prefix) as edge:
        edge_pids = tree(edge.process.pid) if edge.process else []  # master and worker
        measured = asyncio.run(measure(edge.url, pids + edge_pids, args, edge_pids))
        settings = edge.settings()
    return {"limits": {"requests_per_second": settings.requests_per_second,
                       "requests_burst": settings.requests_burst,
                       "connections_per_address": settings.connections_per_address},
            **measured}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="default: the newest in models/")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--messages", type=int, default=15)
    parser.add_argument("--interval", type=float, default=1.5)
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--edge", choices=("none", "nginx"), default="none",
                        help="also measure through nginx in front of the stack (same run)")
    args = parser.parse_args()
    model = Path(args.model) if args.model else newest_model(ROOT / "models")
    stack = start_stack(model, WORK / "run" / "flood")
    edges: dict[str, Any] = {}
    try:
        pids = [pid for process in stack.processes.values() for pid in tree(process.pid)]
        measured = asyncio.run(measure(f"http://127.0.0.1:{stack.rasa_port}", pids, args))
        if args.edge == "nginx":
            edges["nginx"] = measure_through_nginx(stack, pids, args)
    finally:
        stack.stop()
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "settings": {"users": args.users, "messages": args.messages,
                     "interval": args.interval, "model": model.name},
        **measured,
        **({"edges": edges} if edges else {}),
    }
    write_named(Path(args.out), "flood", results, markdown(results))


if __name__ == "__main__":
    main()
