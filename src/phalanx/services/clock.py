"""Time as the services use it: aware UTC datetimes, whatever the database returns
(SQLite gives naive ones back). An exercise plays on its own clock: inside
`playing_at(t)`, `now()` is the scenario's time, so that every action the services take
without an explicit `at=` (sessions, drafts, positions, decisions) is dated in the
scenario, not today."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_SCENARIO: ContextVar[datetime | None] = ContextVar("scenario_time", default=None)


def now() -> datetime:
    return _SCENARIO.get() or datetime.now(UTC)


@contextmanager
def playing_at(at: datetime) -> Iterator[None]:
    """Within the block, `now()` is `at` (an exercise's inject time)."""
    token = _SCENARIO.set(aware(at))
    try:
        yield
    finally:
        _SCENARIO.reset(token)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
