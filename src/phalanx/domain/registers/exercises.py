"""Joint exercises: dates, participants, after-action findings.

A participant is a state's formation with a strength (at least one person); its unit
key, when given, must name a unit of the forces registry if the organization keeps
one, and a unit of that state: a state commits its own formations (Charter art. 5:
voluntary participation; no member's units committed without its consent). A finding is
open until done; it is done on or after the exercise's start."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from phalanx.domain.registers import Problem, date_range


class FindingStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True)
class Participant:
    state: str
    formation: str
    strength: int
    unit: str | None = None


def exercise_problems(start: date, end: date) -> list[Problem]:
    return date_range(start, end, "start", "end")


def participant_problems(p: Participant, members: Collection[str],
                         units: Mapping[str, str] | None = None) -> list[Problem]:
    """`units`: the registry's units (key: state), or None when there is no registry."""
    out: list[Problem] = []
    if p.state not in members:
        out.append(("state", f"{p.state} is not a member state"))
    if not p.formation.strip():
        out.append(("formation", "a participant names its formation"))
    if p.strength < 1:
        out.append(("strength", f"{p.strength} is not a strength"))
    if p.unit is not None and units is not None:
        if p.unit not in units:
            out.append(("unit", f"{p.unit!r} is not a unit of the forces registry"))
        elif units[p.unit] != p.state:
            out.append(("unit", f"{p.unit!r} is a unit of {units[p.unit]}: {p.state} commits "
                                f"its own formations"))
    return out


def finding_done_problems(exercise_start: date, on: date) -> list[Problem]:
    if on < exercise_start:
        return [("completed", f"{on.isoformat()} is before the exercise began "
                              f"({exercise_start.isoformat()})")]
    return []
