"""Documents, meetings and the drafts, positions and decisions of consultations."""

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
from sqlalchemy import false as sa_false

from phalanx.adapters.db.tables.base import (
    KEY,
    STATE_CODE,
    Moment,
    authorization_columns,
    classification_columns,
    metadata,
)

# --- classified records -----------------------------------------------------------------

document = Table(
    "document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_at", Moment(), nullable=False),
    Column("version", Integer, nullable=False),
    *classification_columns(),
)

# --- consultations and decisions ----------------------------------------------------------

meeting = Table(
    "meeting",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_key", KEY, ForeignKey("body.key"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("link", Text),
    Column("place", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("opens_at", Moment(), nullable=False),
    Column("convened_by", String(20), nullable=False),
    Column("status", String(16), nullable=False),  # scheduled, open, closed
    Column("created_by", String(64), nullable=False),
    Column("exercise", Boolean, nullable=False),
    *classification_columns(),
)

attendance = Table(
    "attendance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("present", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    UniqueConstraint("meeting_id", "state_code", name="uq_attendance_meeting_state"),
)

agenda_item = Table(
    "agenda_item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("document_ids", JSON, nullable=False),
)


draft = Table(
    "draft",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_key", KEY, ForeignKey("body.key"), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meeting.id")),
    Column("agenda_item_id", Integer, ForeignKey("agenda_item.id")),
    Column("kind", String(16), nullable=False),  # decision, statement, instruction
    Column("question", String(32), nullable=False),  # the body's rule key: default, procedural
    Column("procedure", String(16), nullable=False),  # session, written, consultation
    Column("limited_format", Boolean, nullable=False),
    Column("title", Text, nullable=False),
    # the title in Russian where the title as written is in another language ("": none)
    Column("title_ru", Text, nullable=False, server_default=""),
    Column("current_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # open, closed
    Column("outcome", String(16)),
    Column("outcome_reason", Text),
    Column("closed_at", Moment()),  # when its outcome was recorded
    Column("deadline", Moment()),
    Column("signing_order", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("revision", Integer, nullable=False),  # bumped on every change: optimistic lock
    *classification_columns(),
    *authorization_columns(),
    # what a membership or appointment decision is about: {"state", "on"} or
    # {"post", "person", "state", "on"}; adopting it proposes the change
    Column("subject", JSON, nullable=False, server_default="{}"),
    # the chair who consults the heads of state and announces (procedure consultation)
    Column("chair_state", STATE_CODE, ForeignKey("state.code")),
    # what the decision states of its own life (`domain/decisions/lifecycle.Terms`)
    Column("lifecycle", JSON, nullable=False, server_default="{}"),
)

draft_version = Table(
    "draft_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("text_ru", Text, nullable=False),
    Column("amendment_id", Integer),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    UniqueConstraint("draft_id", "number", name="uq_draft_version_number"),
)

amendment = Table(
    "amendment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False),
    Column("against_version", Integer, nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("text_en", Text, nullable=False),
    Column("text_ru", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(16), nullable=False),  # proposed, accepted, rejected
    Column("created_by", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
)

position = Table(
    "position",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("version_number", Integer, nullable=False),
    Column("position", String(20), nullable=False),
    Column("statement", Text, nullable=False),
    Column("stated_by", String(64), nullable=False),
    Column("stated_at", Moment(), nullable=False),
    UniqueConstraint("draft_id", "state_code", name="uq_position_draft_state"),
)

signature = Table(
    "signature",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("signed_by", String(64), nullable=False),
    Column("signed_at", Moment(), nullable=False),
    # sign, reservation (signed with a reservation), object (returns the draft)
    Column("answer", String(16), nullable=False, server_default="sign"),
    Column("reservation", Text, nullable=False, server_default=""),
    # the member of the body in whose name the state signs (its head of state for the
    # Council), as the representative transmitting it named or the dataset gives
    Column("given_by", String(200), nullable=False, server_default=""),
    UniqueConstraint("draft_id", "state_code", name="uq_signature_draft_state"),
)

consultation_answer = Table(
    "consultation_answer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("position", String(20), nullable=False),
    Column("given_at", Moment(), nullable=False),  # when the head of state gave it
    Column("channel", String(16), nullable=False),  # telephone, video, in_writing
    Column("given_by", Text, nullable=False),  # the head of state, by name
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", Moment(), nullable=False),
)

decision = Table(
    "decision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("draft_id", Integer, ForeignKey("draft.id"), nullable=False, unique=True),
    Column("body_key", KEY, ForeignKey("body.key"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("adopted_on", Date, nullable=False),
    Column("adopted_at", Moment()),  # to the minute (older rows: none)
    Column("title", Text, nullable=False),
    # the title in Russian where the title as written is in another language ("": none)
    Column("title_ru", Text, nullable=False, server_default=""),
    Column("text_en", Text, nullable=False),
    Column("text_ru", Text, nullable=False),
    Column("binding", Text, nullable=False),  # ",ARM,KAZ,"
    # members that receive the adopted text for consideration (absent, without a say)
    Column("for_consideration", Text, nullable=False, server_default=""),
    Column("limited_format", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("exercise", Boolean, nullable=False, server_default=sa_false()),
    # what it states of its own life (`domain/decisions/lifecycle.Terms`), and the members'
    # notifications it waits for to enter into force (state -> day)
    Column("lifecycle", JSON, nullable=False, server_default="{}"),
    Column("notified", JSON, nullable=False, server_default="{}"),
    *classification_columns(),
    *authorization_columns(),
)

# a member outside an adopted decision (sent it for consideration, or standing aside from
# it in a limited format) declares later that it joins it, bound from that day, or that it
# does not (`domain/decisions/joining.py`); read with the decision's marking
decision_joining = Table(
    "decision_joining",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("decision_id", Integer, ForeignKey("decision.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("joins", Boolean, nullable=False),
    Column("declared_on", Date, nullable=False),  # bound from that day where it joins
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", Moment(), nullable=False),
    UniqueConstraint("decision_id", "state_code", name="uq_decision_joining_state"),
)

task = Table(
    "task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("decision_id", Integer, ForeignKey("decision.id", ondelete="CASCADE"),
           nullable=False),
    Column("assignee_kind", String(16), nullable=False),  # body, secretariat, state
    Column("assignee", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(16), nullable=False),  # open, in_progress, done
    Column("completed_on", Date),
    Column("note", Text, nullable=False),
    Column("revision", Integer, nullable=False),
)
