"""a decision may send forces "for a limited period" with no number of days: drafts and
decisions say so

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("draft", "decision"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("period_limited", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade() -> None:
    for table in ("draft", "decision"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("period_limited")
