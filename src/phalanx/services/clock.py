"""Time as the services use it: aware UTC datetimes, whatever the database returns
(SQLite gives naive ones back)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
