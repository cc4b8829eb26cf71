"""Deadlines for tests that circulate drafts: the next working moment where the
Secretariat sits, so that a test passes on any day of the week (a written or silence
procedure's deadline on a day off is refused unless confirmed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from phalanx.domain import calendar
from phalanx.domain.decisions import procedure
from phalanx.services.clock import now

# the CSTO's settings (src/phalanx/data/csto.yaml): Moscow, Saturday and Sunday off
CSTO = ("Europe/Moscow", ("saturday", "sunday"))
# the Danube Alliance's (tests/fixtures/danube-alliance.yaml): Vienna, Friday to Sunday
DANUBE = ("Europe/Vienna", ("friday", "saturday", "sunday"))


def _last_day(at: datetime, zone: str) -> date:
    """The last day a deadline at `at` leaves to answer where the Secretariat sits (00:00
    sharp there ends the day before: `procedure.deadline_day`)."""
    return procedure.deadline_day(calendar.local(at, zone))


def working(at: datetime, where: tuple[str, tuple[str, ...]] = CSTO) -> datetime:
    """`at` to the minute (as a page's form sends it), or the same time of the first later
    day whose last day to answer is a working day where the Secretariat sits (a deadline
    at 00:00 sharp on a Monday in Moscow leaves Sunday as its last day: refused)."""
    zone, days_off = where
    at = at.replace(second=0, microsecond=0)
    while procedure.day_off(_last_day(at, zone), days_off):
        at += timedelta(days=1)
    return at


def working_deadline(days: float = 3, where: tuple[str, tuple[str, ...]] = CSTO,
                     start: datetime | None = None) -> datetime:
    """A deadline `days` days from now (or from `start`) moved on to a working day."""
    return working((start or now()) + timedelta(days=days), where)


def last_working(at: datetime, where: tuple[str, tuple[str, ...]] = CSTO) -> datetime:
    """`at`, or the same time of the last earlier day that is a working day where the
    Secretariat sits (a deadline already passed)."""
    zone, days_off = where
    at = at.replace(second=0, microsecond=0)
    while procedure.day_off(_last_day(at, zone), days_off):
        at -= timedelta(days=1)
    return at
