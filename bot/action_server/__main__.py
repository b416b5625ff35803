"""`python -m bot.action_server [--port 5055] [--actions actions]`.

Listens on SUPPORTBOT_ACTIONS_HOST (default 127.0.0.1: only this machine's Rasa can reach
it). The secret is SUPPORTBOT_ACTIONS_TOKEN, else var/actions_token (made on first run),
the same lookup as bot.run_rasa's, so Rasa sends what this server expects.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rasa_sdk import utils
from rasa_sdk.plugin import plugin_manager

from bot.action_server.app import ROOT, create_app
from bot.action_server.auth import WeakToken
from bot.local_secrets import actions_token
from bot.logs import log_event
from bot.private_files import restrict_umask
from bot.settings import SettingsError, get_settings

logger = logging.getLogger("bot.action_server")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server",
                                     description="supportbot's action server")
    parser.add_argument("--actions", default="actions", help="package of the actions")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", help="default: $SUPPORTBOT_ACTIONS_HOST, else 127.0.0.1")
    parser.add_argument("--domain", type=Path, default=ROOT / "domain",
                        help="domain file or folder: the slots' types")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    restrict_umask()  # the desk's SQLite files it may create are private
    args = parse_args(argv)
    utils.configure_colored_logging(args.log_level)
    utils.update_sanic_log_level()
    try:
        settings = get_settings().actions
    except SettingsError as error:
        log_event(logger, "action_server_not_started", logging.ERROR, reason=str(error))
        return 2
    args.host = args.host or settings.host
    max_body = settings.max_body_bytes
    try:
        app = create_app(args.actions, token=actions_token(), max_body_bytes=max_body,
                         domain=args.domain)
    except WeakToken as weak:
        log_event(logger, "action_server_not_started", logging.ERROR, reason=str(weak))
        return 2
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    if args.host not in LOOPBACK:
        log_event(logger, "action_server_beyond_loopback", logging.WARNING, host=args.host,
                  advice="only Rasa should reach it: firewall the port or use TLS")
    log_event(logger, "action_server_started", host=args.host, port=args.port,
              max_body_bytes=max_body)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(),
            access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
