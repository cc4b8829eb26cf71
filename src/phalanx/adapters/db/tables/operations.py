"""Joint operations: national result report batches, the reports and their totals."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Float as sa_Float
from sqlalchemy import false as sa_false

from phalanx.adapters.db.tables.base import STATE_CODE, classification_columns, metadata

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
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    *classification_columns(),
    UniqueConstraint("operation", "state_code", "agency", "reference", "version",
                     name="uq_op_report_version"),
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
