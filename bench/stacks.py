"""The servers under test: our stack (bot.serve.Stack with throw-away databases), the
stock `rasa init` bot (created and trained once, cached under var/bench/), and Rasa's
floor (bench/floor_bot: one keyword intent, one rule, one response, with our Rasa patches):
what any bot costs in one Rasa process here, before it does anything of its own."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.serve import RASA, ROOT, Stack, stop_process, write_endpoints

WORK = ROOT / "var" / "bench"
STOCK_DIR = WORK / "stock"
STOCK_META = STOCK_DIR / "bench.json"
FLOOR_BOT = ROOT / "bench" / "floor_bot"
FLOOR_DIR = WORK / "floor"
# Generous: per-sender rate limits are for abusers, a benchmark sends as fast as it can.
UNLIMITED = {"SUPPORTBOT_RATE_MESSAGES": "1000000", "SUPPORTBOT_RATE_SECONDS": "1",
             "SUPPORTBOT_RATE_BYTES": "1000000000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def newest_model(directory: Path) -> Path:
    models = sorted(directory.glob("*.tar.gz"), key=os.path.getmtime)
    if not models:
        raise FileNotFoundError(f"no model in {directory}: run `make train`")
    return models[-1]


@dataclass
class Server:
    """One running bot: where to talk to it, and its processes by name."""

    name: str
    base_url: str
    token: str
    pids: dict[str, int]
    load_s: float  # spawn to answering (the model loaded)
    stop_fn: object = field(repr=False, default=None)

    def stop(self) -> None:
        if callable(self.stop_fn):
            self.stop_fn()


def start_ours(model: Path, run_dir: Path, timeout: float = 300) -> tuple[Server, str]:
    """Our Rasa + action server on fresh SQLite files; (server, desk database URL)."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    actions_port, rasa_port = free_port(), free_port()
    tracker = run_dir / "tracker.db"
    endpoints = write_endpoints(run_dir / "endpoints.yml", actions_port, tracker)
    desk_url = f"sqlite:///{run_dir / 'desk.db'}"
    token = secrets.token_hex(16)
    stack = Stack(rasa_port=rasa_port, actions_port=actions_port, model=str(model),
                  endpoints=str(endpoints), log_dir=run_dir / "log")
    stack.env = {
        "SUPPORTBOT_DB_URL": desk_url,
        "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tracker}",
        "SUPPORTBOT_RASA_TOKEN": token,
        "SUPPORTBOT_RASA_URL": f"http://localhost:{rasa_port}",
        "SUPPORTBOT_DEV_LOGIN": "1",  # REST senders by id, no signed token
        **UNLIMITED,
    }
    started = time.monotonic()
    stack.start(timeout=timeout)  # both spawned at once; Rasa is the slower to load
    load_s = time.monotonic() - started
    pids = {"rasa": stack.processes["rasa"].pid, "actions": stack.processes["actions"].pid}
    server = Server("ours", f"http://localhost:{rasa_port}", token, pids, load_s, stack.stop)
    return server, desk_url


def ensure_stock(timeout: float = 1800) -> Path:
    """`rasa init` once into var/bench/stock (it trains the moodbot); the model's path."""
    if STOCK_META.exists() and list((STOCK_DIR / "models").glob("*.tar.gz")):
        return newest_model(STOCK_DIR / "models")
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    started = time.monotonic()
    # Its own training cache: the project's .rasa/cache belongs to `make train`.
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(WORK / "rasa-cache")}
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], cwd=WORK,
                   env=env, check=True, timeout=timeout, capture_output=True)
    STOCK_META.write_text(json.dumps({"init_and_train_s": round(time.monotonic() - started, 1)}))
    return newest_model(STOCK_DIR / "models")


def ensure_floor(timeout: float = 600) -> Path:
    """The floor bot's model, trained again only when bench/floor_bot changes (~15 s)."""
    files = sorted(FLOOR_BOT.glob("*.yml"))
    digest = hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files))
    name = f"floor-{digest.hexdigest()[:12]}"
    model = FLOOR_DIR / f"{name}.tar.gz"
    if not model.exists():
        shutil.rmtree(FLOOR_DIR, ignore_errors=True)
        FLOOR_DIR.mkdir(parents=True)
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(WORK / "rasa-cache")}
        subprocess.run(
            [RASA, "train", "--config", str(FLOOR_BOT / "config.yml"),
             "--domain", str(FLOOR_BOT / "domain.yml"), "--data", str(FLOOR_BOT / "data.yml"),
             "--out", str(FLOOR_DIR), "--fixed-model-name", name],
            cwd=FLOOR_DIR, env=env, check=True, timeout=timeout, capture_output=True)
    return model


def start_stock(model: Path, log: Path, timeout: float = 300) -> Server:
    return _start_rasa("stock", [RASA, "run"], model, STOCK_DIR, log, timeout)


def start_floor(model: Path, log: Path, timeout: float = 300) -> Server:
    # As our Rasa runs (bot.serve.Stack): with our patches, one BLAS thread, no jax.
    command = [sys.executable, "-m", "bot.run_rasa", "run",
               "--credentials", str(FLOOR_BOT / "credentials.yml")]
    return _start_rasa("floor", command, model, FLOOR_DIR, log, timeout)


def _start_rasa(name: str, rasa_run: list[str], model: Path, cwd: Path, log: Path,
                timeout: float) -> Server:
    """`rasa run` on its defaults (in-memory tracker and lock stores), REST channel."""
    port, token = free_port(), secrets.token_hex(16)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [*rasa_run, "--enable-api", "--auth-token", token, "--model", str(model),
             "--port", str(port)],
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    started = time.monotonic()
    base = f"http://localhost:{port}"

    def stop() -> None:
        stop_process(process)

    while not _model_loaded(base, token):
        if process.poll() is not None or time.monotonic() - started > timeout:
            stop()
            raise RuntimeError(f"the {name} bot did not start; see {log}")
        time.sleep(0.25)
    return Server(name, base, token, {"rasa": process.pid}, time.monotonic() - started, stop)


def _model_loaded(base: str, token: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/status?token={token}", timeout=2) as response:
            return bool(json.load(response).get("model_file"))
    except (OSError, ValueError):
        return False
