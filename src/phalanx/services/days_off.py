"""A deadline the Secretariat sets on a day off where it sits (settings
`working_time_zone`, `days_off`) is kept only once it confirms it (setting): the same
refusal for the pages, the API and the command line, before anything is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from phalanx.domain.decisions import procedure as proc
from phalanx.services.errors import DayOff


def check(org: Any, deadline: datetime, *, confirmed: bool,
          where: str = "deadline") -> str | None:
    """Refuse `deadline` (DayOff, naming the field `where`, the local date and the day's
    name) where it falls on one of the organization's days off and is not `confirmed`;
    confirmed, the day's name (for the audit entry), else None. An organization naming
    no days off has none."""
    settings = getattr(org, "settings", None) or {}
    zone = settings.get("working_time_zone")
    found = proc.deadline_on_day_off(deadline, zone, list(settings.get("days_off") or []))
    if found is not None and not confirmed:
        raise DayOff(where, found[0], found[1], zone, proc.deadline_day(found[0]))
    return found[1] if found else None
