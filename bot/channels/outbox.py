"""The delivery outbox: every user message is written here before Rasa handles it.

A row lives from the moment a channel accepts a message until Rasa has handled it and
saved the tracker; then it is deleted. A row still here is a message not yet handled
(action server down or slow, Rasa killed mid-message): it is replayed in order per
sender. Rows are claimed with a lease, so several Rasa instances sharing one outbox
(PostgreSQL) never handle the same message at once, and a crashed instance's claims
expire. Texts are stored redacted of secrets, like everything else we keep.

Replies produced by a replay when the user is no longer connected wait in
`delivery_replies` until the user's next message.

The tables are made by Alembic (bot/desk/migrations/outbox/, a chain of its own since
the outbox may live in another database than the desk): `supportbot db upgrade`, or
the first Rasa instance to open the outbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine, make_url

from bot.desk.db import MIGRATIONS_DIR, alembic_config, make_engine
from bot.redact import redact
from bot.settings import get_settings

PENDING, CLAIMED, FAILED = "pending", "claimed", "failed"
# pg_advisory_xact_lock key for migrating the tables (any constant, unlike other keys here)
DDL_LOCK = 0x5B0_0B0C
VERSIONS_DIR = MIGRATIONS_DIR / "outbox"
VERSION_TABLE = "outbox_alembic_version"

metadata = MetaData()
messages = Table(
    "delivery_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender", String(128), nullable=False, index=True),
    Column("message_id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("input_channel", String(64)),
    Column("metadata", Text),  # JSON
    Column("state", String(16), nullable=False, default=PENDING),
    Column("lease_until", DateTime),
    Column("not_before", DateTime),  # back-off after a failed attempt
    Column("tries", Integer, nullable=False, default=0),  # claims: >1 means "maybe handled"
    Column("failures", Integer, nullable=False, default=0),  # counted towards parking
    Column("created_at", DateTime, nullable=False),
)
replies = Table(
    "delivery_replies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender", String(128), nullable=False, index=True),
    Column("payload", Text, nullable=False),  # JSON of OutputChannel.send_response's message
    Column("created_at", DateTime, nullable=False),
)


def outbox_url() -> str:
    """$SUPPORTBOT_OUTBOX_URL, else beside the tracker store: the same server database
    (several Rasa instances share it), or for SQLite an outbox.db next to its file."""
    settings = get_settings().desk
    if settings.outbox_url:
        return settings.outbox_url
    tracker = settings.tracker_db_url  # var/tracker.db unless set: var/outbox.db
    parsed = make_url(tracker)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return tracker
    return f"sqlite:///{Path(parsed.database).with_name('outbox.db')}"


def outbox_alembic_config() -> Config:
    """The desk's Alembic environment pointed at the outbox's own chain and version table."""
    config = alembic_config()
    config.set_main_option("version_locations", str(VERSIONS_DIR))
    config.set_main_option("version_table", VERSION_TABLE)
    config.attributes["target_metadata"] = metadata
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(outbox_alembic_config()).get_current_head()
    assert head is not None, "no outbox migrations found"
    return head


def migrate(engine: Engine) -> None:
    """`alembic upgrade head` on the outbox's chain; idempotent, one process at a time."""
    with engine.begin() as db:
        if db.dialect.name == "postgresql":
            # Instances starting together raced on CREATE TABLE (the loser failed on
            # a unique violation in pg_type): one at a time, the next finds them.
            db.execute(sql(f"SELECT pg_advisory_xact_lock({DDL_LOCK})"))
        elif db.dialect.name == "sqlite":
            # The write lock first: concurrent migrators wait, then see "up to date".
            db.exec_driver_sql("BEGIN IMMEDIATE")
        config = outbox_alembic_config()
        config.attributes["connection"] = db
        command.upgrade(config, "head")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # naive UTC: same on both backends


@dataclass(frozen=True)
class Row:
    id: int
    sender: str
    message_id: str
    text: str
    input_channel: str | None
    metadata: dict[str, Any] | None
    tries: int
    failures: int


@dataclass(frozen=True)
class Admitted:
    """A message just stored: its row, claimed for this turn when nothing of the
    sender's is ahead of it, and the replies that were waiting for the sender."""

    row_id: int
    claimed: Row | None
    replies: list[dict[str, Any]]


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        migrate(engine)  # idempotent and fast: a fresh machine just works, as the desk does

    @classmethod
    def open(cls, url: str | None = None) -> Outbox:
        return cls(make_engine(url or outbox_url()))

    def add(self, sender: str, message_id: str, text: str, input_channel: str | None,
            meta: dict[str, Any] | None) -> int:
        with self.engine.begin() as db:
            result = db.execute(insert(messages).values(
                sender=sender, message_id=message_id, text=redact(text or ""),
                input_channel=input_channel,
                metadata=json.dumps(meta, default=str) if meta else None,
                state=PENDING, tries=0, failures=0, created_at=_now(),
            ))
            return int(result.inserted_primary_key[0])

    def admit(self, sender: str, message_id: str, text: str, input_channel: str | None,
              meta: dict[str, Any] | None, lease: float | None) -> Admitted:
        """`add`, `take_replies` and, when `lease` is given and the sender has nothing
        waiting, `claim_next` in one transaction: the common turn costs this and `done`."""
        stored = redact(text or "")
        with self.engine.begin() as db:
            if db.dialect.name == "postgresql":
                # Two instances admitting the same sender's messages at once queue here,
                # so the second sees the first and waits its turn (order per sender).
                db.execute(sql("SELECT pg_advisory_xact_lock(hashtext(:sender))"),
                           {"sender": sender})
            waiting = self._take_replies(db, sender)
            ahead = db.execute(select(messages.c.id).where(
                messages.c.sender == sender, messages.c.state != FAILED).limit(1)).first()
            claim = lease is not None and ahead is None
            now = _now()
            row_id = int(db.execute(insert(messages).values(
                sender=sender, message_id=message_id, text=stored,
                input_channel=input_channel,
                metadata=json.dumps(meta, default=str) if meta else None,
                state=CLAIMED if claim else PENDING, tries=1 if claim else 0, failures=0,
                lease_until=now + timedelta(seconds=lease) if claim and lease else None,
                created_at=now,
            )).inserted_primary_key[0])
        row = Row(row_id, sender, message_id, stored, input_channel, meta, 1, 0) if claim \
            else None
        return Admitted(row_id, row, waiting)

    def claim_next(self, sender: str, lease: float) -> Row | None:
        """The sender's oldest unhandled message, claimed; None when there is none, when
        it waits for its back-off, or when another instance holds it (order per sender)."""
        now = _now()
        with self.engine.begin() as db:
            first = db.execute(
                select(messages).where(messages.c.sender == sender,
                                       messages.c.state != FAILED)
                .order_by(messages.c.id).limit(1)
            ).mappings().first()
            if first is None or (first["not_before"] and first["not_before"] > now):
                return None
            claimed = db.execute(
                update(messages).where(
                    messages.c.id == first["id"],
                    or_(messages.c.state == PENDING, messages.c.lease_until < now),
                ).values(state=CLAIMED, lease_until=now + timedelta(seconds=lease),
                         tries=messages.c.tries + 1)
            ).rowcount
            if claimed != 1:
                return None
        meta = json.loads(first["metadata"]) if first["metadata"] else None
        return Row(first["id"], sender, first["message_id"], first["text"],
                   first["input_channel"], meta, first["tries"] + 1, first["failures"])

    def done(self, row_id: int) -> None:
        with self.engine.begin() as db:
            db.execute(delete(messages).where(messages.c.id == row_id))

    def release(self, row_id: int, delay: float = 0.0, failed: bool = False) -> None:
        """Back to pending (after `delay` seconds); `failed` counts towards parking."""
        not_before = _now() + timedelta(seconds=delay) if delay else None
        values: dict[str, Any] = {"state": PENDING, "lease_until": None,
                                  "not_before": not_before}
        if failed:
            values["failures"] = messages.c.failures + 1
        with self.engine.begin() as db:
            db.execute(update(messages).where(messages.c.id == row_id).values(**values))

    def park(self, row_id: int) -> None:
        """Give up replaying: kept for operators, no longer blocks the sender's queue."""
        with self.engine.begin() as db:
            db.execute(update(messages).where(messages.c.id == row_id)
                       .values(state=FAILED, lease_until=None))

    def waiting(self, sender: str) -> int:
        with self.engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(messages).where(
                messages.c.sender == sender, messages.c.state != FAILED)).scalar_one())

    def due_senders(self) -> list[str]:
        """Senders whose oldest message can be replayed now."""
        now = _now()
        with self.engine.connect() as db:
            rows = db.execute(
                select(messages.c.sender).where(
                    or_(messages.c.state == PENDING,
                        and_(messages.c.state == CLAIMED, messages.c.lease_until < now)),
                    or_(messages.c.not_before.is_(None), messages.c.not_before <= now),
                ).group_by(messages.c.sender).order_by(func.min(messages.c.id))
            ).scalars()
            return list(rows)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as db:
            rows = db.execute(select(messages.c.state, func.count())
                              .group_by(messages.c.state)).all()
        return {state: int(n) for state, n in rows}

    # -- replies the user has not seen yet ------------------------------------------

    def keep_reply(self, sender: str, payload: dict[str, Any]) -> None:
        with self.engine.begin() as db:
            db.execute(insert(replies).values(sender=sender, payload=json.dumps(payload),
                                              created_at=_now()))

    def take_replies(self, sender: str) -> list[dict[str, Any]]:
        with self.engine.begin() as db:
            return self._take_replies(db, sender)

    @staticmethod
    def _take_replies(db: Any, sender: str) -> list[dict[str, Any]]:
        rows = db.execute(select(replies.c.id, replies.c.payload)
                          .where(replies.c.sender == sender).order_by(replies.c.id)).all()
        if rows:
            db.execute(delete(replies).where(replies.c.id.in_([r.id for r in rows])))
        return [json.loads(r.payload) for r in rows]
