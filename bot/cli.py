"""`supportbot`: the agents' and operators' command line for the desk.

Human-readable output by default; `--json` prints machine-readable JSON. Errors are one
line on stderr with exit code 1 (argparse usage errors: 2), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.channels.cli import register as register_token
from bot.channels.outbox import Outbox
from bot.channels.outbox import head_revision as outbox_head_revision
from bot.console.commands import register as register_console
from bot.desk import (
    CATEGORIES,
    Desk,
    DeskError,
    TicketInfo,
    open_desk,
    parse_ticket_ref,
)
from bot.desk.clock import span, utc_now, when
from bot.desk.db import head_revision
from bot.desk.models import OUTCOMES, TICKET_STATUSES
from bot.desk.records import to_plain
from bot.notify import push_ticket_update
from bot.retention.tracker import register as register_retention
from bot.settings import SettingsError
from bot.terminal import clean, operator_name, table
from bot.trainer.cli import register as register_eval
from bot.trainer.review import register as register_review
from bot.trainer.validate import register as register_validate

PROG = "supportbot"
# A handler returns (data for --json, text for people).
Handler = Callable[[Desk, argparse.Namespace], "tuple[Any, str]"]


# -- formatting ----------------------------------------------------------------------


def due_text(ticket: TicketInfo, now: datetime) -> str:
    if ticket.status == "resolved":
        return "-"
    left = ticket.response_due_at - now
    return f"overdue {span(left)}" if left.total_seconds() < 0 else f"in {span(left)}"


def ticket_table(tickets: Sequence[TicketInfo], now: datetime) -> str:
    rows = [
        [
            t.reference,
            t.priority,
            t.category,
            clean(t.user_id),
            t.status,
            clean(t.assignee),
            span(now - t.created_at),
            due_text(t, now),
        ]
        for t in tickets
    ]
    headers = ["REF", "PRIORITY", "CATEGORY", "USER", "STATUS", "ASSIGNEE", "AGE", "DUE"]
    return table(headers, rows)


def compact_json(value: Any) -> str:
    return json.dumps(to_plain(value), sort_keys=True)


# -- commands ------------------------------------------------------------------------


def cmd_db_upgrade(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    url = desk.engine.url.render_as_string(hide_password=True)
    revision = head_revision()
    outbox = Outbox.open(args.outbox)  # opening migrates it
    outbox.engine.dispose()
    outbox_url = outbox.engine.url.render_as_string(hide_password=True)
    outbox_revision = outbox_head_revision()
    data = {"url": url, "revision": revision,
            "outbox": {"url": outbox_url, "revision": outbox_revision}}
    return data, (f"Database {url} is at revision {revision}.\n"
                  f"Outbox {outbox_url} is at revision {outbox_revision}.")


def cmd_suspend(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    info = desk.suspend(args.user, args.hours, args.reason, args.agent)
    text = (
        f"Suspended {clean(info.user_id)} from live chat until {when(info.ends_at)} "
        f"({span(info.ends_at - info.starts_at)}), by {clean(info.agent)}: {clean(info.reason)}"
    )
    return info, text


def cmd_lift(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    info = desk.lift(args.user, args.agent)
    if info is None:
        return {"lifted": False, "suspension": None}, (
            f"{clean(args.user)} has no active suspension; nothing to lift."
        )
    return {"lifted": True, "suspension": info}, (
        f"Lifted the suspension of {clean(info.user_id)} (was until {when(info.ends_at)})."
    )


def cmd_status(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    now = utc_now()
    suspension = desk.active_suspension(args.user, now=now)
    tickets = desk.tickets_for_user(args.user)
    data = {
        "user_id": args.user,
        "suspended": suspension is not None,
        "suspension": suspension,
        "tickets": tickets,
    }
    if suspension is None:
        lines = [f"{clean(args.user)}: not suspended."]
    else:
        lines = [
            f"{clean(args.user)}: SUSPENDED until {when(suspension.ends_at)} "
            f"({span(suspension.ends_at - now)} left), by {clean(suspension.agent)}: "
            f"{clean(suspension.reason)}"
        ]
    lines.append("")
    lines.append(ticket_table(tickets, now) if tickets else "No tickets.")
    # Abuse evidence: counts by category here; the redacted texts with --json or the console.
    abuse = data["abuse_evidence"] = desk.abuse_evidence(args.user)
    if abuse:
        kinds = Counter(e.category.replace("_", " ") for e in abuse)
        lines.append(f"Abuse evidence: {len(abuse)} message(s) flagged ("
                     + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + ").")
    return data, "\n".join(lines)


def cmd_queue_list(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    tickets = desk.list_queue(status=args.status, category=args.category, assignee=args.assignee)
    if not tickets:
        return tickets, "No tickets match."
    return tickets, ticket_table(tickets, utc_now())


def cmd_queue_show(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    detail = desk.get_ticket(args.id)
    t, now = detail.ticket, utc_now()
    lines = [
        f"{t.reference}  {t.category}  {t.priority}  {t.status}",
        f"User:      {clean(t.user_id)}",
        f"Assignee:  {clean(t.assignee)}",
        f"Created:   {when(t.created_at)} ({span(now - t.created_at)} ago)",
        f"Due:       {when(t.response_due_at)} ({due_text(t, now)})",
    ]
    if t.status == "resolved":
        lines.append(f"Resolved:  {when(t.resolved_at)}, outcome {t.outcome}")
        lines.append(f"Note:      {clean(t.resolution_note)}")
    lines.append("Fields:")
    lines += [f"  {clean(k)}: {clean(v)}" for k, v in sorted(t.fields.items())] or ["  -"]
    lines.append(f"Reports ({len(detail.reports)}):")
    for r in detail.reports:
        lines.append(f"  #{r.id}  {when(r.created_at)}  {clean(compact_json(r.fields))}")
    lines.append("History:")
    for e in detail.events:
        extra = f"  {clean(compact_json(e.detail))}" if e.detail else ""
        lines.append(f"  {when(e.at)}  {clean(e.actor)}  {e.kind}{extra}")
    return detail, "\n".join(lines)


def cmd_queue_claim(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    t = desk.claim(args.id, args.agent)
    return t, f"{t.reference} claimed by {clean(t.assignee)}."


def cmd_queue_claim_next(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    t = desk.claim_next(args.agent)
    if t is None:
        return None, "Nothing to claim: no open, unassigned ticket."
    return t, f"{t.reference} ({t.priority}, {t.category}) claimed by {clean(t.assignee)}."


def cmd_queue_reassign(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    t = desk.reassign(args.id, args.to, args.agent)
    return t, f"{t.reference} is now held by {clean(t.assignee)}."


def cmd_queue_resolve(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    t = desk.resolve(args.id, args.outcome, args.note, args.agent, reason=args.reason)
    text = f"{t.reference} resolved by {clean(t.assignee)}: {t.outcome}."
    if t.outcome == "lifted":
        text += f" The live-chat suspension of {clean(t.user_id)} is lifted."
    # Tell the user now if the bot is up; otherwise the bot tells them at their next message.
    told = push_ticket_update(t.user_id)
    text += (" The user was told in their chat." if told
             else " The user will be told at their next message.")
    return t, text


def cmd_queue_ask(desk: Desk, args: argparse.Namespace) -> tuple[Any, str]:
    t = desk.ask_user(args.id, args.agent, text=args.text, macro=args.macro)
    shown = push_ticket_update(t.user_id)
    return t, (f"{t.reference} waits for the user's answer. "
               + ("The question is shown in their chat." if shown
                  else "The bot shows the question at their next message."))


# -- parser --------------------------------------------------------------------------


def _ticket_id(value: str) -> int:
    try:
        return parse_ticket_ref(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hours(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    # --json and --db work before or after the subcommand. SUPPRESS keeps a subcommand's
    # unset option from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print machine-readable JSON",
    )
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $SUPPORTBOT_DB_URL or var/supportbot.db)",
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Appeal queue and live-chat suspensions for supportbot.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(group: Any, name: str, handler: Handler | None, help_: str) -> Any:
        sub = group.add_parser(name, parents=[common], help=help_, description=help_)
        if handler is not None:
            sub.set_defaults(handler=handler)
        return sub

    db = command(commands, "db", None, "database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    p = command(db_commands, "upgrade", cmd_db_upgrade,
                "create or migrate the desk and delivery outbox tables")
    p.add_argument("--outbox", default=None, metavar="URL",
                   help="outbox database (default: $SUPPORTBOT_OUTBOX_URL, else beside "
                        "the tracker store)")

    agent_help = "agent name (default: $USER or 'cli')"
    p = command(commands, "suspend", cmd_suspend, "suspend a user from live chat")
    p.add_argument("user", metavar="USER")
    p.add_argument("--hours", type=_hours, required=True, help="length of the suspension")
    p.add_argument("--reason", required=True)
    p.add_argument("--agent", default=operator_name(), help=agent_help)

    p = command(commands, "lift", cmd_lift, "lift a user's active suspension")
    p.add_argument("user", metavar="USER")
    p.add_argument("--agent", default=operator_name(), help=agent_help)

    p = command(commands, "status", cmd_status, "a user's suspension and tickets")
    p.add_argument("user", metavar="USER")

    q = command(commands, "queue", None, "the appeal queue")
    q_commands = q.add_subparsers(dest="queue_command", metavar="COMMAND", required=True)
    p = command(q_commands, "list", cmd_queue_list, "tickets, most urgent and oldest first")
    p.add_argument(
        "--status",
        choices=[*TICKET_STATUSES, "all"],
        help="default: every ticket not resolved",
    )
    p.add_argument("--category", choices=CATEGORIES)
    p.add_argument("--assignee")
    p = command(q_commands, "show", cmd_queue_show, "a ticket with its reports and history")
    p.add_argument("id", metavar="ID", type=_ticket_id, help="42 or SB-00042")
    p = command(q_commands, "claim", cmd_queue_claim, "take a ticket")
    p.add_argument("id", metavar="ID", type=_ticket_id, help="42 or SB-00042")
    p.add_argument("--agent", required=True)
    p = command(q_commands, "claim-next", cmd_queue_claim_next,
                "take the most urgent, oldest open unassigned ticket")
    p.add_argument("--agent", required=True)
    p = command(q_commands, "reassign", cmd_queue_reassign,
                "give a held ticket to another agent (a lead's move)")
    p.add_argument("id", metavar="ID", type=_ticket_id, help="42 or SB-00042")
    p.add_argument("--to", required=True, metavar="AGENT")
    p.add_argument("--agent", default=operator_name(), help=agent_help)
    p = command(q_commands, "resolve", cmd_queue_resolve, "close a ticket")
    p.add_argument("id", metavar="ID", type=_ticket_id, help="42 or SB-00042")
    p.add_argument("--outcome", choices=OUTCOMES, required=True)
    p.add_argument("--note", required=True)
    p.add_argument("--agent", required=True)
    p.add_argument("--reason", metavar="MACRO",
                   help="a reason macro the user hears (domain/macros.yml: reason_*)")
    p = command(q_commands, "ask", cmd_queue_ask,
                "put a question to the user through the bot (no live chat)")
    p.add_argument("id", metavar="ID", type=_ticket_id, help="42 or SB-00042")
    asked = p.add_mutually_exclusive_group(required=True)
    asked.add_argument("--text", help="the question, in the user's language")
    asked.add_argument("--macro", help="an ask macro (domain/macros.yml: ask_*)")
    p.add_argument("--agent", required=True)

    register_eval(commands, [common])  # the trainer's NLU evaluation (bot/trainer/)
    register_validate(commands, [common])  # rasa data validate + the checks it lacks
    register_review(commands, [common])  # the review inbox of unsure messages
    register_console(commands, command)  # agent accounts and the web console
    register_token(commands, [common])  # chat sign-in tokens for demos and tests
    register_retention(commands, [common])  # deleting old conversations
    return parser


# -- entry point ---------------------------------------------------------------------


def _error(message: str) -> int:
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    print(f"{PROG}: error: {first_line}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage errors (2) and --help (0), kept in-process
        return exit_.code if isinstance(exit_.code, int) else 2
    if hasattr(args, "standalone"):  # commands without a database, such as eval
        try:
            return args.standalone(args)
        except (ValueError, OSError) as exc:
            return _error(str(exc))
    try:
        # Migrating is idempotent and fast; it makes a fresh machine just work.
        desk = open_desk(getattr(args, "db", None), upgrade=True)
        try:
            data, text = args.handler(desk, args)
        finally:
            desk.close()
    except SettingsError as exc:  # names the variable and what is wrong with its value
        return _error(f"bad setting: {exc}")
    except (DeskError, ValueError) as exc:
        return _error(str(exc))
    except ArgumentError as exc:
        return _error(f"bad database URL: {exc}")
    except SQLAlchemyError as exc:
        return _error(f"database error: {getattr(exc, 'orig', None) or exc}")
    except CommandError as exc:
        return _error(f"migration failed: {exc}")
    except OSError as exc:
        return _error(str(exc))
    print(json.dumps(to_plain(data), indent=2) if getattr(args, "json", False) else text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
