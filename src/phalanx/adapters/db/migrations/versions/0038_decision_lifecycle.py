"""a decision's life: its entry into force, its end, what it does to an earlier one, and
the members' notifications it waits for; the earlier agreement an agreement modifies

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("lifecycle", sa.JSON(), nullable=False,
                                   server_default="{}"))
    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("lifecycle", sa.JSON(), nullable=False,
                                   server_default="{}"))
        batch.add_column(sa.Column("notified", sa.JSON(), nullable=False,
                                   server_default="{}"))
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(sa.Column("modifies", sa.String(64)))
        batch.add_column(sa.Column("effect", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("agreement") as batch:
        batch.drop_column("effect")
        batch.drop_column("modifies")
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("notified")
        batch.drop_column("lifecycle")
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("lifecycle")
