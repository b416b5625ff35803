"""`supportbot tracker prune --days N`: delete the stored conversations (Rasa's `events`
table) of users silent for N days, except users with a ticket not resolved or a
suspension not over, whose conversations agents may still read in the console.

Rasa keeps every event forever: ~550 bytes per event, ~12 events per message
(docs/capacity.md: ~170 GB a day at 10,000 chatting users). Run it daily (cron, a
systemd timer); it deletes in batches of senders so that no transaction holds the table
for long, on SQLite (the default) and PostgreSQL alike. A user who comes back after the
prune starts a new conversation; tickets and suspensions live in the desk, untouched.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.console.transcript import tracker_db_url
from bot.desk import Desk, canonical_account_id, open_desk
from bot.desk.db import make_engine
from bot.logs import log_event

logger = logging.getLogger(__name__)

BATCH = 200  # senders per delete transaction
events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


@dataclass(frozen=True)
class Pruned:
    conversations: int
    events: int
    kept_for_open_matters: int


def prune(tracker: Engine, desk: Desk, days: float, dry_run: bool = False,
          now: float | None = None) -> Pruned:
    if not sa.inspect(tracker).has_table("events"):
        return Pruned(0, 0, 0)  # no conversation stored yet
    cutoff = (time.time() if now is None else now) - days * 86400
    keep = desk.users_with_open_matters()
    silent = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )
    with tracker.connect() as db:
        senders = list(db.execute(silent).scalars())
    # Conversations stored before sender ids were canonical may spell the id otherwise.
    doomed = [s for s in senders if canonical_account_id(s) not in keep]
    deleted = 0
    for start in range(0, len(doomed), BATCH):
        batch = doomed[start:start + BATCH]
        where = events.c.sender_id.in_(batch)
        with tracker.begin() as db:
            if dry_run:
                deleted += db.execute(
                    sa.select(sa.func.count()).select_from(events).where(where)).scalar_one()
            else:
                deleted += db.execute(sa.delete(events).where(where)).rowcount
    result = Pruned(len(doomed), deleted, len(senders) - len(doomed))
    log_event(logger, "tracker_pruned", days=days, dry_run=dry_run, **asdict(result))
    return result


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
             ) -> None:
    help_ = "stored conversations (Rasa's tracker store)"
    tracker = commands.add_parser("tracker", parents=parents, help=help_, description=help_)
    sub = tracker.add_subparsers(dest="tracker_command", metavar="COMMAND", required=True)
    help_ = ("delete conversations silent for DAYS days, except users with a ticket not "
             "resolved or a suspension not over")
    p = sub.add_parser("prune", parents=parents, help=help_, description=help_)
    p.add_argument("--days", type=_days, required=True, help="e.g. 90")
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    p.add_argument("--tracker-db", help="default: $SUPPORTBOT_TRACKER_DB_URL, else var/tracker.db")
    p.set_defaults(standalone=run_prune)


def _days(value: str) -> float:
    days = float(value)
    if not days > 0:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}")
    return days


def run_prune(args: argparse.Namespace) -> int:
    try:
        # Migrated as every desk command does: a fresh machine just works.
        desk = open_desk(getattr(args, "db", None), upgrade=True)
        tracker = make_engine(args.tracker_db or tracker_db_url())
        try:
            result = prune(tracker, desk, args.days, dry_run=args.dry_run)
        finally:
            tracker.dispose()
            desk.close()
    except SQLAlchemyError as error:
        raise ValueError(f"database error: {getattr(error, 'orig', None) or error}") from error
    if getattr(args, "json", False):
        print(json.dumps(asdict(result)))
    else:
        verb = "would delete" if args.dry_run else "deleted"
        print(f"{verb} {result.events} events of {result.conversations} conversations "
              f"silent for {args.days:g} days; kept {result.kept_for_open_matters} of users "
              f"with an open ticket or suspension")
    return 0
