"""changes of a member state's authorities, and the change under which a state's user's
appointment was made or confirmed

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_code", sa.String(3), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("authorities", sa.Text(), nullable=False),
        sa.Column("constitutional", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("state_code", "since", name="uq_authority_change_day"),
        sa.PrimaryKeyConstraint("id", name="pk_authority_change"),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("confirmed_under", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_app_user_confirmed_under_authority_change", "authority_change",
                                 ["confirmed_under"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("fk_app_user_confirmed_under_authority_change", type_="foreignkey")
        batch.drop_column("confirmed_under")
    op.drop_table("authority_change")
