"""A plan flown again with the airfields' places (`apron.py`).

The searches build plans as though no airfield were limited. Where a plan puts more
aircraft on the ground at once at a limited airfield than its places, its sorties are
flown again: each aircraft flies its own sorties in the plan's order, each as soon as it
can (from where and when it is free, once the unit is ready) and, at a limited airfield,
once a place is free; the sorties are taken in the order they would land, so that the
first to arrive takes the first free place. A unit arrives when its last load has landed
and it has gone on by ground; the movements already under way keep their times and hold
their places. A plan that keeps the rule is returned as it is.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

from phalanx.domain.forces.apron import Aprons, crowded, landings
from phalanx.domain.forces.flying import air_arrival, ferry_h, initial_free
from phalanx.domain.forces.model import Movement, Plan, Problem, Sortie, distance_km, objective


def reflow(problem: Problem, p: Plan) -> Plan:
    """`p` with its sorties flown again so that no limited airfield has more aircraft on
    the ground at once than its places; `p` itself when it has none."""
    if not problem.aprons or not crowded(problem, landings(problem, p)):
        return p
    units = {u.id: u for u in problem.units}
    reqs = {r.id: r for r in problem.requirements}
    planes = {a.id: a for a in problem.aircraft}
    fixed = set(problem.fixed)
    aprons = Aprons(problem)  # (the movements under way keep their places)
    queue: dict[str, list[Sortie]] = {}
    for m in p.movements:
        if m not in fixed:
            for s in m.sorties:
                if s.aircraft in planes:
                    queue.setdefault(s.aircraft, []).append(s)
    for sorties in queue.values():
        sorties.sort(key=lambda s: (s.depart_h, s.arrive_h), reverse=True)
    free = initial_free(problem)
    flown: dict[Sortie, Sortie] = {}

    def soonest(aid: str) -> float:
        a, s = planes[aid], queue[aid][-1]
        u, r = units[s.unit], reqs[s.requirement]
        t, at = free[aid]
        return (max(t + ferry_h(a, at, u.lift_from), u.lift_ready)
                + distance_km(u.lift_from, r.drop) / a.speed_kmh)

    heap = [(soonest(aid), aid) for aid in sorted(queue)]
    heapq.heapify(heap)
    while heap:
        land, aid = heapq.heappop(heap)
        a, s = planes[aid], queue[aid][-1]
        r = reqs[s.requirement]
        i = aprons.field(r.drop)
        if i is not None:
            free_at = aprons.first_free(i, land, a.turnaround_h)
            if free_at > land:  # no place yet: asked again when the others before it land
                heapq.heappush(heap, (free_at, aid))
                continue
            aprons.take(i, land, a.turnaround_h)
        haul = distance_km(units[s.unit].lift_from, r.drop) / a.speed_kmh
        flown[queue[aid].pop()] = replace(s, depart_h=land - haul, arrive_h=land,
                                          start=free[aid][1])
        free[aid] = (land + a.turnaround_h, r.drop)
        if queue[aid]:
            heapq.heappush(heap, (soonest(aid), aid))
    movements = []
    for m in p.movements:
        if m in fixed or not m.sorties:
            movements.append(m)
            continue
        sorties = tuple(flown.get(s, s) for s in m.sorties)
        movements.append(Movement(m.requirement, m.unit, m.mode, air_arrival(
            reqs[m.requirement], max(s.arrive_h for s in sorties)), sorties))
    return replace(p, movements=tuple(movements),
                   objective=objective(problem, movements, len(p.uncovered)))
