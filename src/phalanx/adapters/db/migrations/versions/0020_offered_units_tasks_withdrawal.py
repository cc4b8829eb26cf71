"""offers naming registry units (or a strength of a capability); requirements by task
(sites, strength) with a preferred or required state; plans of kind withdrawal

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assistance_offer") as batch:
        batch.add_column(sa.Column("units", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("capability", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("strength", sa.Integer(), nullable=True))
    with op.batch_alter_table("force_requirement") as batch:
        batch.add_column(sa.Column("task", sa.String(length=12), nullable=False,
                                   server_default="unit"))
        batch.add_column(sa.Column("sites", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("state_code", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("state_rule", sa.String(length=12), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("deployment_plan") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=12), nullable=False,
                                   server_default="deployment"))


def downgrade() -> None:
    with op.batch_alter_table("deployment_plan") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("force_requirement") as batch:
        for column in ("state_rule", "state_code", "sites", "task"):
            batch.drop_column(column)
    with op.batch_alter_table("assistance_offer") as batch:
        for column in ("strength", "capability", "units"):
            batch.drop_column(column)
