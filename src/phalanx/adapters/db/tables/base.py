"""The shared `metadata` with its naming convention, the key and state-code column types,
the classification and authorization column sets, and the names of the classified tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.types import TypeDecorator

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


class Moment(TypeDecorator[datetime]):
    """A moment, stored in UTC whatever offset it was given with. PostgreSQL keeps the
    moment of a `timestamptz` by itself; SQLite stores the figures of the clock as given,
    without their offset, so that 15:00+03:00 would be read back as 15:00 UTC, three
    hours late: every moment is turned to UTC before it is written."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value


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



def authorization_columns() -> list[Column[object]]:
    """What a draft (and the decision adopted from it) authorizes in a crisis: measures,
    formations, the contributing states (peacekeeping) and the period in days, or "for a
    limited period" with no number of days (`period_limited`)."""
    return [Column("measures", JSON, nullable=False, server_default="[]"),
            Column("formations", JSON, nullable=False, server_default="[]"),
            Column("contributing_states", JSON, nullable=False, server_default="[]"),
            Column("period_days", Integer),
            Column("period_limited", Boolean, nullable=False, server_default=sa_false())]


# Tables whose rows are classified: reads of them go through adapters/db/access.py.
CLASSIFIED = frozenset({"document", "meeting", "draft", "decision", "crisis", "watch_item",
                        "op_report", "op_total", "force_unit", "force_aircraft",
                        "model_law", "pa_field_session", "supply_agreement",
                        "mtc_programme", "training_quota", "joint_exercise",
                        "exercise_finding", "ext_instrument", "ext_event", "cap_alert"})
