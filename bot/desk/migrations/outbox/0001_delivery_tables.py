"""The delivery outbox's tables: messages not yet handled, replies not yet seen.

A chain of its own (version table `outbox_alembic_version`), because the outbox may live
in another database than the desk: beside the tracker store by default.

Revision ID: outbox_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "outbox_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Outboxes made before this chain existed got these same tables from create_all:
    # they are kept, and only the version is recorded.
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "delivery_outbox" not in existing:
        op.create_table(
            "delivery_outbox",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("sender", sa.String(128), nullable=False),
            sa.Column("message_id", sa.String(64), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("input_channel", sa.String(64), nullable=True),
            sa.Column("metadata", sa.Text(), nullable=True),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("lease_until", sa.DateTime(), nullable=True),
            sa.Column("not_before", sa.DateTime(), nullable=True),
            sa.Column("tries", sa.Integer(), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
        )
        op.create_index("ix_delivery_outbox_sender", "delivery_outbox", ["sender"])
    if "delivery_replies" not in existing:
        op.create_table(
            "delivery_replies",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("sender", sa.String(128), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
        )
        op.create_index("ix_delivery_replies_sender", "delivery_replies", ["sender"])


def downgrade() -> None:
    op.drop_table("delivery_replies")  # their indexes go with them
    op.drop_table("delivery_outbox")
