"""the states a crisis's report names as the other party

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crisis") as batch:
        batch.add_column(sa.Column("other_parties", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("crisis") as batch:
        batch.drop_column("other_parties")
