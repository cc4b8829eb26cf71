"""Joint exercises: dates, participants, after-action findings.

A participant is a state's formation with a strength (at least one person); its unit
key, when given, must name a unit of the forces registry if the organization keeps
one, and a unit of that state: a state commits its own formations (Charter art. 5:
voluntary participation; no member's units committed without its consent). A finding is
open until done; it is done on or after the exercise's start, and none is recorded on an
exercise cancelled (never held).

A planned exercise is cancelled by its host state (its representative) or by the
Secretariat and the Joint Staff, which plan the calendar: the Charter's principles of
respect for independence and voluntary participation (art. 5, seeds) leave a host free
not to hold the exercise on its territory (Kyrgyzstan cancelled Indestructible
Brotherhood-2022 on 9 October 2022, the day before it was to begin: the sources of
`data/exercises/kyrgyzstan-tajikistan-2022.yaml`). A cancellation states its reason, is
made before the exercise has ended (an exercise held is not cancelled), and once; a
cancelled exercise takes no more participants. Who may cancel, and the end as the limit:
setting."""

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


def cancel_problems(end: date, on: date, reason: str,
                    cancelled_on: date | None) -> list[Problem]:
    """Why the exercise ending on `end` cannot be cancelled on `on` for `reason` (empty:
    it can); `cancelled_on`: when it was cancelled already, if it was."""
    out: list[Problem] = []
    if cancelled_on is not None:
        out.append(("exercise", f"the exercise was already cancelled on "
                                f"{cancelled_on.isoformat()}"))
    if not reason.strip():
        out.append(("reason", "a cancellation states its reason"))
    if on > end:
        out.append(("on", f"the exercise ended on {end.isoformat()}: an exercise held is "
                          "not cancelled"))
    return out


def participant_cancelled(cancelled_on: date | None) -> list[Problem]:
    """A cancelled exercise takes no more participants."""
    if cancelled_on is None:
        return []
    return [("exercise", f"the exercise was cancelled on {cancelled_on.isoformat()}: it "
                         "takes no participants")]


def finding_cancelled(cancelled_on: date | None) -> list[Problem]:
    """A cancelled exercise was not held: it has no after-action review, so no finding is
    recorded on it (Armenia's cancellation, as host, of the CRRF exercise planned on its
    territory for 2023: nothing was played to review)."""
    if cancelled_on is None:
        return []
    return [("exercise", f"the exercise was cancelled on {cancelled_on.isoformat()}: it "
                         "was not held and has no after-action findings")]
