"""A run beside history. A scenario may carry a `reference:` timeline — what really
happened, with times and sources. The report puts the run's product (the scorecard the
engine recorded) and the reference side by side for every scorecard measure, and says for
both whether the stage targets would have been met.

A measure's target is the sum of the category's stage targets up to it (the algorithm's
allowance if every stage used all of its time): reaching consultations is due within the
`reported` target; the decision within `reported` + `consultations` + `assessment`; the
first deployment within those and `decision` + `response`. The first offer has no target.

The official requests are listed with their minute and, where their state withdrew one,
the minute of the withdrawal, beside the reference's `request_withdrawn` milestone.

The outcome, for the run and for the reference: "no" (nothing the affected state asked
for was given, or the crisis ended without action), "partial" (some of it), "late" (all
of it, past a target: a stage, the notice to the UN or the mandate escalated), "in_time".
A member's answer under the art. 4 obligation escalated when late is that member's, not
the response's: it does not make the response late.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from phalanx.domain.crisis.clocks import DEFAULT_TARGETS
from phalanx.domain.crisis.workflow import Stage
from phalanx.services.crises.escalation import ANSWER
from phalanx.services.exercise import Run
from phalanx.services.exercise_scenario import Scenario

MEASURES = {  # scorecard measure -> (reference milestone, stages whose targets add up)
    "to_consultations_minutes": ("consultations", ("reported",)),
    "to_decision_minutes": ("decision", ("reported", "consultations", "assessment")),
    "to_first_offer_minutes": ("first_offer", ()),
    "to_first_deployment_minutes": ("first_deployment", (
        "reported", "consultations", "assessment", "decision", "response")),
}


def outcome(run: Run) -> str:
    c = run.crisis
    assert c is not None
    if c.stage in (Stage.NO_ACTION, Stage.REJECTED):
        return "no"
    if c.requests and all(r.covered == 0 for r in c.requests):
        return "no"
    if any(r.gap > 0 for r in c.requests):
        return "partial"
    late = [e for e in c.timeline if e.kind == "escalation"
            and not (e.stage or "").startswith(f"{ANSWER}:")]
    if late or any(k.overdue for k in c.clocks):
        return "late"
    return "in_time"


def _target(targets: dict[str, int], stages: tuple[str, ...]) -> float | None:
    if not stages or any(s not in targets for s in stages):
        return None
    return float(sum(targets[s] for s in stages))


def _met(minutes: float | None, target: float | None) -> str:
    if target is None:
        return "no target"
    if minutes is None:
        return "never"
    return "met" if minutes <= target else f"missed by {minutes - target:g} min"


def _minutes(at: datetime | None, zero: datetime | None) -> float | None:
    if at is None or zero is None:
        return None
    return round((at - zero).total_seconds() / 60, 1)


def compare(scenario: Scenario, run: Run) -> dict[str, Any]:
    """The run's report, with the reference beside it when the scenario has one."""
    c = run.crisis
    assert c is not None
    targets = {**DEFAULT_TARGETS, **run.targets}
    ref = scenario.reference
    marks = {m.what: m for m in ref.milestones} if ref else {}
    zero = marks["reported"].at if "reported" in marks else None
    measures = []
    for key, (what, stages) in MEASURES.items():
        target = _target(targets, stages)
        product = run.scorecard.get(key)
        row: dict[str, Any] = {"measure": key.removesuffix("_minutes"), "target": target,
                               "product": product, "product_target": _met(product, target)}
        if ref is not None:
            m = marks.get(what)
            reference = _minutes(m.at, zero) if m else None
            row |= {"reference": reference, "reference_target": _met(reference, target),
                    "reference_note": m.text if m else "not in the reference",
                    "source": m.source if m else ""}
        measures.append(row)
    report: dict[str, Any] = {
        "scenario": run.scenario, "crisis": run.crisis_id,
        "start": run.start.isoformat() if run.start else None, "stage": run.stage,
        "escalations": run.escalations,
        "timeline": [{"minute": m, "event": e} for m, e in run.timeline],
        "scorecard": run.scorecard, "measures": measures,
        "stages": [{"stage": k.stage.value, "minutes": k.elapsed_minutes,
                    "target": k.target_minutes, "overdue": k.overdue} for k in c.clocks],
        "requests": [{"state": r.state, "resource": r.resource, "quantity": r.quantity,
                      "covered": r.covered, "gap": r.gap, "status": r.status}
                     for r in c.requests],
        "outcome": {"product": outcome(run)},
    }
    gone = marks.get("request_withdrawn")
    report["official_requests"] = [
        {"request": k, "state": q.state, "person": q.person, "article": q.article,
         "measures": [m.value for m in q.measures], "minute": _minutes(q.at, run.start),
         "withdrawn_minute": _minutes(q.withdrawn_at, run.start),
         "withdrawal_reason": q.withdrawal_reason,
         "reference_withdrawn_minute": _minutes(gone.at, zero) if gone else None}
        for k, q in enumerate(c.official_requests, 1)]
    if ref is not None:
        report["outcome"]["reference"] = ref.outcome
        report["reference"] = {
            "summary": ref.summary,
            "milestones": [{"what": m.what, "at": m.at.isoformat() if m.at else None,
                            "minute": _minutes(m.at, zero), "text": m.text,
                            "source": m.source} for m in ref.milestones]}
    return report
