"""A year of results closed by the Secretariat, and a report withdrawn.

Setting (the organization's documents give no procedure for its statistics): the
Secretariat closes a year's figures once the year is over, for the annual report; a
report of a closed year is still corrected, withdrawn or sent late, as the agencies find
their mistakes, but only with a reason, and each such change is kept as a change after
closing, which the annual report names beside its figures."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

REASON_MAX = 500  # characters of a reason (setting)


def why_not_close(year: int, today: date, closed: Collection[int]) -> str | None:
    """Why the year cannot be closed on `today` (None: it can). A year closes once it is
    over (setting), and once."""
    if year in closed:
        return f"{year} is already closed"
    if year >= today.year:
        return f"{year} is not over (today is {today.isoformat()}): a year closes after its end"
    return None


def closed_touched(days: Iterable[date | None], closed: Collection[int]) -> list[int]:
    """The closed years a change touches: the year of the day a report said before and of
    the day it says now (a correction may move it from one year to another)."""
    return sorted({d.year for d in days if d is not None and d.year in closed})


def reason_problem(reason: str | None) -> str | None:
    """What is wrong with a reason given for a withdrawal or a change after closing."""
    text = (reason or "").strip()
    if not text:
        return "a reason is required"
    if len(text) > REASON_MAX:
        return f"a reason has at most {REASON_MAX} characters ({len(text)} given)"
    return None
