"""`supportbot agent add NAME --role agent|lead` and `supportbot console`.

Registered into bot/cli.py's parser; handlers follow its (desk, args) -> (data, text) shape.
Sanic is imported only when the console starts, so other commands stay fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from bot.desk import Desk
from bot.desk.db import PROJECT_ROOT
from bot.desk.models import AGENT_ROLES


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Repeat it: ") != password:
            raise ValueError("the passwords differ")
    return password


def cmd_agent_add(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    from bot.console.auth import hash_password

    info = desk.add_agent(args.name, args.role, hash_password(read_password(args)))
    return info, f"Agent {info.name} ({info.role}) can now sign in to the console."


def cmd_console(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    from bot.console.app import create_app
    from bot.console.auth import console_secret

    app = create_app(desk, console_secret(PROJECT_ROOT / "var"))
    print(f"Agent console on http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return {"stopped": True}, "Console stopped."


def register(commands: Any, command: Any) -> None:
    """Add the console's subcommands; `command` is bot.cli's subparser helper."""
    agent = command(commands, "agent", None, "console accounts for agents")
    agent_commands = agent.add_subparsers(dest="agent_command", metavar="COMMAND", required=True)
    p = command(agent_commands, "add", cmd_agent_add, "create an agent account")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", choices=AGENT_ROLES, default="agent")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
    p = command(commands, "console", cmd_console, "start the agent console (web)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
