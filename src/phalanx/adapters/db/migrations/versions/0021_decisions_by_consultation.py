"""decisions by consultation: the chair consulting the heads of state and each answer
with its time, channel and who gave it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("chair_state", sa.String(length=3), nullable=True))
        batch.create_foreign_key("fk_draft_chair_state_state", "state", ["chair_state"], ["code"])
    op.create_table(
        "consultation_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("state_code", sa.String(length=3), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("given_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["state_code"], ["state.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_consultation_answer_draft_id"), "consultation_answer", ["draft_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_consultation_answer_draft_id"), table_name="consultation_answer")
    op.drop_table("consultation_answer")
    with op.batch_alter_table("draft") as batch:
        batch.drop_constraint("fk_draft_chair_state_state", type_="foreignkey")
        batch.drop_column("chair_state")
