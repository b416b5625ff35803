"""What the shared (Redis) per-sender state costs each chat message, against memory.

    .venv/bin/python -m bench.shared_limits      # writes bench/results/shared_limits.{json,md}

In one process and one run, in interleaved rounds (memory, Redis, memory, ...) so that the
load of a shared machine falls on both alike:

- `charge`: SenderLimiter.charge, the per-sender limit every message goes through
  (three counters: burst, messages, bytes), in memory and in Redis (limits' async storage,
  coredis);
- `language`: Intake.language, the remembered language (one SET or GET);
- wall time per call (p50, p95, p99) and the client's CPU per call (what the Rasa process
  pays; Redis's own CPU is another process's);
- the event loop's longest stall while one call meets a stalled Redis (a port that accepts
  and never answers): the async storage against limits' sync one (redis-py), the
  alternative it was chosen over.

Needs Redis on 127.0.0.1:6379 (`--redis`); its keys get a prefix of their own, deleted after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.stats import percentile
from bot.channels.guard import Limits
from bot.channels.intake import Intake
from bot.channels.sender_limits import Allowance, SenderLimiter
from bot.settings import ROOT
from bot.shared_state import COMMAND_TIMEOUT_S, SharedState

RESULTS = ROOT / "bench" / "results"
SENDERS = 1000  # distinct senders, cycled: each stays within its allowance (allowed path)


async def timed(call: Callable[[int], Awaitable[Any]], n: int, offset: int
                ) -> tuple[list[float], float]:
    """Wall µs of each of `n` calls, and the CPU µs they took together."""
    wall: list[float] = []
    cpu = time.process_time()
    for i in range(offset, offset + n):
        start = time.perf_counter()
        await call(i)
        wall.append((time.perf_counter() - start) * 1e6)
    return wall, (time.process_time() - cpu) * 1e6


def summary(wall: list[float], cpu_us: float) -> dict[str, float]:
    return {"calls": len(wall), "p50_us": percentile(wall, 50),
            "p95_us": percentile(wall, 95), "p99_us": percentile(wall, 99),
            "mean_us": sum(wall) / len(wall), "cpu_us_per_call": cpu_us / len(wall)}


async def per_call_costs(redis_url: str, prefix: str, rounds: int, per_round: int
                         ) -> dict[str, dict[str, float]]:
    memory, shared = SharedState(None, prefix), SharedState(redis_url, prefix)
    allowance = Allowance()  # the defaults: 10 in a second, 20 and 64 KiB in 10 s
    limiters = {"memory": SenderLimiter(allowance, memory),
                "redis": SenderLimiter(allowance, shared)}
    intakes = {"memory": Intake(Limits(), state=memory),
               "redis": Intake(Limits(), state=shared)}
    calls: dict[str, Callable[[int], Awaitable[Any]]] = {}
    for where in ("memory", "redis"):
        limiter, intake = limiters[where], intakes[where]
        calls[f"charge/{where}"] = (
            lambda i, limiter=limiter: limiter.charge(f"acct-{i % SENDERS}", 40))
        # Every other message shows its language (remembered), the others do not (read).
        calls[f"language/{where}"] = (
            lambda i, intake=intake: intake.language(f"acct-{i % SENDERS}",
                                                     "sv" if i % 2 else None))
    calls["charge/redis, sync (not used)"] = sync_charge(redis_url, prefix, allowance)
    for call in calls.values():  # warm-up: connections, Lua scripts loaded
        await timed(call, 200, 0)
    walls: dict[str, list[float]] = {name: [] for name in calls}
    cpus = dict.fromkeys(calls, 0.0)
    for r in range(rounds):
        for name, call in calls.items():
            wall, cpu = await timed(call, per_round, r * per_round)
            walls[name] += wall
            cpus[name] += cpu
    assert not limiters["redis"].outage.down, "Redis failed during the run"
    for where, limiter in limiters.items():  # the senders stayed within their allowance
        verdict = await limiter.charge(f"acct-{SENDERS + 1}", 40)
        assert verdict.allowed, (where, verdict)
    return {name: summary(walls[name], cpus[name]) for name in calls}


def sync_charge(redis_url: str, prefix: str, allowance: Allowance
                ) -> Callable[[int], Awaitable[Any]]:
    """The same three counts through limits' sync Redis storage (redis-py), called on the
    loop as it would be: the alternative the async storage was chosen over."""
    from limits import RateLimitItemPerSecond
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter as SyncLimiter

    storage = storage_from_string(redis_url, socket_timeout=COMMAND_TIMEOUT_S)
    limiter = SyncLimiter(storage)
    items = {"burst": RateLimitItemPerSecond(allowance.messages, 1),
             "messages": RateLimitItemPerSecond(2 * allowance.messages, allowance.seconds),
             "bytes": RateLimitItemPerSecond(allowance.bytes, allowance.seconds)}
    namespace = f"{prefix}:sync"

    async def charge(i: int) -> bool:
        sender = f"acct-{i % SENDERS}"
        return all(limiter.hit(item, namespace, kind, sender,
                               cost=40 if kind == "bytes" else 1)
                   for kind, item in items.items()) and storage is not None
    return charge


async def loop_stall(check: Callable[[], Awaitable[Any]]) -> float:
    """The longest the event loop went without running a 1 ms ticker, in ms, while
    `check` ran once."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    await check()
    done.set()
    await task
    return max(gaps) * 1000


async def stalled_redis() -> dict[str, float]:
    from limits import RateLimitItemPerSecond
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter as SyncLimiter

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/1"
        limiter = SenderLimiter(Allowance(), SharedState(url, "benchstall"))

        sync_storage = storage_from_string(url, socket_timeout=COMMAND_TIMEOUT_S,
                                           socket_connect_timeout=COMMAND_TIMEOUT_S)
        sync = SyncLimiter(sync_storage)
        item = RateLimitItemPerSecond(10, 1)

        async def sync_charge() -> None:
            try:
                sync.hit(item, "benchstall", "acct-1")
            except Exception:  # noqa: BLE001 - redis-py's timeout: the stall is the figure
                pass
        started = time.perf_counter()
        async_stall = await loop_stall(lambda: limiter.charge("acct-1", 40))
        async_wait = (time.perf_counter() - started) * 1000
        sync_stall = await loop_stall(sync_charge)
    return {"async_loop_stall_ms": async_stall, "async_message_wait_ms": async_wait,
            "sync_loop_stall_ms": sync_stall, "timeout_ms": COMMAND_TIMEOUT_S * 1000}


def delete_keys(host: str, port: int, db: int, prefix: str) -> None:
    import redis

    client = redis.Redis(host=host, port=port, db=db)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def markdown(result: dict[str, Any]) -> str:
    costs, stall = result["per_call"], result["stalled_redis"]
    rows = []
    for name, s in costs.items():
        rows.append(f"| {name} | {s['calls']} | {s['p50_us']:.0f} | {s['p95_us']:.0f} | "
                    f"{s['p99_us']:.0f} | {s['cpu_us_per_call']:.0f} |")
    per_message = {where: costs[f"charge/{where}"]["p50_us"]
                   + costs[f"language/{where}"]["p50_us"] for where in ("memory", "redis")}
    cpu_message = {where: costs[f"charge/{where}"]["cpu_us_per_call"]
                   + costs[f"language/{where}"]["cpu_us_per_call"]
                   for where in ("memory", "redis")}
    return "\n".join([
        "# Shared per-sender state: cost per message",
        "",
        "`python -m bench.shared_limits` (bench/shared_limits.py), "
        f"{result['when']}, load average {result['load_before']} before, "
        f"{result['load_after']} after; Redis {result['redis']} on loopback. "
        f"{result['rounds']} interleaved rounds of {result['per_round']} calls each, "
        f"{SENDERS} senders cycled (every call allowed), after a warm-up.",
        "",
        "| call | calls | p50 µs | p95 µs | p99 µs | client CPU µs/call |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Per message (charge + language, p50): memory {per_message['memory']:.0f} µs, "
        f"Redis {per_message['redis']:.0f} µs; client CPU {cpu_message['memory']:.0f} µs "
        f"against {cpu_message['redis']:.0f} µs.",
        "",
        "## One call while Redis is stalled (accepts, never answers)",
        "",
        "| storage | event loop's longest stall | the message waited |",
        "|---|---|---|",
        f"| limits async (coredis), as shipped | {stall['async_loop_stall_ms']:.1f} ms | "
        f"{stall['async_message_wait_ms']:.0f} ms, then counted in memory |",
        f"| limits sync (redis-py), not used | {stall['sync_loop_stall_ms']:.0f} ms | "
        "the same, and every other conversation of the process with it |",
        "",
        f"Timeouts {stall['timeout_ms']:.0f} ms (bot/shared_state.py); after a failure "
        "Redis is left alone for 5 s, so further messages go straight to memory.",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shared_limits")
    parser.add_argument("--redis", default="127.0.0.1:6379")
    parser.add_argument("--db", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=1000)
    args = parser.parse_args(argv)
    host, port = args.redis.rsplit(":", 1)
    prefix = f"sbbench{uuid.uuid4().hex[:10]}"
    load_before = os.getloadavg()[0]
    try:
        per_call = asyncio.run(per_call_costs(f"redis://{host}:{port}/{args.db}", prefix,
                                              args.rounds, args.per_round))
        stall = asyncio.run(stalled_redis())
    finally:
        delete_keys(host, int(port), args.db, prefix)
    import redis

    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "redis": redis.Redis(host=host, port=int(port)).info("server")["redis_version"],
        "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
        "rounds": args.rounds, "per_round": args.per_round,
        "per_call": per_call, "stalled_redis": stall,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "shared_limits.json").write_text(json.dumps(result, indent=2) + "\n")
    Path(RESULTS / "shared_limits.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
