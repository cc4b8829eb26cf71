"""CAP alert records (every message, its infos, areas, warnings and signature) and the
CAP feeds polled for them

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cap_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_polled", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_poll", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cap_feed")),
        sa.UniqueConstraint("url", name=op.f("uq_cap_feed_url")),
    )
    op.create_table(
        "cap_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.Text(), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_text", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("infos", sa.JSON(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("extent", sa.JSON(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=16), nullable=False),
        sa.Column("signature_detail", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("action_detail", sa.Text(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=True),
        sa.Column("watch_id", sa.Integer(), nullable=True),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("owner_kind", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("marking", sa.String(length=16), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("observers", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"], ondelete="SET NULL",
                                name=op.f("fk_cap_alert_crisis_id_crisis")),
        sa.ForeignKeyConstraint(["watch_id"], ["watch_item.id"], ondelete="SET NULL",
                                name=op.f("fk_cap_alert_watch_id_watch_item")),
        sa.ForeignKeyConstraint(["feed_id"], ["cap_feed.id"], ondelete="SET NULL",
                                name=op.f("fk_cap_alert_feed_id_cap_feed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cap_alert")),
        sa.UniqueConstraint("sender", "identifier", name=op.f("uq_cap_alert_sender")),
    )
    op.create_index(op.f("ix_cap_alert_crisis_id"), "cap_alert", ["crisis_id"])
    op.create_index(op.f("ix_cap_alert_watch_id"), "cap_alert", ["watch_id"])
    op.create_index(op.f("ix_cap_alert_owner"), "cap_alert", ["owner"])
    op.create_index(op.f("ix_cap_alert_marking"), "cap_alert", ["marking"])


def downgrade() -> None:
    op.drop_table("cap_alert")
    op.drop_table("cap_feed")
