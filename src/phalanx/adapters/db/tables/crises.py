"""Crises: their events, sessions, requests, offers, reports, watch items and notifications."""

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
)
from sqlalchemy import Float as sa_Float

from phalanx.adapters.db.tables.base import STATE_CODE, Moment, classification_columns, metadata

# --- crises -------------------------------------------------------------------------------

crisis = Table(
    "crisis",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("severity", String(16), nullable=False),  # extreme, severe, moderate, minor
    Column("affected", Text, nullable=False),  # ",KGZ,TJK,"
    # the states the report names as the other party (`domain/crisis/parties.py`)
    Column("other_parties", Text, nullable=False, server_default=""),  # ",TJK,"
    Column("place", Text, nullable=False),
    Column("lat", sa_Float()),
    Column("lon", sa_Float()),
    Column("description", Text, nullable=False),
    Column("reported_at", Moment(), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("origin", String(16), nullable=False),  # representative, monitoring, cap
    Column("cap_identifier", Text),
    Column("exercise", Boolean, nullable=False),
    Column("bilateral_dispute", Boolean, nullable=False),
    Column("against_cis_or_neighbour", Boolean, nullable=False),
    Column("official_request", Boolean, nullable=False),
    Column("un_mandate", Boolean, nullable=False),
    Column("on_member_territory", Boolean, nullable=False),
    Column("measures", JSON, nullable=False),
    Column("session_id", Integer, ForeignKey("meeting.id")),
    Column("decision_id", Integer, ForeignKey("decision.id")),
    Column("authorizes", JSON, nullable=False),
    Column("closing_reason", Text, nullable=False),
    Column("review", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    *classification_columns(),
)

crisis_event = Table(
    "crisis_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("at", Moment(), nullable=False),
    Column("kind", String(24), nullable=False),  # stage, escalation, note, offer, sitrep
    Column("stage", String(16)),
    Column("actor", String(64), nullable=False),
    Column("text", Text, nullable=False),
    # the decision an entry mentions: the entry is shown only to readers of the decision
    Column("decision_id", Integer, ForeignKey("decision.id")),
)

crisis_session = Table(
    "crisis_session",  # every session held on a crisis: consultations, then any other
    metadata,
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meeting.id"), primary_key=True),
    Column("convened_at", Moment(), nullable=False),
)

obligation_answer = Table(
    "obligation_answer",  # a member's answer to the art. 4 obligation; the latest counts
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("answer", String(16), nullable=False),  # forces, other, declined
    Column("detail", Text, nullable=False),
    Column("at", Moment(), nullable=False),
    Column("answered_by", String(64), nullable=False),
)

un_notice = Table(
    "un_notice",  # the UN Security Council notified of art. 4 assistance (UN Charter art. 51)
    metadata,
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), primary_key=True),
    Column("decision_id", Integer, ForeignKey("decision.id"), nullable=False),
    Column("opened_at", Moment(), nullable=False),
    Column("sent_at", Moment()),
    Column("sent_by", String(64)),
    Column("reference", Text, nullable=False),  # e.g. the letter's UN document symbol
)

official_request = Table(
    "official_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("person", Text, nullable=False),  # who signed it, by name when known
    Column("office", String(64), nullable=False),  # head_of_state, head_of_government, ...
    Column("at", Moment(), nullable=False),
    Column("article", String(64), nullable=False),  # e.g. "Treaty art. 4"
    Column("measures", JSON, nullable=False),
    Column("forces", Text, nullable=False),
    Column("period_days", Integer),
    Column("text", Text, nullable=False),
    Column("document_id", Integer, ForeignKey("document.id")),  # the letter in the register
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    # its state's withdrawal: when it was withdrawn, why (may be empty), who recorded it
    Column("withdrawn_at", Moment()),
    Column("withdrawal_reason", Text),
    Column("withdrawn_by", String(64)),
)

assistance_request = Table(
    "assistance_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("resource", Text, nullable=False),  # EDXL-RM: ResourceInformation
    Column("measure", String(24), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("place", Text, nullable=False),
    Column("needed_by", Moment(), nullable=False),
    Column("lapses_at", Moment(), nullable=False),
    Column("status", String(16), nullable=False),  # open, covered, lapsed, withdrawn
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
)

assistance_offer = Table(
    "assistance_offer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("assistance_request.id", ondelete="CASCADE"),
           nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("kind", String(16), nullable=False),  # units, supplies, aid
    Column("description", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # offered, accepted, declined, withdrawn
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("decided_at", Moment()),
    # an offer of units names registry units of the offering state, or a strength of a
    # capability (services/offered_units.py)
    Column("units", JSON, nullable=False, server_default="[]"),
    Column("capability", String(32)),
    Column("strength", Integer),
)

sitrep = Table(
    "sitrep",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False),
    Column("at", Moment(), nullable=False),
    Column("author", String(64), nullable=False),
    Column("state_code", STATE_CODE),
    Column("situation", Text, nullable=False),
    Column("casualties", Text, nullable=False),
    Column("measures", Text, nullable=False),
    Column("needs", Text, nullable=False),
    Column("document_ids", JSON, nullable=False, server_default="[]"),  # attachments
)

watch_item = Table(
    "watch_item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("risk", String(16), nullable=False),  # low, elevated, high, critical
    Column("next_review", Date, nullable=False),
    Column("status", String(16), nullable=False),  # watching, escalated, closed
    Column("crisis_id", Integer, ForeignKey("crisis.id")),
    Column("note", Text, nullable=False),
    *classification_columns(),
)

notification = Table(
    "notification",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Moment(), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # email
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("topic", String(64), nullable=False),
    Column("delivered_at", Moment()),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("acknowledged_at", Moment()),
    # a user's notices, newest first (the inbox, the API): not a scan of everybody's
    Index("ix_notification_recipient_id", "recipient", "id"),
)

crisis_draft = Table(
    "crisis_draft",  # a draft named as about a crisis: when tabled, or by the Secretariat later
    metadata,
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("tied_at", Moment(), nullable=False),
    Column("tied_by", String(64), nullable=False),
    Column("reason", Text, nullable=False),  # empty: named when the draft was tabled
)
