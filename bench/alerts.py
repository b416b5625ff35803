"""`make bench-alerts`: how soon does an agent hear of an urgent ticket?

    .venv/bin/python -m bench.alerts     # writes bench/results/alerts.json and alerts.md

A real `supportbot console` on a fresh SQLite desk, with its alert worker sending to a
local SMTP server (aiosmtpd on 127.0.0.1); an agent signed in on the queue page in
headless chromium (Playwright), the notifications permission granted and
window.Notification wrapped to record when each notification is raised. Then, one at a
time, `--tickets` urgent tickets are filed with the desk's file_report (what the bot's
form action calls with the user's last answer), at random moments relative to the
pollers, and each is timed from the start of that call to:

  - the browser notification on the agent's page (the console's live queue), and
  - the e-mail's arrival at the SMTP server (the alert worker).

Both clocks are this machine's wall clock (the page's Date.now(), Python's time.time()).
The figures are dominated by the two polling intervals, SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS
and SUPPORTBOT_ALERT_POLL_SECONDS: at their defaults unless given here.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import platform
import random
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.report import write_named
from bench.stats import percentile
from bot.console.auth import hash_password
from bot.desk import Desk, make_engine, migrate
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench password for the live queue"
# Records each notification the page raises, with the page's clock.
SPY = """
(() => {
  const Real = window.Notification;
  window.__notified = [];
  function Spied(title, options) {
    window.__notified.push({tag: (options || {}).tag || "", at: Date.now()});
    try { return new Real(title, options); } catch (err) { return {}; }
  }
  Spied.prototype = Real.prototype;
  Object.defineProperty(Spied, "permission", {get: () => Real.permission});
  Spied.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Spied;
})();
"""


class MailSink:
    """aiosmtpd's handler: when each alert e-mail arrived, by ticket."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.arrived.setdefault(str(message["X-Supportbot-Ticket"]), time.time())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_console(tmp: Path, db_url: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    tracker = tmp / "tracker.db"
    sqlite3.connect(tracker).close()
    log = open(tmp / "console.log", "wb")  # noqa: SIM115 - the child keeps its copy
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", db_url, "console", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "SUPPORTBOT_CONSOLE_SECRET": secrets.token_hex(32),
             "SUPPORTBOT_TRACKER_DB_URL": f"sqlite:///{tracker}", **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1).read()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the console did not start; see {tmp / 'console.log'}")


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50) * 1000),
            "p95_ms": round(percentile(values, 95) * 1000),
            "min_ms": round(min(values) * 1000), "max_ms": round(max(values) * 1000)}


def run(tickets: int, live_poll: float | None, alert_poll: float | None) -> dict[str, Any]:
    from aiosmtpd.controller import Controller
    from playwright.sync_api import expect, sync_playwright

    defaults = Settings.from_env({}).alerts
    live_poll = live_poll or defaults.live_poll_seconds
    alert_poll = alert_poll or defaults.poll_seconds
    sink = MailSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as folder:
        tmp = Path(folder)
        db_url = f"sqlite:///{tmp / 'desk.db'}"
        migrate(db_url)
        engine = make_engine(db_url)
        desk = Desk(engine)
        desk.add_agent("bench", "agent", hash_password(PASSWORD))
        port = free_port()
        console = start_console(tmp, db_url, port, {
            "SUPPORTBOT_CONSOLE_LIVE_POLL_SECONDS": str(live_poll),
            "SUPPORTBOT_ALERT_POLL_SECONDS": str(alert_poll),
            "SUPPORTBOT_ALERT_SMTP_HOST": "127.0.0.1",
            "SUPPORTBOT_ALERT_SMTP_PORT": str(smtp_port),
            "SUPPORTBOT_ALERT_SMTP_STARTTLS": "0",
            "SUPPORTBOT_ALERT_TO": "desk@bench.example",
        })
        url = f"http://127.0.0.1:{port}"
        filed: dict[str, float] = {}
        file_s: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                context = browser.new_context(base_url=url)
                context.grant_permissions(["notifications"], origin=url)
                context.add_init_script(SPY)
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("Name").fill("bench")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page.locator("#live-status")).to_have_text("Live")
                rng = random.Random(16)
                for i in range(tickets):
                    time.sleep(rng.uniform(0, max(live_poll, alert_poll)))
                    started = time.time()
                    ref = desk.file_report(f"bench-{i}", "account_hacked", {},
                                           f"bench-alerts-{i}").ticket.reference
                    file_s.append(time.time() - started)
                    filed[ref] = started
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        tags = {n["tag"] for n in page.evaluate("window.__notified")}
                        if ref in tags and ref in sink.arrived:
                            break
                        time.sleep(0.02)
                notified = {n["tag"]: n["at"] / 1000 for n in page.evaluate("window.__notified")}
                browser.close()
        finally:
            console.terminate()
            console.wait(timeout=30)
            controller.stop()
            engine.dispose()
    to_notification = [notified[ref] - at for ref, at in filed.items() if ref in notified]
    to_email = [sink.arrived[ref] - at for ref, at in filed.items() if ref in sink.arrived]
    return {
        "tickets": tickets,
        "live_poll_s": live_poll,
        "alert_poll_s": alert_poll,
        "notified": len(to_notification),
        "emailed": len(to_email),
        "file_report": summary(file_s),
        "to_notification": summary(to_notification),
        "to_email": summary(to_email),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [
        "# Alerts: filing an urgent ticket to the agent hearing of it",
        "",
        "`make bench-alerts` (bench/alerts.py): a real console with its alert worker, a",
        "local SMTP server (aiosmtpd), an agent's queue page in headless chromium with",
        "notifications allowed. Each urgent ticket is filed with the desk's `file_report`",
        "(what the form action calls with the user's last answer), one at a time at random",
        "moments, and timed from that call to the browser notification and to the e-mail's",
        "arrival at the SMTP server. SQLite desk, 2 cores shared with other work.",
        "",
        "| live poll | alert poll | tickets | notification p50 | p95 | max "
        "| e-mail p50 | p95 | max | file_report p50 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        n, m = r["to_notification"], r["to_email"]
        lines.append(
            f"| {r['live_poll_s']} s | {r['alert_poll_s']} s | {r['tickets']} "
            f"| {n['p50_ms']} ms | {n['p95_ms']} ms | {n['max_ms']} ms "
            f"| {m['p50_ms']} ms | {m['p95_ms']} ms | {m['max_ms']} ms "
            f"| {r['file_report']['p50_ms']} ms |")
    lines += [
        "",
        "Both paths poll the desk, so their times are about half a polling interval plus",
        "the work after it (rendering the table and the notification; building, handing",
        "over and receiving the e-mail). The first row is the default settings; the",
        "second shows what shorter intervals buy, at one cheap query per interval each.",
        f"Machine: {runs[0]['machine']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--fast", type=float, default=0.25,
                        help="also run with both polls at this many seconds (0: skip)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    runs = [run(args.tickets, None, None)]
    if args.fast:
        runs.append(run(args.tickets, args.fast, args.fast))
    for r in runs:
        print(json.dumps(r), flush=True)
    write_named(args.out, "alerts", {"runs": runs}, markdown(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
