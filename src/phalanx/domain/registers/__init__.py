"""The organization's year-round registers: the Parliamentary Assembly's model laws and
their transposition, military-technical supplies, training quotas, joint exercises and
external relations. Plain rules, no storage: each check returns the problems it finds
as (field, message) pairs, empty when the input is acceptable."""

from __future__ import annotations

from datetime import date

Problem = tuple[str, str]


def date_range(start: date | None, end: date | None, start_field: str = "start",
               end_field: str = "end") -> list[Problem]:
    """An end, when given, is not before the start."""
    if start is not None and end is not None and end < start:
        return [(end_field, f"{end.isoformat()} is before {start_field} "
                            f"{start.isoformat()}")]
    return []
