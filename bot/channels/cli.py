"""`supportbot token issue ACCOUNT [--ttl 1h]`: a chat token as the exchange's site
would mint it, for demos and tests. Needs SUPPORTBOT_IDENTITY_KEY, no database."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.channels.identity import DEFAULT_TTL, identity_key, issue_token
from bot.settings import parse_duration


def parse_ttl(value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    help_ = "chat sign-in tokens (as the exchange's site issues them)"
    token = commands.add_parser("token", parents=parents, help=help_, description=help_)
    sub = token.add_subparsers(dest="token_command", metavar="COMMAND", required=True)
    help_ = "print a signed token for ACCOUNT (key: $SUPPORTBOT_IDENTITY_KEY)"
    p = sub.add_parser("issue", parents=parents, help=help_, description=help_)
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--ttl", type=parse_ttl, default=DEFAULT_TTL,
                   help="how long it is valid: 90s, 30m, 2h, 1d (default 1h)")
    p.set_defaults(standalone=run_issue)


def run_issue(args: argparse.Namespace) -> int:
    key = identity_key()
    if key is None:
        raise ValueError("set SUPPORTBOT_IDENTITY_KEY (at least 32 bytes) to issue tokens")
    now = datetime.now(timezone.utc)
    token = issue_token(args.account, key, args.ttl, now)
    expires = (now + args.ttl).replace(microsecond=0)
    if getattr(args, "json", False):
        print(json.dumps({"account": args.account, "token": token,
                          "expires_at": expires.isoformat()}))
    else:
        print(token)  # alone on stdout, for $(supportbot token issue ...)
        print(f"valid for {args.account} until {expires:%Y-%m-%d %H:%M} UTC; chat page: "
              f"/webhooks/chatpage/#token=<token>", file=sys.stderr)
    return 0
