"""What the planner says about its inputs and its plan: warnings before it runs (a
requirement no available unit can meet or none is left for, one that its units can reach
by ground only), and one line for each unit on why it was chosen or passed over."""

from __future__ import annotations

from collections.abc import Collection

from phalanx.domain.forces.flying import (
    road_arrival,
)
from phalanx.domain.forces.model import (
    EPS,
    Movement,
    Plan,
    Problem,
    distance_km,
    eligible,
)


def input_warnings(problem: Problem, short: Collection[str] = ()) -> list[str]:
    """What the planner cannot do, said before it runs: a requirement no available unit
    can meet (with why), or none is left for (`short`: a piece of a task whose other
    pieces took every available unit of its capability, `tasks.py`); a requirement that
    every unit able to serve it can reach by ground only (each is farther from it than
    any aircraft flies loaded)."""
    out = []
    for r in problem.requirements:
        able = [u for u in problem.units if u.capability == r.capability
                and u.strength >= r.strength]
        usable = [u for u in able if eligible(u, r, problem.barred)]
        if r.id in short:
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): every available "
                       "unit of that capability is already assigned to the other sites or "
                       "parts of the requirement")
        elif not able:
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): no unit in the "
                       "registry has that capability and strength")
        elif not usable:
            reasons = sorted({problem.barred.get((u.id, r.bar_key), "withdrawn")
                              for u in able})
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): no available unit "
                       f"can meet it ({'; '.join(reasons[:3])})")
        # (the loaded leg, from where the unit boards to where aircraft land for the
        # place, must be within range)
        if usable and problem.aircraft and all(distance_km(u.lift_from, r.drop) > a.range_km
                                               for a in problem.aircraft for u in usable):
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): every available "
                       "unit that could serve it is farther from where aircraft land for it "
                       "than any aircraft flies loaded: by ground only")
    return out


def explain(problem: Problem, p: Plan) -> dict[str, str]:
    """One line for each unit: why it was chosen, or why it was passed over."""
    reqs = {r.id: r for r in problem.requirements}
    chosen = {m.unit: m for m in p.movements}
    by_cap: dict[str, list[Movement]] = {}
    for m in p.movements:
        by_cap.setdefault(reqs[m.requirement].capability, []).append(m)
    wanted = {r.capability for r in problem.requirements}
    out: dict[str, str] = {}
    for u in problem.units:
        m = chosen.get(u.id)
        if m is not None:
            r = reqs[m.requirement]
            how = (f"by air, {len(m.sorties)} sortie(s) of "
                   + ", ".join(sorted({s.aircraft for s in m.sorties}))
                   if m.sorties else "by ground")
            late = m.arrive_h - r.needed_by_h
            when = f"{late:.1f} h late" if late > EPS else "in time"
            out[u.id] = (f"serves {r.id} ({r.capability} {r.strength}) of {r.crisis}: arrives "
                         f"at {m.arrive_h:.1f} h {how}, {when} (needed by {r.needed_by_h:.1f} h)")
            continue
        if not u.available:
            out[u.id] = f"not made available by {u.state}"
            continue
        barred = sorted({why for (uid, _c), why in problem.barred.items() if uid == u.id})
        if u.capability not in wanted:
            out[u.id] = f"no requirement asks for {u.capability}"
        elif all((u.id, r.bar_key) in problem.barred for r in problem.requirements
                 if r.capability == u.capability):
            out[u.id] = "barred: " + "; ".join(barred)
        elif all(u.strength < r.strength for r in problem.requirements
                 if r.capability == u.capability):
            need = min(r.strength for r in problem.requirements
                       if r.capability == u.capability)
            out[u.id] = f"too small: {u.strength} where at least {need} are needed"
        else:
            rivals = [m for m in by_cap.get(u.capability, ())
                      if reqs[m.requirement].strength <= u.strength]
            if rivals:
                best = min(rivals, key=lambda m: m.arrive_h)
                mine = min(road_arrival(u, reqs[m.requirement], problem) for m in rivals)
                out[u.id] = (f"passed over: {best.unit} reaches {best.requirement} at "
                             f"{best.arrive_h:.1f} h; this unit by ground at {mine:.1f} h "
                             "at the earliest")
            else:
                out[u.id] = "passed over: its requirements are covered by faster units"
    return out


def taken(problem: Problem, p: Plan) -> dict[str, list[tuple[str, str]]]:
    """Why the plan leaves a requirement uncovered that some unit could meet: every unit
    able to meet it serves another requirement of the plan (a plan leaves one uncovered
    only when none of its units is left, each reaching it by ground if not by air). For
    each such requirement, the (unit, requirement) pairs that took its units; a
    requirement no unit can meet at all is not listed (`input_warnings` says why)."""
    serving = {m.unit: m.requirement for m in p.movements}
    out: dict[str, list[tuple[str, str]]] = {}
    for r in problem.requirements:
        if r.id not in p.uncovered:
            continue
        usable = [u.id for u in problem.units if eligible(u, r, problem.barred)]
        if usable and all(uid in serving for uid in usable):
            out[r.id] = sorted((uid, serving[uid]) for uid in usable)
    return out
