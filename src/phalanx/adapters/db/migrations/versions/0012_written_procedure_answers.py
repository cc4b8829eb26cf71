"""written procedure answers: signature with a reservation or an objection; who receives
an adopted text for consideration

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signature") as batch:
        batch.add_column(sa.Column("answer", sa.String(length=16), nullable=False,
                                   server_default="sign"))
        batch.add_column(sa.Column("reservation", sa.Text(), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("for_consideration", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("for_consideration")
    with op.batch_alter_table("signature") as batch:
        batch.drop_column("reservation")
        batch.drop_column("answer")
