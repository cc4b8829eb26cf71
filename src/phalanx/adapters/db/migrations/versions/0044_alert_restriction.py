"""a CAP message's restriction and addresses (its own audience) are kept with its record

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cap_alert") as batch:
        batch.add_column(sa.Column("restriction", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("addresses", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("cap_alert") as batch:
        batch.drop_column("addresses")
        batch.drop_column("restriction")
