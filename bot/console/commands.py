"""`supportbot agent add|password|signout|trainer|list|disable|reset|role|language` and
`supportbot console`.

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
from bot.i18n import LANGUAGES


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
    if desk.get_agent(args.name) is None:
        raise ValueError(f"no agent {args.name}")
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


def cmd_agent_list(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    agents = desk.list_agents()
    lines = [
        f"{a.name:<20} {a.role:<6} {'trainer' if a.trainer else '':<8} {a.language:<3} "
        + ("disabled" if a.disabled else "must set a new password"
           if a.must_change_password else "active")
        for a in agents
    ]
    return agents, "\n".join(lines) or "No agents."


def cmd_agent_disable(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    """Refuse sign-in and end every session at once (`--enable` undoes it)."""
    info = desk.set_agent_disabled(args.name, not args.enable)
    if info.disabled:
        return info, f"{info.name} is disabled; their console sessions have ended."
    return info, f"{info.name} can sign in again."


def cmd_agent_reset(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    """A one-time password, printed once, to be replaced at the next sign-in."""
    import secrets

    from bot.console.agent_pages import ONE_TIME_PASSWORD_BYTES
    from bot.console.auth import hash_password

    once = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    info = desk.reset_agent_password(args.name, hash_password(once))
    return (
        {"agent": info.name, "one_time_password": once},
        f"One-time password for {info.name}: {once}\n"
        "It must be replaced at the next sign-in; their sessions have ended.",
    )


def cmd_agent_role(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    info = desk.set_agent_role(args.name, args.role)
    return info, f"{info.name} is now {'a lead' if info.role == 'lead' else 'an agent'}."


def cmd_agent_language(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    info = desk.set_agent_language(args.name, args.language)
    return info, f"The console speaks {info.language} to {info.name}."


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
    command(agent_commands, "list", cmd_agent_list, "console accounts and their state")
    p = command(agent_commands, "disable", cmd_agent_disable,
                "refuse sign-in and end the agent's sessions at once")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--enable", action="store_true", help="let the agent sign in again")
    p = command(agent_commands, "reset", cmd_agent_reset,
                "print a one-time password the agent must replace at sign-in")
    p.add_argument("name", metavar="NAME")
    p = command(agent_commands, "role", cmd_agent_role, "make an agent a lead or back")
    p.add_argument("name", metavar="NAME")
    p.add_argument("role", choices=AGENT_ROLES)
    p = command(agent_commands, "language", cmd_agent_language,
                "the console's language for an agent")
    p.add_argument("name", metavar="NAME")
    p.add_argument("language", choices=LANGUAGES)
    p = command(commands, "console", cmd_console, "start the agent console (web)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)


def _password_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
