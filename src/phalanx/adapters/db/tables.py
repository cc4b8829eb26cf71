"""The relational schema, as SQLAlchemy Core tables. Alembic migrations create it;
`tests/integration/test_migrations.py` checks that the two agree."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import (
    Float as sa_Float,
)
from sqlalchemy import false as sa_false

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

STATE_CODE = String(3)
KEY = String(64)

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
    Column("dataset_version", Text, nullable=False),
    Column("dataset_sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
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
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_by", Text),
    Column("confirmed_at", DateTime(timezone=True)),
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
    Column("recorded_at", DateTime(timezone=True), nullable=False),
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

# --- identities, sessions and tokens ---------------------------------------------------

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("state_code", STATE_CODE),
    Column("agency", String(32)),
    Column("observer_of", Text),
    Column("email", Text),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),  # "user:NAME" or "addr:IP"
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)


# --- classified records -----------------------------------------------------------------


def classification_columns() -> list[Column[object]]:
    """Owner and marking, carried by every record that is not public by nature.
    `participants` holds state codes as ",ARM,KAZ," so membership is one LIKE."""
    return [
        Column("owner_kind", String(16), nullable=False),
        Column("owner", String(64), nullable=False, index=True),
        Column("marking", String(16), nullable=False, index=True),
        Column("participants", Text, nullable=False),
        Column("observers", Boolean, nullable=False),
    ]


document = Table(
    "document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
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
    Column("opens_at", DateTime(timezone=True), nullable=False),
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

def authorization_columns() -> list[Column[object]]:
    """What a draft (and the decision adopted from it) authorizes in a crisis: measures,
    formations, the contributing states (peacekeeping) and the period in days."""
    return [Column("measures", JSON, nullable=False, server_default="[]"),
            Column("formations", JSON, nullable=False, server_default="[]"),
            Column("contributing_states", JSON, nullable=False, server_default="[]"),
            Column("period_days", Integer)]


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
    Column("current_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # open, closed
    Column("outcome", String(16)),
    Column("outcome_reason", Text),
    Column("deadline", DateTime(timezone=True)),
    Column("signing_order", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),  # bumped on every change: optimistic lock
    *classification_columns(),
    *authorization_columns(),
    # what a membership or appointment decision is about: {"state", "on"} or
    # {"post", "person", "state", "on"}; adopting it proposes the change
    Column("subject", JSON, nullable=False, server_default="{}"),
    # the chair who consults the heads of state and announces (procedure consultation)
    Column("chair_state", STATE_CODE, ForeignKey("state.code")),
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
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("stated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("draft_id", "state_code", name="uq_position_draft_state"),
)

signature = Table(
    "signature",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("draft.id", ondelete="CASCADE"), nullable=False),
    Column("state_code", STATE_CODE, ForeignKey("state.code"), nullable=False),
    Column("signed_by", String(64), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    # sign, reservation (signed with a reservation), object (returns the draft)
    Column("answer", String(16), nullable=False, server_default="sign"),
    Column("reservation", Text, nullable=False, server_default=""),
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
    Column("given_at", DateTime(timezone=True), nullable=False),  # when the head of state gave it
    Column("channel", String(16), nullable=False),  # telephone, video, in_writing
    Column("given_by", Text, nullable=False),  # the head of state, by name
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
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
    Column("title", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("text_ru", Text, nullable=False),
    Column("binding", Text, nullable=False),  # ",ARM,KAZ,"
    # members that receive the adopted text for consideration (absent, without a say)
    Column("for_consideration", Text, nullable=False, server_default=""),
    Column("limited_format", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("exercise", Boolean, nullable=False, server_default=sa_false()),
    *classification_columns(),
    *authorization_columns(),
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
    Column("place", Text, nullable=False),
    Column("lat", sa_Float()),
    Column("lon", sa_Float()),
    Column("description", Text, nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=False),
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
    Column("at", DateTime(timezone=True), nullable=False),
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
    Column("convened_at", DateTime(timezone=True), nullable=False),
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
    Column("at", DateTime(timezone=True), nullable=False),
    Column("answered_by", String(64), nullable=False),
)

un_notice = Table(
    "un_notice",  # the UN Security Council notified of art. 4 assistance (UN Charter art. 51)
    metadata,
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), primary_key=True),
    Column("decision_id", Integer, ForeignKey("decision.id"), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
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
    Column("at", DateTime(timezone=True), nullable=False),
    Column("article", String(64), nullable=False),  # e.g. "Treaty art. 4"
    Column("measures", JSON, nullable=False),
    Column("forces", Text, nullable=False),
    Column("period_days", Integer),
    Column("text", Text, nullable=False),
    Column("document_id", Integer, ForeignKey("document.id")),  # the letter in the register
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("needed_by", DateTime(timezone=True), nullable=False),
    Column("lapses_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # open, covered, lapsed, withdrawn
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
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
    Column("at", DateTime(timezone=True), nullable=False),
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
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # email
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("topic", String(64), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("acknowledged_at", DateTime(timezone=True)),
)

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
    Column("needed_by", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
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
    Column("given_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("crisis_id", "state_code", name="uq_unit_consent_crisis_state"),
)

deployment_plan = Table(
    "deployment_plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("status", String(12), nullable=False),  # proposed, decided, superseded
    Column("starts_at", DateTime(timezone=True), nullable=False),  # hour 0 of the plan
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
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
)

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

# Tables whose rows are classified: reads of them go through adapters/db/access.py.
CLASSIFIED = frozenset({"document", "meeting", "draft", "decision", "crisis", "watch_item",
                        "op_report", "op_total", "force_unit", "force_aircraft",
                        "model_law", "pa_field_session", "supply_agreement",
                        "mtc_programme", "training_quota", "joint_exercise",
                        "exercise_finding", "ext_instrument", "ext_event", "cap_alert"})

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


# CAP alert intake: every message received (alert, update, cancel, ...) with its infos,
# areas and warnings, what it did, and the feeds that are polled for them ----------------

cap_feed = Table(
    "cap_feed",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("country", String(3), nullable=False),
    Column("rule", JSON, nullable=False),  # what opens a crisis; the rest is watched
    Column("interval_s", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("status", String(16), nullable=False),  # new, ok, not-modified, failing
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled", DateTime(timezone=True)),
    Column("next_poll", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("received", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
)

cap_alert = Table(
    "cap_alert",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender", Text, nullable=False),
    Column("identifier", Text, nullable=False),
    Column("sent", DateTime(timezone=True)),  # None: no readable zone (a warning says so)
    Column("sent_text", String(64), nullable=False),  # as sent, with its zone
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("version", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("msg_type", String(16), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("refs", JSON, nullable=False),  # [[sender, identifier, sent], ...]
    Column("note", Text, nullable=False),
    Column("infos", JSON, nullable=False),  # every <info>, with every <area> as GeoJSON
    Column("lat", sa_Float()),
    Column("lon", sa_Float()),
    Column("extent", JSON),  # [west, south, east, north]; west > east across 180
    Column("warnings", JSON, nullable=False),
    Column("signature", String(16), nullable=False),  # verified, unsigned, invalid
    Column("signature_detail", Text, nullable=False),
    Column("action", String(32), nullable=False),  # opened, updated, cancelled, stored, ...
    Column("action_detail", Text, nullable=False),
    Column("crisis_id", Integer, ForeignKey("crisis.id", ondelete="SET NULL"), index=True),
    Column("watch_id", Integer, ForeignKey("watch_item.id", ondelete="SET NULL"), index=True),
    Column("feed_id", Integer, ForeignKey("cap_feed.id", ondelete="SET NULL")),
    Column("xml", Text, nullable=False),
    *classification_columns(),
    UniqueConstraint("sender", "identifier"),
)
