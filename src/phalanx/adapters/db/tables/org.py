"""The organization, its states, agreements, membership, bodies and posts (loaded from its
dataset file)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

from phalanx.adapters.db.tables.base import KEY, STATE_CODE, Moment, metadata

# --- the organization (loaded from its dataset file) ----------------------------------

organization = Table(
    "organization",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("abbr_en", Text, nullable=False),
    Column("abbr_ru", Text, nullable=False),
    Column("founding_agreement", KEY, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("crisis_categories", JSON, nullable=False, server_default="[]"),
    Column("operations", JSON, nullable=False, server_default="{}"),
    Column("forces", JSON, nullable=False, server_default="{}"),  # bases, formations, symbols
    Column("registers", JSON, nullable=False, server_default="{}"),
    # language -> {English text of the dataset: its translation}
    Column("translations", JSON, nullable=False, server_default="{}"),
    Column("dataset_version", Text, nullable=False),
    Column("dataset_sha256", String(64), nullable=False),
    Column("loaded_at", Moment(), nullable=False),
    Column("as_of", Date),  # the dataset's cut-off
)

state = Table(
    "state",
    metadata,
    Column("code", STATE_CODE, primary_key=True),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
)

office = Table(
    "office",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
)

agreement = Table(
    "agreement",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("title_ru", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("signed", Date, nullable=False),
    Column("place", Text, nullable=False),
    Column("in_force", Date),
    Column("term_years", Integer),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
    # the earlier agreement it amends, extends, suspends or repeals, and how
    Column("modifies", KEY),
    Column("effect", String(16)),
)

agreement_party = Table(
    "agreement_party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_key", KEY, ForeignKey("agreement.key", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("signed", Date),
    Column("bound_from", Date),
    Column("bound_until", Date),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
    # one row per period: a state may be bound more than once (Uzbekistan, the Treaty)
    UniqueConstraint("agreement_key", "position", name="uq_agreement_party_position"),
)

membership_event = Table(
    "membership_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("agreement_key", KEY, ForeignKey("agreement.key")),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
)

# Membership events recorded after loading (by the Secretariat, or proposed by an adopted
# decision and confirmed by the Secretariat); a reload of the dataset keeps them.
membership_record = Table(
    "membership_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("decision_id", Integer, ForeignKey("decision.id")),
    Column("status", String(16), nullable=False),  # proposed | confirmed
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", Moment(), nullable=False),
    Column("confirmed_by", Text),
    Column("confirmed_at", Moment()),
)

# The contributions ledger: from the dataset, then edited by the Secretariat (`edited`
# rows are kept as they are when the dataset is loaded again).
contribution = Table(
    "contribution",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("assessed", sa_Float, nullable=False),
    Column("paid", sa_Float, nullable=False),
    Column("paid_on", Date),
    Column("illustrative", Boolean, nullable=False, server_default=sa_false()),
    Column("source", Text, nullable=False),
    Column("edited", Boolean, nullable=False, server_default=sa_false()),
    UniqueConstraint("state_code", "year", name="uq_contribution_state_year"),
)

# Appointments to posts made by decisions after loading; a reload keeps them.
post_record = Table(
    "post_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_key", KEY, nullable=False),
    Column("person", Text, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code")),
    Column("start", Date, nullable=False),
    Column("acting", Boolean, nullable=False, server_default=sa_false()),
    Column("decision_id", Integer, ForeignKey("decision.id")),
    Column("note", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Moment(), nullable=False),
)

body = Table(
    "body",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("abbr_en", Text),
    Column("abbr_ru", Text),
    Column("kind", String(32), nullable=False),
    Column("role_en", Text),
    Column("role_ru", Text),
    Column("parent_key", KEY),
    Column("established", Date),
    Column("dissolved", Date),
    Column("chair_rotation", Boolean, nullable=False, server_default=sa_false()),
    Column("seat_office", KEY, ForeignKey("office.key")),
    Column("attendees", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("source", Text, nullable=False),
)

seat_holder = Table(
    "seat_holder",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_key", KEY, ForeignKey("body.key", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("office", KEY),
    Column("person", Text, nullable=False),
    Column("term_from", Date),
    Column("term_until", Date),
    Column("source", Text, nullable=False),
)

chairmanship = Table(
    "chairmanship",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_key", KEY, ForeignKey("body.key", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("person", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("exception", Text, nullable=False, server_default=""),
    UniqueConstraint("body_key", "year", name="uq_chairmanship_body_year"),
)

observer = Table(
    "observer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_key", KEY, ForeignKey("body.key", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code")),
    Column("status", String(16), nullable=False),
    Column("term_from", Date),
    Column("term_until", Date),
    Column("source", Text, nullable=False),
)

post = Table(
    "post",
    metadata,
    Column("key", KEY, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("name_ru", Text, nullable=False),
    Column("body_key", KEY, ForeignKey("body.key")),
    Column("terms_from", Date),
    Column("term_years", Integer),
)

appointment = Table(
    "appointment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_key", KEY, ForeignKey("post.key", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("person", Text, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code")),
    Column("term_from", Date),
    Column("term_until", Date),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("acting", Boolean, nullable=False, server_default=sa_false()),
)

external_status = Table(
    "external_status",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("counterpart", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("term_from", Date),
    Column("term_until", Date),
    Column("source", Text, nullable=False),
)

historical_count = Table(
    "historical_count",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("period", String(32), nullable=False),
    Column("count", Integer, nullable=False),
    Column("body_key", KEY),
    Column("note", Text, nullable=False),
    Column("source", Text, nullable=False),
)
