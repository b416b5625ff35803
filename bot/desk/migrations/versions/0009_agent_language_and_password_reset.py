"""Agents: a console language, and a password that must be changed at next sign-in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with a constant default: no table rebuild on SQLite.
    op.add_column(
        "agents",
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    )
    op.add_column(
        "agents",
        sa.Column("must_change_password", sa.Boolean(), nullable=False,
                  server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("language")
