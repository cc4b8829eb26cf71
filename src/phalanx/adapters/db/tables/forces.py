"""Forces and means: the unit registry, consents, force requirements and deployment plans."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Float as sa_Float
from sqlalchemy import false as sa_false

from phalanx.adapters.db.tables.base import (
    KEY,
    STATE_CODE,
    Moment,
    classification_columns,
    metadata,
)

# --- forces and means: the registry (seeded from the dataset, edited in the app), each
# state's consent per crisis, the crisis's force requirements and the planner's runs ------

force_unit = Table(
    "force_unit",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("formation", KEY, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("name", Text, nullable=False),
    Column("capability", String(32), nullable=False),
    Column("strength", Integer, nullable=False),
    Column("garrison", KEY),
    Column("lat", sa_Float(), nullable=False),
    Column("lon", sa_Float(), nullable=False),
    Column("readiness_h", sa_Float(), nullable=False),
    Column("weight_t", sa_Float(), nullable=False),
    Column("outsize", Boolean, nullable=False, server_default=sa_false()),
    Column("certified_until", Date),
    Column("sidc", String(15), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("withdrawn", Boolean, nullable=False, server_default=sa_false()),
    Column("edited", Boolean, nullable=False, server_default=sa_false()),  # changed in the app
    Column("revision", Integer, nullable=False, server_default="1"),
    *classification_columns(),
    CheckConstraint("strength > 0", name="strength_positive"),
    CheckConstraint("weight_t > 0", name="weight_positive"),
    CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="on_earth"),
)

force_aircraft = Table(
    "force_aircraft",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("formation", KEY),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("type", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # transport, combat
    Column("helicopter", Boolean, nullable=False),
    Column("base", KEY, nullable=False),
    Column("payload_t", sa_Float()),
    Column("speed_kmh", sa_Float()),
    Column("range_km", sa_Float()),
    Column("turnaround_h", sa_Float(), nullable=False),
    Column("sidc", String(15), nullable=False),
    Column("withdrawn", Boolean, nullable=False, server_default=sa_false()),
    Column("edited", Boolean, nullable=False, server_default=sa_false()),
    *classification_columns(),
)

force_requirement = Table(
    "force_requirement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("capability", String(32), nullable=False),
    Column("strength", Integer, nullable=False),
    Column("place", Text, nullable=False),
    Column("lat", sa_Float(), nullable=False),
    Column("lon", sa_Float(), nullable=False),
    Column("node", KEY),
    Column("needed_by", Moment(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("withdrawn", Boolean, nullable=False, server_default=sa_false()),
    # the task (domain/forces/tasks.py): unit, strength, sites; a preferred or required state
    Column("task", String(12), nullable=False, server_default="unit"),
    Column("sites", Integer),
    Column("state_code", STATE_CODE),
    Column("state_rule", String(12), nullable=False, server_default=""),
)

unit_consent = Table(
    "unit_consent",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("scope", String(8), nullable=False),  # all, some, none
    Column("units", JSON, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("given_by", String(64), nullable=False),
    Column("given_at", Moment(), nullable=False),
    # the conditions accepted by the Joint Staff or the Secretariat (NULL: not accepted);
    # a new answer clears them
    Column("conditions_accepted_by", String(64), nullable=True),
    Column("conditions_accepted_at", Moment(), nullable=True),
    UniqueConstraint("crisis_id", "state_code", name="uq_unit_consent_crisis_state"),
)

deployment_plan = Table(
    "deployment_plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("status", String(12), nullable=False),  # proposed, decided, superseded
    Column("starts_at", Moment(), nullable=False),  # hour 0 of the plan
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("decided_at", Moment()),
    Column("method", String(32), nullable=False),
    Column("solver_status", String(16), nullable=False),
    Column("seconds", sa_Float(), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("objective", JSON, nullable=False),
    Column("greedy", JSON, nullable=False),
    Column("bound", sa_Float(), nullable=False),
    Column("gap", sa_Float()),
    Column("movements", JSON, nullable=False),
    Column("uncovered", JSON, nullable=False),
    Column("explanations", JSON, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("crises", JSON, nullable=False),  # the crises planned together
    Column("kind", String(12), nullable=False, server_default="deployment"),  # or withdrawal
    # the crises whose decided plans held aircraft this one waited for (`commitments.py`)
    Column("drew_on", JSON),
)
