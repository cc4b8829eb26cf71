"""a joint exercise cancelled: when, for whom, why

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("joint_exercise") as batch:
        batch.add_column(sa.Column("cancelled_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("joint_exercise") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_by")
        batch.drop_column("cancelled_on")
