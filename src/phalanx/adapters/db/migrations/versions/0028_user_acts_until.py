"""the last day a state's user acts for its state (its appointment's term)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: no term is set (until the administrator deactivates the account)
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("acts_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("acts_until")
