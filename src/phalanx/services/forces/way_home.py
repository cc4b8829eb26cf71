"""A withdrawal plan as a reader who may not read the routes reads it
(`access.reads_routes`: an observer of a crisis released to it, the public).

Setting: such a reader reads when each unit leaves the crisis's place, which is the
crisis's, not when it is home: the way home's length (its arrival less its departure)
tells where the unit's garrison is, as a deployment's route would. So would the plan's
figures, all counted home: each crisis's closure, the objective, the greedy run, the
bound and the gap, and why each unit goes as it does ("home at 14.5 h"). They are
withheld; the movement's `arrive` is the moment it leaves the place."""

from __future__ import annotations

from phalanx.services.forces.plan_schemas import PlanOut


def leaving_only(plan: PlanOut) -> PlanOut:
    """`plan` (a withdrawal) with each movement ending where it leaves the crisis's place,
    and the figures counted home withheld (`home_withheld`)."""
    moves = []
    for m in plan.movements:
        leaves = m.depart or plan.starts_at
        moves.append(m.model_copy(update={
            "arrive": leaves, "late_h": 0.0,
            "arrive_h": (leaves - plan.starts_at).total_seconds() / 3600}))
    return plan.model_copy(update={
        "movements": moves, "closures": {}, "greedy": {}, "bound": None, "gap": None,
        "improvement": None, "explanations": {}, "optimal": False, "home_withheld": True,
        "objective": {"uncovered": len(plan.uncovered),
                      "sorties": sum(len(m.sorties) for m in moves)}})
