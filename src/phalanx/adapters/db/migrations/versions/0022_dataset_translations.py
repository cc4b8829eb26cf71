"""the dataset's translations: the texts its file gives in English alone (notes, unit
names, ...) in another working language

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("translations", sa.JSON(), server_default="{}",
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("translations")
