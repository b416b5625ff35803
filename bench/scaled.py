"""Load on the scale-out profile (`make bench-scaled`): the simulated users of `make bench`
against nginx in front of two Rasa instances (the stack of `make run-scaled`, under
supervisord), then nginx in front of one (the other stopped), in one run on one stack
(PostgreSQL, Redis, RabbitMQ). Writes bench/results/scaled.{json,md}. Throw-away
databases, Redis prefix and queue.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import conversations, report, stacks
from bench.load import RESULTS, measure_phase, suspender
from bench.loadgen import Target, run_phase
from bench.procs import cpu_seconds, load_average, memory_report, tree
from bot.desk import Desk, make_engine
from bot.scaleout.launcher import ScaledStack, Services
from bot.scaleout.services import (
    PG_CANDIDATES,
    drop_database,
    first_reachable_postgres,
    with_database,
)
from deploy.nginx.edge import Edge

# All the simulated users come from 127.0.0.1: the per-address limits of the edge would
# refuse them as one flooder. They stay in the config; only their numbers are lifted.
UNLIMITED_EDGE = {"requests_per_second": 100000, "requests_burst": 100000,
                  "connections_per_address": 1000}


def _scaled_stack(model: Path, run: str) -> tuple[ScaledStack, str]:
    server, errors = first_reachable_postgres(PG_CANDIDATES)
    if server is None:
        raise SystemExit("PostgreSQL unreachable: " + "; ".join(errors))
    services = Services(desk_url=with_database(server, f"sb_bench_{run}_desk"),
                        tracker_url=with_database(server, f"sb_bench_{run}_tracker"),
                        redis_key_prefix=f"sbbench{run}", rabbitmq_queue=f"sb_bench_{run}")
    stack = ScaledStack(
        services=services, rasa_ports=(stacks.free_port(), stacks.free_port()),
        actions_ports=(stacks.free_port(), stacks.free_port()),
        edge_port=stacks.free_port(), console_port=None, console_edge_port=None,
        metrics_port=stacks.free_port(), model=str(model),
        run_dir=stacks.WORK / "run" / "scaled", log_dir=stacks.WORK / "run" / "scaled" / "log",
        edge_overrides=UNLIMITED_EDGE,
        env={"SUPPORTBOT_DEV_LOGIN": "1", "SUPPORTBOT_RASA_TOKEN": secrets.token_hex(16),
             **stacks.UNLIMITED})
    return stack, server


def _pids(stack: ScaledStack, nodes: int) -> dict[str, int]:
    pids = {}
    for number in range(1, nodes + 1):
        pids[f"rasa{number}"] = stack.pid(f"rasa{number}")
        pids[f"actions{number}"] = stack.pid(f"actions{number}")
    return pids


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    model = Path(args.model) if args.model else stacks.newest_model(stacks.ROOT / "models")
    stack, pg_server = _scaled_stack(model, run)
    shutil.rmtree(stack.run_dir, ignore_errors=True)  # this run's logs only
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "loadavg_start": load_average(),
        "settings": {"users": args.users, "duration_s": args.duration, "model": model.name},
    }
    one: Edge | None = None
    try:
        stack.start()
        token = stack.env["SUPPORTBOT_RASA_TOKEN"]
        # The same nginx config in front of instance 1 only, for the one-instance phases.
        one = Edge(port=stacks.free_port(), rasa_ports=stack.rasa_ports[:1],
                   prefix=stack.run_dir / "nginx-one", settings_overrides=UNLIMITED_EDGE)
        one.start()
        desk = Desk(make_engine(stack.services.desk_url))
        servers = {
            "two via nginx": stacks.Server("nginx2", stack.url, token,
                                           {**_pids(stack, 2), "nginx": stack.pid("nginx")},
                                           0.0),
            "one via nginx": stacks.Server("nginx1", one.url, token,
                                           {**_pids(stack, 1), "nginx": one.process.pid}, 0.0),
        }
        targets = {name: Target(server.base_url, conversations.OURS, suspender(desk),
                                conversations.DEGRADED) for name, server in servers.items()}
        results["phases"] = {}
        for name, server in servers.items():
            if name == "one via nginx":
                # Instance 2 stopped: its outbox worker would otherwise share the outbox.
                stack.control().supervisor.stopProcess("rasa2")
            await run_phase(targets[name], len(conversations.OURS), 3, f"{run}-warm-{server.name}")
            for users in sorted({1, args.users}):
                # nginx's master and worker; measure_phase rounds to 0.1 ms, too coarse here.
                before = cpu_seconds(tree(server.pids["nginx"]))
                phase = await measure_phase(server, targets[name], users, args,
                                            f"{run}-{server.name}-{users}")
                answered = max(1, phase["messages"] - phase["errors"])
                phase["front"] = "nginx"
                phase["front_cpu_ms_per_msg"] = round(
                    1000 * (cpu_seconds(tree(server.pids["nginx"])) - before) / answered, 3)
                results["phases"].setdefault(name, {})[str(users)] = phase
            if name == "two via nginx":
                results["memory"] = memory_report(server.pids)
        results["loadavg_end"] = load_average()
        desk.engine.dispose()
    finally:
        if one is not None:
            one.stop()
        stack.stop()
        for database in (f"sb_bench_{run}_desk", f"sb_bench_{run}_tracker"):
            drop_database(pg_server, database)
        await _forget_queue(stack.services)
    return results


async def _forget_queue(services: Services) -> None:
    import aio_pika

    connection = await aio_pika.connect(host=services.rabbitmq_host,
                                        port=services.rabbitmq_port,
                                        login=services.rabbitmq_username,
                                        password=services.rabbitmq_password)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(services.rabbitmq_queue)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Load benchmark: the scale-out profile",
        "",
        f"`make bench-scaled` (`python -m bench.scaled`), {r['date']}. Machine: "
        f"{r['machine']['cpus']} CPUs, shared with other engineers' runs; load average "
        f"{r['loadavg_start'][0]} at the start, {r['loadavg_end'][0]} at the end. Closed "
        f"loop, {r['settings']['duration_s']:.0f} s per phase, REST, the conversations of "
        "`make bench`. One scaled stack (PostgreSQL tracker/outbox/desk, Redis locks, "
        "RabbitMQ events) under supervisord, targets in turn: nginx (deploy/nginx, its "
        "per-address limits lifted: every simulated user comes from 127.0.0.1) in front "
        "of both instances; nginx in front of instance 1 after instance 2 is stopped "
        "(and, in the run that decided to delete it, the Python balancer in front of "
        "both). Both "
        "instances share these 2 cores, so two cannot do twice what one does here (a Rasa "
        "process uses one core); the CPU per message is what capacity plans scale. "
        "\"nginx\" counts its master and worker. \"degraded\" = the user was told the "
        "message is kept.",
        "",
        "| target | users | msg/s | p50 ms | p95 ms | p99 ms | errors | checks failed "
        "| front CPU ms/msg | CPU ms/msg by process |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, by_users in r["phases"].items():
        for users, p in by_users.items():
            cpu = ", ".join(f"{k} {v}" for k, v in p["cpu_ms_per_msg"].items())
            lines.append(f"| {name} | {users} | {p['throughput_msg_s']} | {p['p50_ms']} | "
                         f"{p['p95_ms']} | {p['p99_ms']} | {p['errors']} | "
                         f"{_checks(p)} | {p['front']} {p['front_cpu_ms_per_msg']} | {cpu} |")
    memory = ", ".join(f"{k} {v['rss_mb']:.0f}" for k, v in r.get("memory", {}).items())
    lines += ["", f"Resident memory after the phases of two via nginx, MB: {memory}."]
    return "\n".join(lines) + "\n"


def _checks(phase: dict[str, Any]) -> str:
    kinds = ", ".join(f"{k} {n}" for k, n in phase["check_kinds"].items())
    return f"{phase['check_failures']} ({kinds})" if kinds else str(phase["check_failures"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--model")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = asyncio.run(bench(args))
    report.write_named(args.out, "scaled", results, markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
