"""The constructive plan: an earliest-arrival greedy over several orderings of the
requirements; each requirement takes the unit that arrives soonest, by ground or with its
loads shared among the aircraft that land them soonest."""

from __future__ import annotations

import math
from collections.abc import Callable

from phalanx.domain.forces.apron import Aprons
from phalanx.domain.forces.flying import (
    Free,
    Work,
    airlift,
    initial_free,
    road_arrival,
)
from phalanx.domain.forces.model import (
    EPS,
    Movement,
    Plan,
    Problem,
    Requirement,
    Unit,
    distance_km,
    eligible,
    objective,
)
from phalanx.domain.forces.reflow import reflow


class Candidates:
    """For each requirement, the units that may serve it, ordered by an optimistic
    arrival (no competition for aircraft): the greedy stops scanning once the optimistic
    arrival of the next unit is later than the best arrival found."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        fastest = max((a.speed_kmh for a in problem.aircraft), default=0.0)
        fixed_units = {m.unit for m in problem.fixed}
        self.by_req: dict[str, list[tuple[float, Unit]]] = {}
        by_cap: dict[str, list[Unit]] = {}
        for u in problem.units:
            if u.available and u.id not in fixed_units:
                by_cap.setdefault(u.capability, []).append(u)
        for r in problem.requirements:
            opts = []
            for u in by_cap.get(r.capability, ()):
                if not eligible(u, r, problem.barred):
                    continue
                lb = road_arrival(u, r, problem)
                if fastest:
                    lb = min(lb, u.lift_ready + distance_km(u.lift_from, r.drop) / fastest
                             + r.lands_h)
                opts.append((lb, u))
            opts.sort(key=lambda x: (x[0], x[1].id))
            self.by_req[r.id] = opts


def greedy(problem: Problem, order: Callable[[Requirement], object],
           cands: Candidates | None = None, work: Work | None = None) -> Plan:
    done = {m.requirement for m in problem.fixed}
    ids = [r.id for r in sorted((r for r in problem.requirements if r.id not in done),
                                key=order)]
    return Trace(problem, cands or Candidates(problem), ids, work).plan


class Trace:
    """The greedy over `ids` (the open requirements in order), with its state before each
    of them (the plan so far, the aircraft's free times, the units used, the work counted
    from the start), so that a run over an order sharing the first requirements with
    `previous` resumes where the two orders part: the same plan as a run from the start,
    the same work counted, less time."""

    def __init__(self, problem: Problem, cands: Candidates, ids: list[str],
                 work: Work | None = None, previous: Trace | None = None) -> None:
        self.ids = ids
        # before each requirement: the movements and uncovered so far, the aircraft's
        # free times, the units used, the work, and the aircraft on the ground at each
        # limited airfield (`Aprons.sizes`)
        self.states: list[tuple[int, int, Free, frozenset[str], int, tuple[int, ...]]] = []
        counted = work or Work()
        start = 0
        if previous is not None:
            common = min(len(ids), len(previous.ids))
            while start < common and ids[start] == previous.ids[start]:
                start += 1
        if previous is not None and start:
            self.states = previous.states[:start]
            n_moves, n_uncovered, free0, used0, steps, sizes = previous.states[start]
            movements = previous.movements[:n_moves]
            uncovered = previous.uncovered[:n_uncovered]
            free, used = dict(free0), set(used0)
            aprons = previous.aprons.back_to(sizes) if previous.aprons else None
            begun = counted.steps
            counted.steps += steps  # the steps the prefix took, counted again
        else:
            used = {m.unit for m in problem.fixed}
            free = initial_free(problem)
            movements = list(problem.fixed)
            uncovered = []
            # the limited airfields, with the places others take (None: none limited)
            aprons = Aprons(problem) if problem.aprons else None
            begun = counted.steps
        reqs = {r.id: r for r in problem.requirements}
        turns = {a.id: a.turnaround_h for a in problem.aircraft}
        for rid in ids[start:]:
            self.states.append((len(movements), len(uncovered), dict(free), frozenset(used),
                                counted.steps - begun, aprons.sizes() if aprons else ()))
            best = _place(problem, cands, reqs[rid], used, free, counted, aprons)
            if best is None:
                uncovered.append(rid)
                continue
            movements.append(best[2])
            used.add(best[2].unit)
            free.update(best[3])
            if aprons:
                aprons.land(reqs[rid].drop, best[2], turns)
        self.states.append((len(movements), len(uncovered), dict(free), frozenset(used),
                            counted.steps - begun, aprons.sizes() if aprons else ()))
        self.aprons = aprons
        self.movements, self.uncovered = movements, uncovered
        self.plan = Plan(tuple(movements), tuple(uncovered),
                         objective(problem, movements, len(uncovered)))


def _place(problem: Problem, cands: Candidates, req: Requirement, used: set[str],
           free: Free, work: Work, aprons: Aprons | None = None
           ) -> tuple[float, int, Movement, Free] | None:
    """The unit that arrives soonest for `req`, by ground or by air, and the aircraft's
    free times it changes (None: no unit left)."""
    best: tuple[float, int, Movement, Free] | None = None
    for lb, unit in cands.by_req[req.id]:
        if best is not None and lb > best[0] + EPS:
            break
        if unit.id in used:
            continue
        work.steps += 16  # weighing a unit costs about as much as 16 aircraft
        road = road_arrival(unit, req, problem)
        cand: tuple[float, int, Movement, Free]
        cand = (road, 0, Movement(req.id, unit.id, "road", road), {})
        beat = min(road, best[0] if best is not None else math.inf)
        air = airlift(problem, unit, req, free, beat, work, aprons)
        if air is not None and air[0] < road - EPS:
            cand = (air[0], len(air[1]),
                    Movement(req.id, unit.id, "air", air[0], tuple(air[1])), air[2])
        if best is None or cand[:2] < best[:2]:
            best = cand
    return best


ORDERINGS: dict[str, Callable[[Requirement], object]] = {
    "needed-by": lambda r: (r.needed_by_h, r.id),
    "crisis": lambda r: (r.crisis, r.needed_by_h, r.id),
    "largest": lambda r: (-r.strength, r.needed_by_h, r.id),
}


def best_greedy(problem: Problem, cands: Candidates | None = None, work: Work | None = None
                ) -> tuple[Plan, list[str]]:
    """The best of the greedy plans over several orderings, with its order of the
    requirements (deterministic)."""
    cands = cands or Candidates(problem)
    orderings = {**ORDERINGS,  # and the requirements with the fewest candidates first
                 "fewest-options": lambda r: (len(cands.by_req[r.id]), r.needed_by_h, r.id)}
    best: tuple[Plan, list[str]] | None = None
    for order in orderings.values():
        p = greedy(problem, order, cands, work)
        if best is None or p.objective.key() < best[0].objective.key():
            best = (p, [r.id for r in sorted(problem.requirements, key=order)])
    assert best is not None
    return best


def plan(problem: Problem) -> Plan:
    """The best of the greedy plans over several orderings (deterministic), flown again
    with the airfields' places where it crowds one (`reflow.py`)."""
    return reflow(problem, best_greedy(problem)[0])
