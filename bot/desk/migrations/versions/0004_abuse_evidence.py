"""Abuse evidence: user messages the abuse detector flagged, shown to agents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of model types: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
CATEGORIES = (
    "threats",
    "unreasonable_demands",
    "personal_insults",
    "discrimination",
    "unfounded_accusations",
    "derogatory_remarks",
    "rudeness",
)


def upgrade() -> None:
    op.create_table(
        "abuse_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("signals", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "category IN (" + ", ".join(repr(c) for c in CATEGORIES) + ")",
            name=op.f("ck_abuse_evidence_category"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abuse_evidence")),
        sa.UniqueConstraint("message_id", name=op.f("uq_abuse_evidence_message_id")),
    )
    op.create_index("ix_abuse_evidence_user_id", "abuse_evidence", ["user_id"])


def downgrade() -> None:
    op.drop_table("abuse_evidence")  # its index goes with it
