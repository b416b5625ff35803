"""The alert log: urgent and near-target alerts, one row per ticket, event and channel.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copies of model types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(_in("event", ("urgent_filed", "near_target")),
                           name=op.f("ck_alerts_event")),
        sa.CheckConstraint(_in("channel", ("email", "webhook")), name=op.f("ck_alerts_channel")),
        sa.CheckConstraint(_in("status", ("pending", "sent")), name=op.f("ck_alerts_status")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_alerts_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("ticket_id", "event", "channel",
                            name=op.f("uq_alerts_ticket_id_event_channel")),
    )
    op.create_index("ix_alerts_status_next_attempt_at", "alerts", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("alerts")  # its index goes with it
