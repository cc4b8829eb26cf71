"""The year-round registers: Parliamentary Assembly, military-technical cooperation, training
quotas, joint exercises and external relations."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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

from phalanx.adapters.db.tables.base import KEY, STATE_CODE, classification_columns, metadata

# --- the year-round registers: Parliamentary Assembly, military-technical cooperation,
# training quotas, joint exercises, external relations --------------------------------------
# Seeded from the dataset on load (by key, never overwriting what was recorded since);
# rows a user creates carry a generated key. `illustrative` marks figures no source gives.

model_law = Table(
    "model_law",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # model_law, recommendation
    Column("title_en", Text, nullable=False),
    Column("title_ru", Text, nullable=False),
    Column("commission", KEY, nullable=False),
    Column("drafted_on", Date, nullable=False),
    Column("adopted_on", Date),
    Column("status", String(16), nullable=False),  # drafted, adopted
    Column("text", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    *classification_columns(),
)

# Each member's current transposition status of a model law; history in the events.
transposition = Table(
    "transposition",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_law_id", Integer, ForeignKey("model_law.id", ondelete="CASCADE"),
           nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reference", Text, nullable=False),
    Column("changed_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    UniqueConstraint("model_law_id", "state_code", name="uq_transposition_law_state"),
)

transposition_event = Table(
    "transposition_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("model_law_id", Integer, ForeignKey("model_law.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reference", Text, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("actor", String(64), nullable=False),
)

pa_field_session = Table(
    "pa_field_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("commission", KEY, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("place", Text, nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("topic", Text, nullable=False),
    Column("report", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    *classification_columns(),
)

# Bilateral supplies: PARTICIPANTS-marked with the two parties.
supply_agreement = Table(
    "supply_agreement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("supplier", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("recipient", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("category", KEY, nullable=False),
    Column("item", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("value", sa_Float(), nullable=False),  # millions of `currency`
    Column("currency", String(3), nullable=False),
    Column("agreed_on", Date, nullable=False),
    Column("due_on", Date),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
    *classification_columns(),
)

supply_delivery = Table(
    "supply_delivery",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", Integer, ForeignKey("supply_agreement.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("value", sa_Float(), nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
)

mtc_programme = Table(
    "mtc_programme",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("title_en", Text, nullable=False),
    Column("title_ru", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # research, modernization, joint_venture
    Column("states", Text, nullable=False),  # ",ARM,RUS,"
    Column("start_on", Date, nullable=False),
    Column("end_on", Date),
    Column("status", String(16), nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    *classification_columns(),
)

training_quota = Table(
    "training_quota",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("institution", KEY, nullable=False),
    Column("host_state", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("institution_type", String(16), nullable=False),  # military, civilian
    Column("offered", Integer, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    *classification_columns(),
    UniqueConstraint("year", "institution", name="uq_training_quota_year_institution"),
)

training_allocation = Table(
    "training_allocation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("quota_id", Integer, ForeignKey("training_quota.id", ondelete="CASCADE"),
           nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("allocated", Integer, nullable=False),
    Column("enrolled", Integer, nullable=False),
    Column("graduated", Integer, nullable=False),
    UniqueConstraint("quota_id", "state_code", name="uq_training_allocation_quota_state"),
)

joint_exercise = Table(
    "joint_exercise",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("series", String(64), nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("host_state", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("place", Text, nullable=False),
    Column("scenario", String(64)),  # a crisis exercise scenario (data/exercises/)
    Column("description", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    # cancelled (`domain/registers/exercises.py`): on which day, in whose name (the host
    # state's code, or "secretariat"), and why
    Column("cancelled_on", Date),
    Column("cancelled_by", String(64)),
    Column("cancel_reason", Text, nullable=False, server_default=""),
    *classification_columns(),
)

exercise_participant = Table(
    "exercise_participant",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exercise_id", Integer, ForeignKey("joint_exercise.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("formation", Text, nullable=False),
    Column("unit_key", String(64)),  # a unit of the forces registry, when there is one
    Column("strength", Integer, nullable=False),
)

# After-action findings: tracked tasks with an owner, open until done; classified on
# their own (the calendar may be public, the findings are the organization's).
exercise_finding = Table(
    "exercise_finding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exercise_id", Integer, ForeignKey("joint_exercise.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("assignee", String(64), nullable=False),  # body key, "secretariat" or a state
    Column("due_on", Date, nullable=False),
    Column("status", String(16), nullable=False),  # open, done
    Column("completed_on", Date),
    Column("note", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    *classification_columns(),
)

ext_instrument = Table(
    "ext_instrument",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("partner", KEY, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("signed_on", Date),
    Column("until_on", Date),
    Column("scope", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    *classification_columns(),
)

ext_event = Table(
    "ext_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", KEY, nullable=False, unique=True),
    Column("partner", KEY),
    Column("kind", String(16), nullable=False),  # meeting, joint_event, statement
    Column("on_date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("by_body", KEY),
    Column("text", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    *classification_columns(),
)
