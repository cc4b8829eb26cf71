"""the crises whose decided plans held aircraft a plan had to wait for

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deployment_plan") as batch:
        batch.add_column(sa.Column("drew_on", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deployment_plan") as batch:
        batch.drop_column("drew_on")
