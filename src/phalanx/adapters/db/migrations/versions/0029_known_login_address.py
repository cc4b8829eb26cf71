"""the addresses an account logged in from (the account-wide login lock spares them)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_address",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("last_login", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "address"),
    )


def downgrade() -> None:
    op.drop_table("known_address")
