"""a record's audit entries found by an index: the crises changed after a cursor

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05 00:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_target", "audit_log", ["target_kind", "target_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_target", table_name="audit_log")
