"""Where a message's time goes: py-spy samples of the Rasa and action servers under load.

py-spy records every thread (`--idle`) so that time a thread spends blocked in C (a
TensorFlow call, a SQLite write) counts; samples whose innermost frame is the event loop
or a worker waiting for work are idle and dropped. The rest, divided by the messages
handled meanwhile, is each server's busy time per message, and its share per function
(inclusive: a function's time includes what it calls).

    python -m bench.profiling var/bench/profile/ours-rasa-1.txt ...   # re-analyse
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.loadgen import Target, run_phase
from bench.procs import cpu_seconds, tree
from bench.stacks import WORK, Server
from bench.stats import summarize

PROFILE_DIR = WORK / "profile"
RATE = 100  # samples per second per thread
# Innermost frames of a thread that waits for work rather than doing it.
# Sanic runs uvloop: its idle loop shows as `serve` itself (the poll is in C).
IDLE_LEAVES = ("serve (sanic/server/runners.py)",
               "select (selectors.py)", "poll (selectors.py)", "wait (threading.py)",
               "_wait_for_tstate_lock (threading.py)", "get (queue.py)",
               "_worker (concurrent/futures/thread.py)", "sleep", "run_forever",
               "_run_once (asyncio/base_events.py)", "accept")

# Where to look, by frame substring, most specific first: the suspects of issue 6.
SUSPECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("remote actions: all of it (RemoteAction.run)", ("run (rasa/core/actions/action.py)",)),
    ("remote actions: jsonschema check of each result",
     ("_validate_action_result (rasa/core/actions/action.py)",)),
    ("remote actions: JSON-encoding the tracker for the call",
     ("iterencode (json/encoder.py)", "_dumps (bot/rasa_patches/pooled_endpoints.py)")),
    ("remote actions: connection set-up (aiohttp session, DNS, connect)",
     ("resolve (aiohttp/resolver.py)", "_resolve_host", "__init__ (aiohttp/client.py)",
      "close (aiohttp/client.py)", "_create_connection (aiohttp/connector.py)")),
    ("NLU: whole parse_message", ("parse_message (rasa/core/processor.py)",)),
    ("NLU: DIET / ResponseSelector (NumPy, or TensorFlow)",
     ("diet_classifier.py", "response_selector.py", "bot/nlu/numpy_forward.py", "tensorflow/")),
    ("NLU: featurizers + tokenizer", ("nlu/featurizers/", "nlu/tokenizers/")),
    ("NLU: entity extractor (spaCy rules)", ("bot/nlu/entities.py", "spacy/")),
    ("tracker store: retrieve", ("retrieve (rasa/core/tracker_store.py)",
                                 "retrieve_full_tracker (rasa/core/tracker_store.py)")),
    ("tracker store: save", ("save (rasa/core/tracker_store.py)",)),
    ("slot mappings + validate hook", ("_run_action_extract_slots", "action_extract_slots",
                                       "ActionExtractSlots")),
    ("policies (predict_next_action)", ("predict_next_action (rasa/core/processor.py)",
                                        "_predict_next_with_tracker")),
    ("channel intake / delivery (bot/channels), all", ("bot/channels/",)),
    ("outbox rows (add, claim, done: SQLite)", ("bot/channels/outbox.py",)),
    ("SQLite commit (fsync)", ("do_commit (sqlalchemy/engine/default.py)",)),
    ("SQLite connect + PRAGMAs (no pooling)", ("connect (sqlalchemy/engine/default.py)",
                                              "_configure (bot/desk/db.py)",
                                              "do_close (sqlalchemy/engine/default.py)")),
    ("SQLAlchemy (any caller)", ("sqlalchemy/",)),
    ("JSON (de)serialisation", ("json/", "ujson", "orjson")),
    ("logging / structlog", ("logging/", "structlog/")),
    ("desk DB (bot/desk)", ("bot/desk/",)),
    ("actions: per-message hook (action_validate_slot_mappings)", ("actions/session.py",)),
    ("actions: language slot mapping", ("actions/language.py",)),
    ("actions: form + filing", ("actions/report_form.py", "actions/filing.py")),
    ("action server: the action itself (rasa_sdk executor)",
     ("run (rasa_sdk/executor.py)",)),
    ("actions: abuse / safety", ("actions/safety.py", "bot/abuse/")),
)


@dataclass
class Profile:
    name: str
    samples: Counter[tuple[str, ...]] = field(default_factory=Counter)  # busy stacks
    idle: int = 0

    @property
    def busy(self) -> int:
        return sum(self.samples.values())


def read_raw(path: Path) -> Profile:
    """py-spy's raw format: `frame;frame;... count` per line, outermost frame first."""
    profile = Profile(path.stem)
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = tuple(stack.split(";"))
        if _is_idle(frames):
            profile.idle += int(count)
        else:
            profile.samples[frames] += int(count)
    return profile


def _is_idle(frames: tuple[str, ...]) -> bool:
    leaf = frames[-1]
    return len(frames) <= 2 or any(marker in leaf for marker in IDLE_LEAVES)


def inclusive(profile: Profile) -> Counter[str]:
    """Samples per function, each counted once per stack it appears in."""
    counts: Counter[str] = Counter()
    for frames, n in profile.samples.items():
        for frame in set(frames[1:]):  # frames[0] is the thread with --threads
            counts[frame] += n
    return counts


def own(profile: Profile) -> Counter[str]:
    counts: Counter[str] = Counter()
    for frames, n in profile.samples.items():
        counts[frames[-1]] += n
    return counts


def suspects(profile: Profile) -> dict[str, float]:
    """Share (%) of busy samples whose stack touches each suspect."""
    total = profile.busy or 1
    hits: dict[str, int] = defaultdict(int)
    for frames, n in profile.samples.items():
        joined = ";".join(frames)
        for label, markers in SUSPECTS:
            if any(m in joined for m in markers):
                hits[label] += n
    return {label: round(100 * hits[label] / total, 1) for label, _ in SUSPECTS if hits[label]}


def summary(profile: Profile, messages: int, rate: int = RATE, top: int = 25) -> dict[str, Any]:
    total = profile.busy or 1
    threads = Counter()
    for frames, n in profile.samples.items():
        threads[frames[0]] += n
    return {
        "busy_samples": profile.busy,
        "idle_samples": profile.idle,
        "busy_ms_per_msg": round(1000 * profile.busy / rate / max(messages, 1), 1),
        "threads": {t: round(100 * n / total, 1) for t, n in threads.most_common(5)},
        "suspects_pct": suspects(profile),
        "top_inclusive_pct": {f: round(100 * n / total, 1)
                              for f, n in inclusive(profile).most_common(top)},
        "top_own_pct": {f: round(100 * n / total, 1) for f, n in own(profile).most_common(top)},
    }


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    return found


async def profile_ours(
    server: Server, target: Target, user_counts: list[int], args: argparse.Namespace, run: str
) -> dict[str, Any]:
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    for users in user_counts:
        files = {name: PROFILE_DIR / f"ours-{name}-{users}.txt" for name in server.pids}
        spies = [
            subprocess.Popen(
                [py_spy(), "record", "--pid", str(pid), "--duration", str(int(args.duration)),
                 "--rate", str(RATE), "--format", "raw", "--idle", "--threads", "--nolineno",
                 "--nonblocking", "--output", str(files[name])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, pid in server.pids.items()
        ]
        await asyncio.sleep(1)  # attached before the first message
        cpu = {name: cpu_seconds(tree(pid)) for name, pid in server.pids.items()}
        started, samples = await run_phase(target, users, args.duration - 1,
                                           f"{run}-profile-{users}", args.timeout)
        cpu = {name: cpu_seconds(tree(pid)) - cpu[name] for name, pid in server.pids.items()}
        for spy in spies:
            await asyncio.to_thread(spy.wait, 60)
        phase = summarize(samples, started, users)
        messages = max(1, phase["messages"] - phase["errors"])
        out[str(users)] = {"phase": phase}
        for name, path in files.items():
            if path.exists():
                out[str(users)][name] = {
                    "cpu_ms_per_msg": round(1000 * cpu[name] / messages, 1),
                    **summary(read_raw(path), messages),
                }
        print(f"  profiled {users} users: {messages} messages", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Summarise py-spy raw profiles.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--messages", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    import json

    for path in args.files:
        print(path, json.dumps(summary(read_raw(path), args.messages, top=args.top),
                               indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
