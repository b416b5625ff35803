"""`supportbot token issue ACCOUNT [--ttl 1h]`: a chat token as the exchange's site
would mint it, for demos and tests. Needs SUPPORTBOT_IDENTITY_KEY, no database."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.channels.identity import DEFAULT_TTL, identity_key, issue_token

_TTL = re.compile(r"^(\d+)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(value: str) -> timedelta:
    match = _TTL.match(value.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {value!r} (e.g. 90s, 30m, 2h, 1d)")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


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
