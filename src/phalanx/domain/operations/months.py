"""Statistics by month within a year: a report counts in the month of its day; a month is
of one year, so months of different years are never one sum; a year's months are shown
in order, a month with no report as a zero and a month still to come as none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

MONTHS = tuple(range(1, 13))


def groups(by: list[str], year: int | None) -> list[str]:
    """The groups of a count that has the month among them: unless one year is asked for,
    the year too, before the month (January 2025 and January 2026 are never one sum)."""
    if "month" not in by or year is not None or "year" in by:
        return by
    at = by.index("month")
    return [*by[:at], "year", *by[at:]]


def series(totals: Mapping[int, float], year: int, today: date) -> list[float | None]:
    """A year's twelve months in order: each month's total, a zero for a month gone by
    with no report, None for a month still to come (not a zero: nothing could be
    reported yet)."""
    return [None if (year, month) > (today.year, today.month) and month not in totals
            else float(totals.get(month, 0.0)) for month in MONTHS]
