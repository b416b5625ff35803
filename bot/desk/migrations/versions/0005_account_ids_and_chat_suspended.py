"""Account ids in one canonical form; requests for staff closed by a suspension.

Account ids are case-insensitive: ids already stored are rewritten in the form the desk
now stores and compares (NFKC, case-folded, stripped; bot/desk/accounts.py). Two open
tickets of one category whose ids differ only in case would break "one open ticket per
user and category": the younger is merged into the older (its reports move, it is
closed with a note and a `merged` event on both). The append-only history keeps the ids
as they were written.

A ticket may now be closed with outcome `chat_suspended`: a request to talk to staff
that the user's suspension closed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(JSONB(), "postgresql")
# 0001 named it through the naming convention twice; keep the name it has.
OUTCOME_CHECK_NAME = "ck_tickets_ck_tickets_outcome"
OLD_OUTCOME_CHECK = "outcome IS NULL OR outcome IN ('upheld', 'lifted', 'resolved')"
NEW_OUTCOME_CHECK = (
    "outcome IS NULL OR outcome IN ('upheld', 'lifted', 'resolved', 'chat_suspended')"
)
ACCOUNT_COLUMNS = (
    ("suspensions", "user_id"),
    ("tickets", "user_id"),
    ("abuse_evidence", "user_id"),
    ("review_items", "sender_id"),
)
ACTOR = "migration"

events = sa.table(
    "events",
    sa.column("at", TIMESTAMP),
    sa.column("actor", sa.String),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("user_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("detail", JSON_DOC),
)


def canonical_account_id(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def upgrade() -> None:
    _replace_outcome_check(OLD_OUTCOME_CHECK, NEW_OUTCOME_CHECK)
    _merge_open_tickets_of_one_account()
    for table, column in ACCOUNT_COLUMNS:
        _canonicalise(table, column)


def downgrade() -> None:
    op.execute("UPDATE tickets SET outcome = 'resolved' WHERE outcome = 'chat_suspended'")
    _replace_outcome_check(NEW_OUTCOME_CHECK, OLD_OUTCOME_CHECK)
    # Canonical ids stay canonical: the old spellings are not recorded anywhere.


def _now() -> datetime:
    now = datetime.now(timezone.utc)
    # SQLite has no time zones: the desk stores naive UTC there (models.UTCDateTime).
    return now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now


def _merge_open_tickets_of_one_account() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, user_id, category FROM tickets WHERE status <> 'resolved' ORDER BY id")
    ).all()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for ticket_id, user_id, category in rows:
        groups[(canonical_account_id(user_id), category)].append(ticket_id)
    at = _now()
    for (user_id, _category), (survivor, *younger) in groups.items():
        for ticket_id in younger:
            bind.execute(
                sa.text("UPDATE reports SET ticket_id = :survivor WHERE ticket_id = :ticket"),
                {"survivor": survivor, "ticket": ticket_id},
            )
            bind.execute(
                sa.text(
                    "UPDATE tickets SET status = 'resolved', outcome = 'resolved', "
                    "resolution_note = :note, resolved_at = :at, updated_at = :at "
                    "WHERE id = :ticket"
                ),
                {"note": f"Merged into SB-{survivor:05d}: the same account in other letter "
                 "case.", "at": at, "ticket": ticket_id},
            )
            bind.execute(events.insert(), [
                {"at": at, "actor": ACTOR, "subject_type": "ticket", "subject_id": ticket_id,
                 "user_id": user_id, "kind": "merged", "detail": {"into": survivor}},
                {"at": at, "actor": ACTOR, "subject_type": "ticket", "subject_id": survivor,
                 "user_id": user_id, "kind": "merged", "detail": {"from": ticket_id}},
            ])


def _canonicalise(table: str, column: str) -> None:
    bind = op.get_bind()
    stored = bind.execute(sa.text(f"SELECT DISTINCT {column} FROM {table}")).scalars().all()
    for value in stored:
        canonical = canonical_account_id(value)
        if canonical != value:
            bind.execute(
                sa.text(f"UPDATE {table} SET {column} = :canonical WHERE {column} = :value"),
                {"canonical": canonical, "value": value},
            )


def _replace_outcome_check(current: str, wanted: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f(OUTCOME_CHECK_NAME), "tickets", type_="check")
        op.create_check_constraint(op.f(OUTCOME_CHECK_NAME), "tickets", wanted)
        return
    # SQLite cannot alter a constraint: rebuild the table (as 0002 does). This runs inside
    # migrate()'s transaction with foreign keys on, so reports -> tickets is checked at
    # commit instead (PRAGMA defer_foreign_keys); every ticket is back by then.
    old_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
    ).scalar_one()
    if f"CHECK ({current})" not in old_sql:
        raise RuntimeError("unexpected tickets schema; cannot replace the outcome check")
    new_sql = old_sql.replace(f"CHECK ({current})", f"CHECK ({wanted})")
    indexes = (
        bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' "
            "AND sql IS NOT NULL"
        )
        .scalars()
        .all()
    )
    bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    bind.exec_driver_sql("CREATE TEMP TABLE _tickets_copy AS SELECT * FROM tickets")
    bind.exec_driver_sql("DROP TABLE tickets")
    bind.exec_driver_sql(new_sql)
    bind.exec_driver_sql("INSERT INTO tickets SELECT * FROM _tickets_copy")
    bind.exec_driver_sql("DROP TABLE _tickets_copy")
    for index_sql in indexes:
        bind.exec_driver_sql(index_sql)
