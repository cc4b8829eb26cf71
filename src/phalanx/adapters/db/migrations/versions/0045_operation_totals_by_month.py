"""joint operations: the totals kept by month within the year, recounted from the current
reports (their days)

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-06 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

# the totals' keys, as `services/operation_store.rebuild_totals` groups them
KEYS = ("operation", "stage", "state_code", "agency", "metric", "substance", "unit",
        "route_from", "route_to", "synthetic", "owner_kind", "owner", "marking",
        "participants", "observers")


def _recount(by_month: bool) -> None:
    report = sa.table("op_report", *(sa.column(k) for k in KEYS), sa.column("day"),
                      sa.column("quantity"), sa.column("current"))
    total = sa.table("op_total", *(sa.column(k) for k in KEYS), sa.column("year"),
                     *([sa.column("month")] if by_month else []), sa.column("quantity"),
                     sa.column("reports"))
    keys = [report.c[k] for k in KEYS]
    days = [sa.extract("year", report.c.day)]
    if by_month:
        days.append(sa.extract("month", report.c.day))
    op.execute(total.delete())
    op.execute(total.insert().from_select(
        [*KEYS, "year", *(["month"] if by_month else []), "quantity", "reports"],
        sa.select(*keys, *days, sa.func.sum(report.c.quantity), sa.func.count())
        .where(report.c.current.is_(True)).group_by(*keys, *days)))


def upgrade() -> None:
    with op.batch_alter_table("op_total") as batch:
        batch.add_column(sa.Column("month", sa.Integer(), nullable=False, server_default="1"))
    _recount(by_month=True)
    with op.batch_alter_table("op_total") as batch:
        batch.alter_column("month", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("op_total") as batch:
        batch.drop_column("month")
    _recount(by_month=False)
