"""official requests of affected states; the measures, forces and period a decision
authorizes, adopted with its text; every session held on a crisis; members' answers to
the art. 4 obligation and the UN Security Council notice

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-01 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None

AUTHORIZES = ("measures", "formations", "contributing_states")


def upgrade() -> None:
    op.create_table(
        "official_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("state_code", sa.String(length=3), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article", sa.String(length=64), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("forces", sa.Text(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"],
                                name=op.f("fk_official_request_crisis_id_crisis"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["state_code"], ["state.code"],
                                name=op.f("fk_official_request_state_code_state")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_official_request_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_request")),
    )
    op.create_index(op.f("ix_official_request_crisis_id"), "official_request", ["crisis_id"])
    op.create_table(
        "crisis_session",
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("convened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"],
                                name=op.f("fk_crisis_session_crisis_id_crisis"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_crisis_session_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("crisis_id", "meeting_id", name=op.f("pk_crisis_session")),
    )
    op.create_table(
        "obligation_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("state_code", sa.String(length=3), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"],
                                name=op.f("fk_obligation_answer_crisis_id_crisis"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["state_code"], ["state.code"],
                                name=op.f("fk_obligation_answer_state_code_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligation_answer")),
    )
    op.create_index(op.f("ix_obligation_answer_crisis_id"), "obligation_answer", ["crisis_id"])
    op.create_table(
        "un_notice",
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"],
                                name=op.f("fk_un_notice_crisis_id_crisis"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"],
                                name=op.f("fk_un_notice_decision_id_decision")),
        sa.PrimaryKeyConstraint("crisis_id", name=op.f("pk_un_notice")),
    )
    for table in ("draft", "decision"):
        with op.batch_alter_table(table) as batch:
            for column in AUTHORIZES:
                batch.add_column(sa.Column(column, sa.JSON(), nullable=False,
                                           server_default="[]"))
            batch.add_column(sa.Column("period_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("subject", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("subject")
    for table in ("decision", "draft"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("period_days")
            for column in reversed(AUTHORIZES):
                batch.drop_column(column)
    op.drop_table("un_notice")
    op.drop_index(op.f("ix_obligation_answer_crisis_id"), table_name="obligation_answer")
    op.drop_table("obligation_answer")
    op.drop_table("crisis_session")
    op.drop_index(op.f("ix_official_request_crisis_id"), table_name="official_request")
    op.drop_table("official_request")
