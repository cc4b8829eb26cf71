"""CAP alert intake: the polled feeds and every message received."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Float as sa_Float

from phalanx.adapters.db.tables.base import Moment, classification_columns, metadata

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
    Column("last_polled", Moment()),
    Column("next_poll", Moment()),
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
    Column("sent", Moment()),  # None: no readable zone (a warning says so)
    Column("sent_text", String(64), nullable=False),  # as sent, with its zone
    Column("received_at", Moment(), nullable=False),
    Column("version", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("msg_type", String(16), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("restriction", Text, nullable=False, server_default=""),  # as sent (Restricted)
    Column("addresses", Text, nullable=False, server_default=""),  # as sent (Private)
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
