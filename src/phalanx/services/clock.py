"""Time as the services use it: aware UTC datetimes, whatever the database returns
(SQLite gives naive ones back).

Every action reads the time from `now()`. An exercise or a replay plays the same actions
on its own clock: inside `use(at)` (or `playing_at(at)`, the exercise runner's name for
it) the services' `now()` is `at`, so sessions, drafts, positions, signatures, deadlines,
numbering and stage clocks are the scenario's, not the wall clock's.

A day is the organization's day of a moment (`domain/calendar.py`: the day where its
Secretariat sits, setting `working_time_zone`), never the server's: `today(org)`,
`day(org, at)`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any

from phalanx.domain import calendar

_fixed: ContextVar[datetime | None] = ContextVar("phalanx_clock", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day(org: Any, at: datetime) -> date:
    """The organization's day of `at` (`org`: the organization or a record of it carrying
    its working time zone; None: no organization loaded, UTC's day)."""
    return calendar.day_of(aware(at), calendar.zone_name(org))


def today(org: Any) -> date:
    """The organization's day now (on the services' clock)."""
    return day(org, now())


@contextmanager
def use(at: datetime) -> Iterator[None]:
    """Run the enclosed actions at `at` (an aware datetime; a naive one is taken as UTC)."""
    token = _fixed.set(aware(at).astimezone(UTC))
    try:
        yield
    finally:
        _fixed.reset(token)


playing_at = use
