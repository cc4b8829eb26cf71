"""The crisis's response card (`domain/crisis/card.py`) from its records: the official
request, the stage history, the decided deployment, the UN notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from phalanx.domain.crisis import card
from phalanx.domain.crisis.workflow import MILITARY, Measure, Stage
from phalanx.domain.organization import Organization
from phalanx.services import plans_in_force as in_force
from phalanx.services.clock import aware


class MarkOut(BaseModel):
    measure: str
    elapsed_minutes: float | None
    target_minutes: float | None
    verdict: str  # met, missed, open, overdue, no target


def _deployment(conn: Connection, crisis_id: int, at: datetime
                ) -> tuple[bool, datetime | None, datetime | None]:
    """Whether the crisis has a decided plan, when its first unit arrived, and when the
    deployment was complete (every requirement covered, every unit arrived)."""
    plan = in_force.decided(conn, crisis_id)
    if plan is None:
        return False, None, None
    start = aware(plan.starts_at)
    arrivals = sorted(start + timedelta(hours=float(m["arrive_h"]))
                      for m in plan.movements if m["crisis_id"] == crisis_id)
    arrived = [a for a in arrivals if a <= at]
    first = arrived[0] if arrived else None
    uncovered = [u for u in plan.uncovered if u.get("crisis_id", crisis_id) == crisis_id]
    full = arrivals[-1] if arrivals and not uncovered and arrivals[-1] <= at else None
    return True, first, full


def withdrawal_span(conn: Connection, crisis_id: int, at: datetime
                    ) -> tuple[datetime | None, datetime | None]:
    """When the decided withdrawal started (the first unit left) and ended (the last unit
    was home), as far as `at` has reached."""
    plan = in_force.decided(conn, crisis_id, "withdrawal")
    if plan is None or not plan.movements:
        return None, None
    start = aware(plan.starts_at)
    first = start + timedelta(hours=min(float(m["depart_h"]) for m in plan.movements))
    last = start + timedelta(hours=max(float(m["arrive_h"]) for m in plan.movements))
    return (first if first <= at else None), (last if last <= at else None)


def response_card(conn: Connection, org: Organization, row: Any,
                  history: list[tuple[Stage, datetime]], requested_at: datetime | None,
                  un_sent: datetime | None, un_applies: bool, at: datetime,
                  un_due: datetime | None = None) -> list[MarkOut]:
    """The card's marks: consultations from the first report (Treaty art. 2: at once, no
    request needed), the others from the request, else the report. The notice to the UN
    Security Council, once opened (with the decision, whose measures it reports), is
    judged by its own due time, counted here from the request: the card and the notice
    say the same."""
    reported = aware(row.reported_at)
    start = requested_at or reported

    def entered(stage: Stage) -> datetime | None:
        return next((aware(when) for s, when in history if s is stage), None)

    planned, first_unit, full = _deployment(conn, row.id, at)
    leaves, home = withdrawal_span(conn, row.id, at)
    reached = {"consultations": entered(Stage.CONSULTATIONS),
               "decision": entered(Stage.DECISION),
               # a decided plan says when its first unit lands: entering the deployed
               # stage (units committed) does not put one on the ground
               "first_unit": first_unit if planned else entered(Stage.DEPLOYED),
               "full_deployment": full, "un_notification": un_sent,
               "withdrawal_start": leaves, "withdrawal_end": home,
               "closing": entered(Stage.CLOSED)}
    applies = frozenset(card.MEASURES) - (frozenset() if un_applies
                                          else frozenset({"un_notification"}))
    if not MILITARY & {Measure(m) for m in row.measures}:
        applies -= card.WITHDRAWAL
    targets = {k: int(v) for k, v in org.settings.get("response_targets", {}).items()}
    if un_due is not None:
        targets["un_notification"] = max(0, int((un_due - start).total_seconds() // 60))
    return [MarkOut(measure=m.measure,
                    elapsed_minutes=m.elapsed.total_seconds() / 60 if m.elapsed else (
                        0.0 if m.elapsed is not None else None),
                    target_minutes=m.target.total_seconds() / 60 if m.target else None,
                    verdict=m.verdict)
            for m in card.card(start, reached, targets, at, applies, reported,
                               ended=entered(Stage.NO_ACTION) or entered(Stage.REJECTED))]
