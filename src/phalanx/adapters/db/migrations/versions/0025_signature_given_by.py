"""a signature under the written procedure names in whose name it is given

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.add_column(sa.Column("given_by", sa.String(length=200), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.drop_column("given_by")
