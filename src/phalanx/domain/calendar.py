"""The organization's calendar: which day, and which year, a moment falls on.

One rule, used wherever a day is decided from a moment (a decision's date and the year of
its number, "today" for a deadline, a term or a membership, a year's lists and reports):
the organization's day is the calendar day where its Secretariat sits, in the dataset's
working time zone (setting `working_time_zone`; CSTO: Europe/Moscow, the Organization's
seat, public: Charter). A decision adopted at 00:30 Moscow time on 1 January (21:30 UTC
on 31 December) is dated 1 January and numbered in the new year; a member admitted on a
day is a member from 00:00 of that day there; a result of 31 December 23:00 Moscow time
counts in its year. A dataset naming no zone has UTC's days. The server's own zone never
counts: moments are stored and sent in UTC, only their day is read in the working zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> tzinfo:
    """The time zone of an IANA name; UTC for none (or one this system does not know,
    which the dataset's loader refuses before it gets here)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_name(org: Any) -> str | None:
    """The working time zone's name of an organization (the domain's `Organization`, whose
    `settings` hold it, or a record of it that carries `working_time_zone`, or the name)."""
    if isinstance(org, str):
        return org
    name = getattr(org, "working_time_zone", None)
    if name is None and org is not None:
        name = (getattr(org, "settings", None) or {}).get("working_time_zone")
    return name


def local(at: datetime, zone_name: str | None) -> datetime:
    """The moment `at` (a naive moment is UTC) on the clocks where the Secretariat sits."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_name))


def day_of(at: datetime, zone_name: str | None) -> date:
    """The organization's day of the moment `at` (a naive moment is UTC)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_name)).date()


def start_of(day: date, zone_name: str | None) -> datetime:
    """The first moment (UTC) of the organization's day `day`."""
    return datetime.combine(day, time(0), tzinfo=zone(zone_name)).astimezone(UTC)


def end_of(day: date, zone_name: str | None) -> datetime:
    """The first moment (UTC) after the organization's day `day`."""
    return start_of(day + timedelta(days=1), zone_name)


def year_span(year: int, zone_name: str | None) -> tuple[datetime, datetime]:
    """The moments (UTC) of the organization's year: from its first moment, up to (not
    including) the next year's first."""
    return start_of(date(year, 1, 1), zone_name), start_of(date(year + 1, 1, 1), zone_name)
