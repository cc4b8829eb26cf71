"""a consent's conditions accepted, by whom and when

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: not accepted (a consent without conditions needs no acceptance)
    with op.batch_alter_table("unit_consent") as batch:
        batch.add_column(sa.Column("conditions_accepted_by", sa.String(length=64),
                                   nullable=True))
        batch.add_column(sa.Column("conditions_accepted_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_consent") as batch:
        batch.drop_column("conditions_accepted_at")
        batch.drop_column("conditions_accepted_by")
