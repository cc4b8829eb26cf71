"""a user's notifications found by an index, not by reading everybody's

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notification_recipient_id", "notification", ["recipient", "id"])


def downgrade() -> None:
    op.drop_index("ix_notification_recipient_id", table_name="notification")
