"""Joint operations: national result report batches, the reports and their totals."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Float as sa_Float
from sqlalchemy import false as sa_false

from phalanx.adapters.db.tables.base import STATE_CODE, Moment, classification_columns, metadata

# --- joint operations: national result reports -------------------------------------------

op_batch = Table(
    "op_batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation", String(64), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("agency", String(32), nullable=False),
    Column("source", Text, nullable=False),  # file name or "api"
    Column("rows", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("replaced", Integer, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
)

op_report = Table(
    "op_report",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("op_batch.id"), nullable=False),
    Column("operation", String(64), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("agency", String(32), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("current", Boolean, nullable=False),
    Column("day", Date, nullable=False),
    Column("metric", String(32), nullable=False),
    Column("substance", String(32)),
    Column("quantity", sa_Float(), nullable=False),
    Column("unit", String(8), nullable=False),
    Column("area", Text, nullable=False),
    Column("lat", sa_Float()),
    Column("lon", sa_Float()),
    Column("route_from", String(64)),
    Column("route_to", String(64)),
    Column("synthetic", Boolean, nullable=False, server_default=sa_false()),
    # a report withdrawn (sent by mistake): its version stops counting and says why
    Column("withdrawn_at", Moment()),
    Column("withdrawn_by", String(64)),
    Column("withdrawal_reason", Text),
    *classification_columns(),
    UniqueConstraint("operation", "state_code", "agency", "reference", "version",
                     name="uq_op_report_version"),
    # look-alike reports of one agency are sought by their day and figure; a batch's rows
    # by it
    Index("ix_op_report_agency_day", "operation", "state_code", "agency", "day", "quantity"),
    Index("ix_op_report_batch", "batch_id"),
)

# Two current reports of one agency that say the same (day, place, metric, substance,
# quantity) under two references: flagged at ingestion, resolved by keeping both or
# withdrawing one. Read through the reports it names (`operation_duplicates`).
op_duplicate = Table(
    "op_duplicate",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation", String(64), nullable=False),
    Column("state_code", STATE_CODE, nullable=False),
    Column("agency", String(32), nullable=False),
    Column("reference", String(100), nullable=False),  # the report that came second
    Column("other_reference", String(100), nullable=False),  # the one it looks like
    Column("batch_id", Integer, ForeignKey("op_batch.id"), nullable=False),
    Column("flagged_at", Moment(), nullable=False),
    Column("resolution", String(16)),  # None: open; "kept" or "withdrawn"
    Column("resolved_by", String(64)),
    Column("resolved_at", Moment()),
    Column("note", Text),
    Index("ix_op_duplicate_reference", "operation", "state_code", "agency", "reference"),
    Index("ix_op_duplicate_batch", "batch_id"),
)

# A year whose figures the Secretariat closed: a change after it needs a reason and is
# kept as a change after closing (`op_late_change`), which the annual report names.
op_year_closed = Table(
    "op_year_closed",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("closed_at", Moment(), nullable=False),
    Column("closed_by", String(64), nullable=False),
    Column("note", Text, nullable=False),
)

op_late_change = Table(
    "op_late_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("operation", String(64), nullable=False),
    Column("state_code", STATE_CODE, nullable=False),
    Column("agency", String(32), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("version", Integer, nullable=False),  # the version brought, or withdrawn
    # "new", "correction", "withdrawal"; "release": a national report released, which
    # enters the organization's figures (its reason is the release: none written)
    Column("kind", String(16), nullable=False),
    Column("metric", String(32), nullable=False),
    Column("substance", String(32)),
    Column("quantity_before", sa_Float()),
    Column("unit_before", String(8)),
    Column("quantity_after", sa_Float()),
    Column("unit_after", String(8)),
    Column("reason", Text, nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", Moment(), nullable=False),
    Index("ix_op_late_change_year", "year", "operation"),
)

# Totals of the current reports, kept by ingestion and release, so that dashboards read
# a few thousand rows instead of millions; classified like the reports they sum.
op_total = Table(
    "op_total",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation", String(64), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("state_code", STATE_CODE, nullable=False),
    Column("agency", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),  # 1-12: the month of the reports' day
    Column("metric", String(32), nullable=False),
    Column("substance", String(32)),
    Column("unit", String(8), nullable=False),
    Column("route_from", String(64)),
    Column("route_to", String(64)),
    Column("synthetic", Boolean, nullable=False),
    Column("quantity", sa_Float(), nullable=False),
    Column("reports", Integer, nullable=False),
    *classification_columns(),
)
