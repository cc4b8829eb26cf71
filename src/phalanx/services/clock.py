"""Time as the services use it: aware UTC datetimes, whatever the database returns
(SQLite gives naive ones back).

Every action reads the time from `now()`. An exercise or a replay plays the same actions
on its own clock: inside `use(at)` (or `playing_at(at)`, the exercise runner's name for
it) the services' `now()` is `at`, so sessions, drafts, positions, signatures, deadlines,
numbering and stage clocks are the scenario's, not the wall clock's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_fixed: ContextVar[datetime | None] = ContextVar("phalanx_clock", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@contextmanager
def use(at: datetime) -> Iterator[None]:
    """Run the enclosed actions at `at` (an aware datetime; a naive one is taken as UTC)."""
    token = _fixed.set(aware(at).astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)


playing_at = use
