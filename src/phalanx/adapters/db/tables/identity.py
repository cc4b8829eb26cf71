"""Identities, sessions, API tokens and login throttling."""

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
    func,
)

from phalanx.adapters.db.tables.base import STATE_CODE, Moment, metadata

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
    # the user's language (their pages after login, the notices emailed to them); NULL:
    # the setting default_language
    Column("language", String(8)),
    Column("active", Boolean, nullable=False),
    Column("created_at", Moment(), nullable=False, server_default=func.now()),
    # a state's user: the last day it acts for its state (the appointment's term); NULL:
    # no term set
    Column("acts_until", Date),
    # a state's user: the change of its state's authorities under which its appointment
    # was made or last confirmed (`domain/representation.py`); NULL: before any
    Column("confirmed_under", Integer, ForeignKey("authority_change.id")),
)

# Changes of a member state's authorities, recorded by the Secretariat with their source
# (`domain/representation.py`): an unconstitutional one ends the appointments made before
authority_change = Table(
    "authority_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state_code", STATE_CODE, nullable=False),
    Column("since", Date, nullable=False),
    Column("authorities", Text, nullable=False),
    Column("constitutional", Boolean, nullable=False),
    Column("source", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Moment(), nullable=False),
    UniqueConstraint("state_code", "since", name="uq_authority_change_day"),
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
    Column("created_at", Moment(), nullable=False),
    Column("expires_at", Moment(), nullable=False),
    Column("revoked_at", Moment()),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Moment(), nullable=False),
    Column("expires_at", Moment(), nullable=False),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),  # "user:NAME" or "addr:IP"
    Column("failures", Integer, nullable=False),
    Column("window_start", Moment(), nullable=False),
    Column("locked_until", Moment()),
)

# the addresses an account logged in from, and when last: the lock of an account counted
# from anywhere spares them (`identity.authenticate`)
known_address = Table(
    "known_address",
    metadata,
    Column("user_id", Integer, ForeignKey("app_user.id"), primary_key=True),
    Column("address", String(200), primary_key=True),
    Column("last_login", Moment(), nullable=False),
)

# a write request's Idempotency-Key, per user: taken in the transaction of the write it
# names (a retry of it finds it and is answered with the first answer, kept in `status`,
# `content_type` and `body` once sent), kept for `idempotency.KEPT` (setting)
idempotency_key = Table(
    "idempotency_key",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False),
    Column("key", String(255), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # SHA-256 of method, path, query, body
    Column("created_at", Moment(), nullable=False),
    Column("status", Integer),
    Column("content_type", String(200)),
    Column("body", Text),
    Column("location", Text),  # a page form's first answer: where it sent the browser
    UniqueConstraint("user_id", "key", name="uq_idempotency_key_user_key"),
)
