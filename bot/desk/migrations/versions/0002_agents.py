"""Agent console: agent accounts, suspension category and evidence, `pending_user` status.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of model types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(JSONB(), "postgresql")
# 0001 named it through the naming convention twice; keep the name it has.
STATUS_CHECK_NAME = "ck_tickets_ck_tickets_status"
OLD_STATUS_CHECK = "status IN ('open', 'claimed', 'resolved')"
NEW_STATUS_CHECK = "status IN ('open', 'claimed', 'pending_user', 'resolved')"


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.CheckConstraint("role IN ('agent', 'lead')", name=op.f("ck_agents_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("name", name=op.f("uq_agents_name")),
    )
    op.add_column("suspensions", sa.Column("category", sa.String(32), nullable=True))
    op.add_column("suspensions", sa.Column("evidence", JSON_DOC, nullable=True))
    _replace_status_check(NEW_STATUS_CHECK)


def downgrade() -> None:
    op.execute("UPDATE tickets SET status = 'claimed' WHERE status = 'pending_user'")
    _replace_status_check(OLD_STATUS_CHECK)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("suspensions", recreate="never") as batch:
            batch.drop_column("evidence")
            batch.drop_column("category")
    else:
        op.drop_column("suspensions", "evidence")
        op.drop_column("suspensions", "category")
    op.drop_table("agents")


def _replace_status_check(condition: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f(STATUS_CHECK_NAME), "tickets", type_="check")
        op.create_check_constraint(op.f(STATUS_CHECK_NAME), "tickets", condition)
        return
    # SQLite cannot alter a constraint: rebuild the table. This runs inside migrate()'s
    # transaction with foreign keys on, so reports -> tickets is checked at commit instead
    # (PRAGMA defer_foreign_keys); every ticket is back by then.
    old_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
    ).scalar_one()
    current = NEW_STATUS_CHECK if condition == OLD_STATUS_CHECK else OLD_STATUS_CHECK
    if f"CHECK ({current})" not in old_sql:
        raise RuntimeError("unexpected tickets schema; cannot replace the status check")
    new_sql = old_sql.replace(f"CHECK ({current})", f"CHECK ({condition})")
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
