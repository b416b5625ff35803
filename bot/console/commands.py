"""`supportbot agent add|password|signout|trainer NAME` and `supportbot console`.

Registered into bot/cli.py's parser; handlers follow its (desk, args) -> (data, text) shape.
Sanic is imported only when the console starts, so other commands stay fast.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import timedelta
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

    info = desk.add_agent(
        args.name, args.role, hash_password(read_password(args)), trainer=args.trainer
    )
    role = f"{info.role}, trainer" if info.trainer else info.role
    return info, f"Agent {info.name} ({role}) can now sign in to the console."


def cmd_agent_trainer(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    """Give (or with --off take) the trainer role: the console's Training page."""
    info = desk.set_agent_trainer(args.name, not args.off)
    if info.trainer:
        return info, f"{info.name} is a trainer: the console shows them the Training page."
    return info, f"{info.name} is no longer a trainer."


def _sessions(desk: Desk) -> Any:
    from bot.console.auth import SESSION_MAX_AGE_S
    from bot.console.sessions import SessionStore

    return SessionStore(desk.engine, timedelta(seconds=SESSION_MAX_AGE_S))


def cmd_agent_password(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    """A new password; every console session of the agent ends with the old one."""
    from bot.console.auth import hash_password

    if desk.get_agent(args.name) is None:
        raise ValueError(f"no agent {args.name}")
    desk.set_agent_password(args.name, hash_password(read_password(args)))
    ended = _sessions(desk).end_all(args.name)
    return (
        {"agent": args.name, "sessions_ended": ended},
        f"New password set for {args.name}; {ended} console session(s) ended.",
    )


def cmd_agent_signout(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    """End every console session of an agent (a lost laptop, a shared screen)."""
    ended = _sessions(desk).end_all(args.name)
    return (
        {"agent": args.name, "sessions_ended": ended},
        f"{ended} console session(s) of {args.name} ended.",
    )


def _log_to_stderr() -> None:
    """Operators read the console's structured lines (sign-ins, refusals) on stderr."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    logging.getLogger("bot").setLevel(logging.INFO)


def cmd_console(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    from bot.alerts.worker import AlertWorker
    from bot.console.app import create_app
    from bot.console.auth import console_secret
    from bot.settings import get_settings

    _log_to_stderr()
    settings = get_settings().alerts
    alerts = AlertWorker.from_settings(desk, settings) if settings.in_console else None
    app = create_app(desk, console_secret(PROJECT_ROOT / "var"), alerts=alerts)
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
    p.add_argument("--trainer", action="store_true",
                   help="may also label the review inbox and start a training")
    _password_stdin(p)
    p = command(agent_commands, "trainer", cmd_agent_trainer,
                "give an agent the trainer role (labelling, training) or take it")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--off", action="store_true", help="take the role away")
    p = command(agent_commands, "password", cmd_agent_password,
                "set a new password and end the agent's console sessions")
    p.add_argument("name", metavar="NAME")
    _password_stdin(p)
    p = command(agent_commands, "signout", cmd_agent_signout,
                "end every console session of an agent")
    p.add_argument("name", metavar="NAME")
    p = command(commands, "console", cmd_console, "start the agent console (web)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)


def _password_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
