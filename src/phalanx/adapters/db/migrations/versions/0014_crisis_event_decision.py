"""crisis timeline entries that mention a decision name it, so that they obey its marking

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crisis_event") as batch:
        batch.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_crisis_event_decision_id_decision"), "decision",
                                 ["decision_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("crisis_event") as batch:
        batch.drop_constraint(op.f("fk_crisis_event_decision_id_decision"),
                              type_="foreignkey")
        batch.drop_column("decision_id")
