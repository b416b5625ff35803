"""`python -m bot.alerts`: the alert worker on its own, for deployments where the
console does not run it (SUPPORTBOT_ALERT_IN_CONSOLE=0). Stops on Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from bot.alerts.worker import AlertWorker
from bot.desk import open_desk
from bot.settings import SettingsError, get_settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = get_settings()
    except SettingsError as error:
        print(f"supportbot alerts: {error}", file=sys.stderr)
        return 2
    desk = open_desk()
    worker = AlertWorker.from_settings(desk, settings.alerts)
    if worker is None:
        print("supportbot alerts: no channel configured: set SUPPORTBOT_ALERT_SMTP_HOST and "
              "SUPPORTBOT_ALERT_TO, or SUPPORTBOT_ALERT_WEBHOOK_URL", file=sys.stderr)
        return 2
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    worker.start()
    stopping.wait()
    worker.stop()
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
