"""a crisis's drafts: a draft named as about a crisis when tabled, or tied to it later by
the Secretariat with a reason; when a draft's outcome was recorded

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crisis_draft",
        sa.Column("crisis_id", sa.Integer(), sa.ForeignKey("crisis.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tied_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_crisis_draft_draft_id", "crisis_draft", ["draft_id"])
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("closed_at")
    op.drop_index("ix_crisis_draft_draft_id", table_name="crisis_draft")
    op.drop_table("crisis_draft")
