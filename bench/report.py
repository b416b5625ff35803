"""bench/results/load.json and load.md from one run's results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.stats import ratio

# Issue 6's targets, to show how far off we are (not asserted anywhere).
TARGET_THROUGHPUT_X = 5.0
TARGET_P95_MS = 250.0
TARGET_SINGLE_P50_MS = 20.0
TARGET_RASA_MB = 700.0


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    phases = results.get("phases", {})
    for users, ours in phases.get("ours", {}).items():
        stock = phases.get("stock", {}).get(users, {})
        out[f"{users}_users"] = {
            key: ratio(ours.get(key), stock.get(key))
            for key in ("throughput_msg_s", "p50_ms", "p95_ms", "p99_ms")
        }
    if "parse" in results:
        out["parse_p50"] = ratio(results["parse"]["ours"]["p50_ms"],
                                 results["parse"]["stock"]["p50_ms"])
    if "load_s" in results:
        out["load_s"] = ratio(results["load_s"].get("ours"), results["load_s"].get("stock"))
    memory = results.get("memory", {})
    if memory:
        out["rasa_peak_rss"] = ratio(memory["ours"]["rasa"]["peak_rss_mb"],
                                     memory["stock"]["rasa"]["peak_rss_mb"])
    return out


def write_named(out: Path, name: str, results: dict[str, Any], text: str) -> None:
    """<out>/<name>.json and <name>.md, and the table on the console."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / f"{name}.md").write_text(text)
    print(text)


def write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / "load.md").write_text(markdown(results))


def _fmt(value: Any, suffix: str = "") -> str:
    return "-" if value is None else f"{value}{suffix}"


def markdown(r: dict[str, Any]) -> str:
    s = r["settings"]
    lines = [
        "# Load benchmark: supportbot vs the stock `rasa init` bot",
        "",
        f"`make bench` (`python -m bench.load`), {r['date']}. Machine: "
        f"{r['machine']['cpus']} CPUs, {r['machine']['platform']}, "
        f"{r['machine']['note']}; load average {r['loadavg_start'][0]} at the start, "
        f"{r['loadavg_end'][0]} at the end. Closed loop (no think time), "
        f"{s['duration_s']:g} s per phase, REST channel, both bots in the same run, "
        f"measured in alternation. Models: ours `{s['models']['ours']}`, stock "
        f"`{s['models']['stock']}`. Compare the **ratios** across runs; absolute figures "
        "move with the machine's load.",
        "",
        "| bot | users | msg/s | p50 ms | p95 ms | p99 ms | errors | checks failed "
        "| CPU ms/msg (Rasa / actions) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for users in sorted({u for p in r.get("phases", {}).values() for u in p}, key=int):
        for name in ("stock", "floor", "ours"):
            p = r["phases"].get(name, {}).get(users)
            if not p:
                continue
            cpu = p["cpu_ms_per_msg"]
            lines.append(
                f"| {name} | {users} | {p['throughput_msg_s']} | {_fmt(p['p50_ms'])} "
                f"| {_fmt(p['p95_ms'])} | {_fmt(p['p99_ms'])} | {p['errors']} "
                f"| {p['check_failures']} | {cpu.get('rasa')} / {_fmt(cpu.get('actions'))} |")
        q = r["ratios"].get(f"{users}_users", {})
        lines.append(
            f"| **ours/stock** | {users} | **{_fmt(q.get('throughput_msg_s'), 'x')}** "
            f"| {_fmt(q.get('p50_ms'), 'x')} | {_fmt(q.get('p95_ms'), 'x')} "
            f"| {_fmt(q.get('p99_ms'), 'x')} | | | |")
    lines += ["", "| | stock | ours | ours/stock |", "|---|---|---|---|"]
    if "parse" in r:
        lines.append(f"| NLU parse p50 / p95 ms (`/model/parse`) "
                     f"| {r['parse']['stock']['p50_ms']} / {r['parse']['stock']['p95_ms']} "
                     f"| {r['parse']['ours']['p50_ms']} / {r['parse']['ours']['p95_ms']} "
                     f"| {_fmt(r['ratios'].get('parse_p50'), 'x')} |")
    if "load_s" in r:
        lines.append(f"| model load s (spawn to serving) | {r['load_s']['stock']} "
                     f"| {r['load_s']['ours']} | {_fmt(r['ratios'].get('load_s'), 'x')} |")
    mem = r.get("memory", {})
    if mem:
        lines.append(f"| Rasa peak RSS MB (VmHWM) | {mem['stock']['rasa']['peak_rss_mb']} "
                     f"| {mem['ours']['rasa']['peak_rss_mb']} "
                     f"| {_fmt(r['ratios'].get('rasa_peak_rss'), 'x')} |")
        lines.append(f"| Rasa RSS MB after the load | {mem['stock']['rasa']['rss_mb']} "
                     f"| {mem['ours']['rasa']['rss_mb']} | |")
        if "rss_anon_mb" in mem["ours"]["rasa"]:
            lines.append("| of it: own memory / mapped files MB "
                         f"| {mem['stock']['rasa']['rss_anon_mb']} / "
                         f"{mem['stock']['rasa']['rss_file_mb']} "
                         f"| {mem['ours']['rasa']['rss_anon_mb']} / "
                         f"{mem['ours']['rasa']['rss_file_mb']} | |")
        lines.append(f"| action server peak RSS MB | - | {mem['ours']['actions']['peak_rss_mb']} "
                     f"| |")
    training = r.get("training") or {}
    lines.append(f"| full training s (empty cache) | {_fmt(training.get('stock_full_s'))} "
                 f"| {_fmt(training.get('full_s'))} "
                 f"| {_fmt(ratio(training.get('full_s'), training.get('stock_full_s')), 'x')} |")
    lines.append(f"| retraining s after an NLU-only edit | - "
                 f"| {_fmt(training.get('nlu_edit_s'))} | |")
    lines.append("")
    if not training:
        lines.append("Training times: `python -m bench.load --training` (~10 min, off by "
                     "default).")
    elif training.get("measured") != r["date"]:
        lines.append(f"Training times from the run of {training.get('measured')} "
                     "(`--training` measures them again).")
    lines += ["", *_targets(r), "", *_floor(r)]
    return "\n".join(lines)


def _floor(r: dict[str, Any]) -> list[str]:
    """What the throughput target asks of the CPU, against what Rasa alone costs."""
    users = str(r["settings"]["users"])
    phases = r.get("phases", {})
    stock, floor = phases.get("stock", {}).get(users), phases.get("floor", {}).get(users)
    ours = phases.get("ours", {}).get(users)
    if not (stock and floor and ours):
        return []
    target = TARGET_THROUGHPUT_X * stock["throughput_msg_s"]
    budget = r["machine"]["cpus"] * 1000 / target
    cpu = ours["cpu_ms_per_msg"]
    return [
        f"Rasa's floor (`floor`: bench/floor_bot, a keyword intent, one rule, one response, "
        f"in-memory stores, our Rasa patches): {floor['throughput_msg_s']} msg/s with "
        f"{users} users, **{_fmt(ratio(floor['throughput_msg_s'], stock['throughput_msg_s']), 'x')}"
        f"** the stock bot, at {floor['cpu_ms_per_msg']['rasa']} Rasa CPU ms per message. "
        f"{TARGET_THROUGHPUT_X:g}x the stock bot is {round(target)} msg/s: on "
        f"{r['machine']['cpus']} cores, {round(budget, 1)} CPU ms per message for every "
        f"process together. Ours spends {cpu.get('rasa')} (Rasa) + {cpu.get('actions')} "
        f"(actions) + {ours.get('client_cpu_ms_per_msg')} (load generator) ms.",
        "",
    ]


def _targets(r: dict[str, Any]) -> list[str]:
    phases = r.get("phases", {}).get("ours", {})
    users = str(r["settings"]["users"])
    many, one = phases.get(users, {}), phases.get("1", {})
    rasa_mb = r.get("memory", {}).get("ours", {}).get("rasa", {}).get("peak_rss_mb")
    x = r.get("ratios", {}).get(f"{users}_users", {}).get("throughput_msg_s")
    rows = [
        (f"throughput >= {TARGET_THROUGHPUT_X:g}x stock, {users} users", f"{_fmt(x, 'x')}",
         x is not None and x >= TARGET_THROUGHPUT_X),
        (f"p95 <= {TARGET_P95_MS:g} ms, {users} users, no errors",
         f"{_fmt(many.get('p95_ms'))} ms, {many.get('errors')} errors",
         bool(many.get("p95_ms")) and many["p95_ms"] <= TARGET_P95_MS
         and not many.get("errors")),
        (f"single user p50 <= {TARGET_SINGLE_P50_MS:g} ms", f"{_fmt(one.get('p50_ms'))} ms",
         bool(one.get("p50_ms")) and one["p50_ms"] <= TARGET_SINGLE_P50_MS),
        (f"Rasa <= {TARGET_RASA_MB:g} MB resident (peak)", f"{_fmt(rasa_mb)} MB",
         rasa_mb is not None and rasa_mb <= TARGET_RASA_MB),
    ]
    out = ["Issue 6 targets:", "", "| target | measured | met |", "|---|---|---|"]
    out += [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in rows]
    return out


FINDINGS = ("<!-- findings: kept when the tables below are regenerated -->", "<!-- /findings -->")


def write_profile(results: dict[str, Any], out: Path) -> None:
    """profile.md: the measured tables, under the hand-written findings (kept)."""
    path = out / "profile.md"
    start, end = FINDINGS
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        findings = old[old.index(start): old.index(end) + len(end)]
    else:
        findings = f"{start}\n## Findings\n\n(to be written from the tables below)\n{end}"
    head = [
        "# Where a message's time goes (py-spy)",
        "",
        f"`python -m bench.load --profile`, {results['date']}, load average "
        f"{results['loadavg_start'][0]}-{results['loadavg_end'][0]} on "
        f"{results['machine']['cpus']} CPUs. Our stack only, in phases of its own "
        "(py-spy, 100 Hz, all threads, idle samples dropped). Shares are of each server's "
        "busy samples and overlap (a stack counts for every suspect it touches); *≈ busy "
        "ms/msg* spreads the server's busy wall time per message by those shares (with one "
        "user, Rasa's busy time is about the latency), *≈ CPU ms/msg* its measured CPU time "
        "(rough: a SQLite commit's share is mostly waiting for the disk, not CPU).",
        "",
        findings,
        "",
    ]
    body: list[str] = []
    for users, run in results.get("profile", {}).items():
        phase = run["phase"]
        body += [f"## {users} user(s): {phase['messages']} messages, "
                 f"p50 {phase['p50_ms']} ms, {phase['throughput_msg_s']} msg/s, "
                 f"{phase['errors']} errors, {phase['check_failures']} checks failed "
                 f"{phase['check_kinds'] or ''}", ""]
        for server in ("rasa", "actions"):
            p = run.get(server)
            if not p:
                continue
            cpu = p["cpu_ms_per_msg"]
            body += [f"### {server}: {cpu} CPU ms/msg, {p['busy_ms_per_msg']} busy ms/msg "
                     "(wall, includes waiting for a CPU and for disk)", "",
                     "| suspect | % of busy | ≈ busy ms/msg | ≈ CPU ms/msg |", "|---|---|---|---|"]
            busy = p["busy_ms_per_msg"]
            body += [f"| {label} | {pct} | {round(busy * pct / 100, 1)} "
                     f"| {round(cpu * pct / 100, 1)} |"
                     for label, pct in sorted(p["suspects_pct"].items(), key=lambda kv: -kv[1])]
            body += ["", "| function (own time) | % of busy |", "|---|---|"]
            body += [f"| `{f}` | {pct} |" for f, pct in list(p["top_own_pct"].items())[:12]]
            body.append("")
    path.write_text("\n".join(head + body), encoding="utf-8")
