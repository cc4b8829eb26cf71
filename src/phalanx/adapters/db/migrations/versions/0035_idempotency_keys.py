"""a write request's Idempotency-Key, per user, with the answer it was given

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("content_type", sa.String(length=200)),
        sa.Column("body", sa.Text()),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_key_user_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_key")
