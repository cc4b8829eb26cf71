"""The audit trail and its checkpoints."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table, Text

from phalanx.adapters.db.tables.base import STATE_CODE, metadata

# --- the audit trail -----------------------------------------------------------------

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC, exactly as hashed
    Column("actor", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("acting_for", STATE_CODE),
    Column("action", String(64), nullable=False),
    Column("target_kind", String(32), nullable=False),
    Column("target_id", Text, nullable=False),
    Column("change", Text, nullable=False),  # canonical JSON, exactly as hashed
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    CheckConstraint("id > 0", name="positive_id"),
    # a record's entries in their order: what changed after a cursor (`crises.change_cursor`)
    Index("ix_audit_log_target", "target_kind", "target_id", "id"),
)

audit_checkpoint = Table(
    "audit_checkpoint",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", Integer, nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", Text, nullable=False),
)
