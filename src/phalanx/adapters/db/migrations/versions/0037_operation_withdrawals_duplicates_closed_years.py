"""joint operations: a report withdrawn, look-alike reports flagged, a year closed and the
changes after it

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("op_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(64)))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text()))
        batch_op.create_index("ix_op_report_agency_day",
                              ["operation", "state_code", "agency", "day", "quantity"])
        batch_op.create_index("ix_op_report_batch", ["batch_id"])
    op.create_table(
        "op_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("state_code", sa.String(3), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("other_reference", sa.String(100), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution", sa.String(16)),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text()),
        sa.ForeignKeyConstraint(["batch_id"], ["op_batch.id"],
                                name=op.f("fk_op_duplicate_batch_id_op_batch")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_op_duplicate")),
    )
    op.create_index("ix_op_duplicate_reference", "op_duplicate",
                    ["operation", "state_code", "agency", "reference"])
    op.create_index("ix_op_duplicate_batch", "op_duplicate", ["batch_id"])
    op.create_table(
        "op_year_closed",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_op_year_closed")),
    )
    op.create_table(
        "op_late_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("state_code", sa.String(3), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("substance", sa.String(32)),
        sa.Column("quantity_before", sa.Float()),
        sa.Column("unit_before", sa.String(8)),
        sa.Column("quantity_after", sa.Float()),
        sa.Column("unit_after", sa.String(8)),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_op_late_change")),
    )
    op.create_index("ix_op_late_change_year", "op_late_change", ["year", "operation"])


def downgrade() -> None:
    op.drop_index("ix_op_late_change_year", table_name="op_late_change")
    op.drop_table("op_late_change")
    op.drop_table("op_year_closed")
    op.drop_index("ix_op_duplicate_batch", table_name="op_duplicate")
    op.drop_index("ix_op_duplicate_reference", table_name="op_duplicate")
    op.drop_table("op_duplicate")
    with op.batch_alter_table("op_report", schema=None) as batch_op:
        batch_op.drop_index("ix_op_report_batch")
        batch_op.drop_index("ix_op_report_agency_day")
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
