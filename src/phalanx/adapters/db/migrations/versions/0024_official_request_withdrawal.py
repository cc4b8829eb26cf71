"""an official request can be withdrawn by its state: when, why and who recorded it

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("official_request") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("official_request") as batch:
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_at")
