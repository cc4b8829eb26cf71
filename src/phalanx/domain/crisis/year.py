"""The crises of a year, as the Secretariat's annual report lists them.

Setting: a year's crises are those reported in it and those carried over into it
(reported before it and not yet ended when it began: a crisis reported on 20 December
and still open on 3 January is the next year's too). Each is given at the stage it had at
the year's end, or now for the year still running (a report of 2025 read in 2027 does not
show what happened to the crisis in 2026). The year is the organization's, in its working
time zone (`domain/calendar.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from phalanx.domain.crisis.workflow import FINAL, Stage


def stage_at(changes: Iterable[tuple[datetime, Stage]], at: datetime) -> Stage:
    """The stage a crisis had at the moment `at`: its last change of stage before it (a
    crisis starts `reported`)."""
    stage = Stage.REPORTED
    for when, to in sorted(changes, key=lambda c: c[0]):
        if when >= at:
            break
        stage = to
    return stage


def of_the_year(reported_at: datetime, changes: Iterable[tuple[datetime, Stage]],
                start: datetime, end: datetime) -> bool:
    """Whether a crisis is of the year from `start` up to `end`: reported in it, or
    reported before it and not ended by its start."""
    if reported_at >= end:
        return False
    return reported_at >= start or stage_at(changes, start) not in FINAL
