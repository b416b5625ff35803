"""How many times one chat message has its language detected, in each process.

    .venv/bin/python -m bench.language_calls     # writes bench/results/language_calls.{json,md}

Starts the stack as `make run` does (Rasa + action server, throw-away SQLite databases,
development sign-in) with `bot.language.detect_language` wrapped in both processes by a
`sitecustomize` module on PYTHONPATH: each call appends its process and caller to a file.
Then it sends REST messages, one at a time after a warm-up message, and counts the calls
each one caused. A count, not a timing: the figure is the same on any machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import textwrap
import time
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench.stacks import free_port
from bot.serve import ROOT, Stack, write_endpoints

RESULTS = ROOT / "bench" / "results"
WARM_UP = "hello"
MESSAGES = ("my deposit has not arrived", "min insättning har inte kommit fram",
            "why is my account suspended?", "varför är mitt konto avstängt?")

# Wraps detect_language before any module binds it by `from bot.language import ...`.
SITECUSTOMIZE = textwrap.dedent("""
    import os, sys, traceback
    _log = os.environ.get("LANGUAGE_CALLS_LOG")
    if _log:
        import bot.language as _language
        _own = _language.detect_language

        def detect_language(text):
            frames = traceback.extract_stack(limit=3)[:-1]  # caller's caller, caller
            where = "<-".join(f"{f.filename.replace(os.getcwd() + '/', '')}:{f.name}"
                              for f in reversed(frames))
            with open(_log, "a") as out:
                out.write(f"{os.getpid()} {where}\\n")
            return _own(text)

        _language.detect_language = detect_language
""")


def post(port: int, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"http://localhost:{port}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def measure(tmp: Path) -> dict:
    (tmp / "site").mkdir()
    (tmp / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp / "calls.log"
    actions_port = free_port()
    endpoints = write_endpoints(tmp / "endpoints.yml", actions_port, tmp / "tracker.db")
    stack = Stack(rasa_port=free_port(), actions_port=actions_port, endpoints=str(endpoints),
                  log_dir=tmp / "log")
    stack.env = {
        "PYTHONPATH": f"{tmp / 'site'}:{ROOT}", "LANGUAGE_CALLS_LOG": str(log),
        "SUPPORTBOT_DB_URL": f"sqlite:///{tmp / 'desk.db'}",
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "SUPPORTBOT_DEV_LOGIN": "1", "SUPPORTBOT_IDENTITY_KEY": "",
        "SUPPORTBOT_RASA_TOKEN": "language-calls-token",
    }
    stack.start(supervise=False)
    try:
        names = {str(p.pid): name for name, p in stack.processes.items()}
        post(stack.rasa_port, "acct-lang-calls", WARM_UP)
        per_message = []
        for text in MESSAGES:
            before = len(lines(log))
            replies = post(stack.rasa_port, "acct-lang-calls", text)
            time.sleep(0.2)  # the action server's log line is written before it answers
            calls = lines(log)[before:]
            by_process = Counter(names.get(c.split()[0], "other") for c in calls)
            sites = Counter(f"{names.get(c.split()[0], 'other')} {c.split()[1]}" for c in calls)
            per_message.append({"text": text, "replies": len(replies), "calls": len(calls),
                                "by_process": dict(by_process), "call_sites": dict(sites)})
    finally:
        stack.stop()
    return {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "messages": per_message,
            "mean_calls": sum(m["calls"] for m in per_message) / len(per_message)}


def markdown(result: dict, label: str) -> str:
    rows = ["| message | replies | detections | by process | call sites |", "|---|---|---|---|---|"]
    for m in result["messages"]:
        sites = "<br>".join(f"{k} ×{v}" for k, v in sorted(m["call_sites"].items()))
        procs = ", ".join(f"{k} {v}" for k, v in sorted(m["by_process"].items()))
        rows.append(f"| {m['text']} | {m['replies']} | {m['calls']} | {procs} | {sites} |")
    return (f"## {label} ({result['when']})\n\nDetections of one REST message's language, "
            f"mean {result['mean_calls']:.1f} per message.\n\n" + "\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="this tree", help="heading of this run in the .md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="language-calls-") as tmp:
        result = measure(Path(tmp))
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs_file = RESULTS / "language_calls.json"
    runs = json.loads(runs_file.read_text()) if runs_file.exists() else {}
    runs[args.label] = result
    runs_file.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    header = ("# Language detections per chat message\n\n`python -m bench.language_calls "
              "--label NAME` (bench/language_calls.py): the stack with `detect_language` "
              "counted in every process, REST messages one at a time.\n\n")
    (RESULTS / "language_calls.md").write_text(
        header + "\n".join(markdown(r, label) for label, r in runs.items()))
    print(markdown(result, args.label))


if __name__ == "__main__":
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    main()
