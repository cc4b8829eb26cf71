"""The clocks of a crisis: time spent in each stage against the category's target, what
is overdue, and the response scorecard. A late or missing response is shown, not
hidden: an open stage keeps counting until it is left.

No stage clock runs while forces are deployed (the mission's length is the decision's
period): what is flagged then is a mandate over with forces still out. Once the period of
the crisis's decision has ended (`authority.Mandate`), units of its decided deployment
that are still out with no decided way home are overdue (`mandate_overrun`; setting:
the decision sends the forces "for a limited period", Kazakhstan, January 2022)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from phalanx.domain.crisis.workflow import FINAL, Stage

DEFAULT_TARGETS = {"reported": 60}  # consultations within an hour of a report


@dataclass(frozen=True)
class StageClock:
    stage: Stage
    entered: datetime
    left: datetime | None
    elapsed: timedelta
    target: timedelta | None
    overdue: bool

    @property
    def overdue_by(self) -> timedelta:
        if self.target is None or not self.overdue:
            return timedelta(0)
        return self.elapsed - self.target


@dataclass(frozen=True)
class Scorecard:
    to_consultations: timedelta | None
    to_decision: timedelta | None
    to_first_offer: timedelta | None
    to_first_deployment: timedelta | None


def stage_clocks(history: list[tuple[Stage, datetime]], targets: dict[str, int],
                 now: datetime) -> list[StageClock]:
    """`history`: (stage entered, when), in order. `targets`: minutes allowed in a stage
    before the next is reached, keyed by stage name."""
    merged = {**DEFAULT_TARGETS, **targets}
    out = []
    for i, (stage, entered) in enumerate(history):
        left = history[i + 1][1] if i + 1 < len(history) else None
        end = left or (entered if stage in FINAL else now)
        elapsed = end - entered
        minutes = merged.get(stage.value)
        target = timedelta(minutes=minutes) if minutes is not None else None
        out.append(StageClock(stage, entered, left, elapsed, target,
                              target is not None and stage not in FINAL and elapsed > target))
    return out


def scorecard(history: list[tuple[Stage, datetime]], first_offer: datetime | None
              ) -> Scorecard:
    if not history:
        return Scorecard(None, None, None, None)
    start = history[0][1]

    def first(stage: Stage) -> timedelta | None:
        return next((at - start for s, at in history if s is stage), None)

    return Scorecard(first(Stage.CONSULTATIONS), first(Stage.DECISION),
                     first_offer - start if first_offer else None, first(Stage.DEPLOYED))


def mandate_overrun(ends_at: datetime | None, units_out: int, now: datetime
                    ) -> timedelta | None:
    """How long the decision's mandate has been over while `units_out` units of the
    decided deployment are still out with no decided way home (None: nothing to flag: no
    period, the period still running, or no unit out)."""
    if ends_at is None or units_out <= 0 or now < ends_at:
        return None
    return now - ends_at


def urgency(severity: str, overdue_by: timedelta) -> tuple[int, float]:
    """A sort key for the board: most severe first, then most overdue."""
    rank = {"extreme": 0, "severe": 1, "moderate": 2, "minor": 3}.get(severity.lower(), 4)
    return rank, -overdue_by.total_seconds()
