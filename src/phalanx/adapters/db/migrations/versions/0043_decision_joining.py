"""a member outside an adopted decision declares later that it joins it (bound from that
day) or that it does not

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_joining",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("decision_id", sa.Integer(),
                  sa.ForeignKey("decision.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state_code", sa.String(3), sa.ForeignKey("state.code"), nullable=False),
        sa.Column("joins", sa.Boolean(), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("decision_id", "state_code", name="uq_decision_joining_state"),
    )
    op.create_index("ix_decision_joining_decision_id", "decision_joining", ["decision_id"])


def downgrade() -> None:
    op.drop_index("ix_decision_joining_decision_id", table_name="decision_joining")
    op.drop_table("decision_joining")
