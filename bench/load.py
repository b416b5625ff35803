"""`make bench`: our stack and the stock `rasa init` bot under the same load, same run.

    python -m bench.load [--users 20] [--duration 20] [--profile] [--training]

Both bots are started side by side (idle while the other is measured) and measured in
alternation, 1 user then N users, so a noisy shared machine hits both alike; the ratios
ours/stock are the figures to compare across runs. Rasa's floor (bench/floor_bot, a bot
that does nothing of its own) is measured the same way: the most any bot can get out of
one Rasa process on this machine. Writes bench/results/load.json and load.md (and
profile.md with --profile).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import conversations, report, stacks
from bench.loadgen import Target, parse_latency, run_phase
from bench.procs import RssSampler, cpu_seconds, load_average, memory_report, tree
from bench.stats import percentile, summarize
from bot.desk import Desk
from bot.desk.service import open_desk

RESULTS = stacks.ROOT / "bench" / "results"
REASON = "threats toward staff"


def suspender(desk: Desk):
    async def before(sender: str) -> None:
        # Off the event loop: a SQLite write must not stall the other users' timers.
        await asyncio.to_thread(desk.suspend, sender, 48, REASON, "bench")
    return before


async def measure_phase(
    server: stacks.Server, target: Target, users: int, args: argparse.Namespace, tag: str
) -> dict[str, Any]:
    pids = [p for pid in server.pids.values() for p in tree(pid)]
    cpu_before = {name: cpu_seconds(tree(pid)) for name, pid in server.pids.items()}
    client_before = time.process_time()  # this process: the load generator
    with RssSampler(server.pids) as rss:
        started, samples = await run_phase(target, users, args.duration, tag, args.timeout)
    client_s = time.process_time() - client_before
    result = summarize(samples, started, users)
    ok = max(1, result["messages"] - result["errors"])
    result["cpu_ms_per_msg"] = {
        name: round(1000 * (cpu_seconds(tree(pid)) - cpu_before[name]) / ok, 1)
        for name, pid in server.pids.items()
    }
    result["client_cpu_ms_per_msg"] = round(1000 * client_s / ok, 1)
    result["phase_peak_rss_mb"] = rss.peaks_mb()
    result["processes"] = len(pids)
    result["loadavg_after"] = load_average()
    print(f"  {server.name:5} {users:>3} users: {result['throughput_msg_s']:7.1f} msg/s  "
          f"p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  p99 {result['p99_ms']} ms  "
          f"errors {result['errors']}  checks failed {result['check_failures']}", flush=True)
    return result


async def parse_probe(server: stacks.Server, rounds: int) -> dict[str, Any]:
    texts = conversations.texts(conversations.OURS)  # the same texts for both bots
    await parse_latency(server.base_url, server.token, texts, 5)  # warm
    ms = [1000 * s for s in await parse_latency(server.base_url, server.token, texts, rounds)]
    return {"requests": rounds, "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1)}


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    run = datetime.now(timezone.utc).strftime("%H%M%S")
    stock_model = stacks.ensure_stock()
    floor_model = stacks.ensure_floor()
    our_model = Path(args.model) if args.model else stacks.newest_model(stacks.ROOT / "models")
    print(f"stock model {stock_model.name}, ours {our_model.name}", flush=True)
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
        "loadavg_start": load_average(),
        "settings": {"users": args.users, "duration_s": args.duration,
                     "timeout_s": args.timeout, "think_s": 0,
                     "models": {"ours": our_model.name, "stock": stock_model.name}},
    }
    servers: list[stacks.Server] = []
    try:
        stock = stacks.start_stock(stock_model, stacks.WORK / "run" / "stock.log")
        servers.append(stock)
        floor = stacks.start_floor(floor_model, stacks.WORK / "run" / "floor.log")
        servers.append(floor)
        ours, desk_url = stacks.start_ours(our_model, stacks.WORK / "run" / "ours")
        servers.append(ours)
        desk = open_desk(desk_url)
        targets = {
            "stock": Target(stock.base_url, conversations.STOCK),
            "floor": Target(floor.base_url, conversations.FLOOR),
            "ours": Target(ours.base_url, conversations.OURS, suspender(desk),
                           conversations.DEGRADED),
        }
        by_name = {"stock": stock, "floor": floor, "ours": ours}
        results["load_s"] = {s.name: round(s.load_s, 1) for s in servers}
        print(f"loaded: {results['load_s']}", flush=True)
        for name, target in targets.items():  # first messages pay for lazy set-up
            await run_phase(target, len(target.conversations), 3, f"{run}-warm-{name}")
        results["parse"] = {n: await parse_probe(s, args.parse_rounds)
                            for n, s in by_name.items() if n != "floor"}
        print(f"parse: {results['parse']}", flush=True)
        results["phases"] = {}
        for users in sorted({1, args.users}):
            for name in by_name:
                results["phases"].setdefault(name, {})[str(users)] = await measure_phase(
                    by_name[name], targets[name], users, args, f"{run}-{name}-{users}")
        results["memory"] = {s.name: memory_report(s.pids) for s in servers}
        if args.profile:
            from bench import profiling

            results["profile"] = await profiling.profile_ours(
                ours, targets["ours"], sorted({1, args.users}), args, run)
    finally:
        for server in servers:
            server.stop()
    if args.training:
        from bench import training

        results["training"] = {**training.measure(), "measured": results["date"]}
    else:
        results["training"] = _previous_training(args.out)
    results["loadavg_end"] = load_average()
    results["ratios"] = report.ratios(results)
    return results


def _previous_training(out: Path) -> dict[str, Any] | None:
    """Training times change with the data, not the load: keep the last ones measured."""
    try:
        previous = json.loads((out / "load.json").read_text())
    except (OSError, ValueError):
        return None
    training = previous.get("training")
    if training and "measured" not in training:
        training = {**training, "measured": previous.get("date")}
    return training


def _machine() -> dict[str, Any]:
    import os

    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "note": "shared with other engineers' training and test runs"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20, help="concurrent users (and 1)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per load phase")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per HTTP call")
    parser.add_argument("--parse-rounds", type=int, default=100)
    parser.add_argument("--model", help="our model (default: newest in models/)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the Rasa and action servers (pip install py-spy)")
    parser.add_argument("--training", action="store_true",
                        help="also time full training and an NLU-only retrain (~10 min)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()
    results = asyncio.run(bench(args))
    results["bench_s"] = round(time.monotonic() - started, 1)
    report.write(results, args.out)
    if "profile" in results:
        report.write_profile(results, args.out)
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
