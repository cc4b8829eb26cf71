"""Lower bounds and the gap: coverage by a maximum matching, each requirement's
earliest arrival with nothing competing, and the capacity bounds of `capacity.py`, per
crisis and for all crises together. Every figure is a valid lower bound for every plan
of the problem."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from phalanx.domain.forces.capacity import (
    ORDER_BOUND_CRISES,
    Curve,
    _fleet_time,
    _flow_time,
    _groups,
    _order_bound,
    _set_flows,
    _Waves,
)
from phalanx.domain.forces.flying import (
    ferry_h,
    road_arrival,
)
from phalanx.domain.forces.model import (
    EPS,
    REFUEL_H,
    Aircraft,
    Plan,
    Point,
    Problem,
    Requirement,
    Unit,
    distance_km,
    eligible,
)
from phalanx.domain.forces.tighten import tighten
from phalanx.domain.forces.timespace import LpWork


def _options(problem: Problem) -> dict[str, list[str]]:
    fixed = {m.requirement: m.unit for m in problem.fixed}
    fixed_units = set(fixed.values())
    out = {}
    for r in problem.requirements:
        if r.id in fixed:
            out[r.id] = [fixed[r.id]]
        else:
            out[r.id] = [u.id for u in problem.units
                         if u.id not in fixed_units and eligible(u, r, problem.barred)]
    return out


def max_matching(problem: Problem) -> dict[str, str]:
    """A maximum matching of requirements to units (requirement -> unit): no plan covers
    more requirements than it does."""
    match: dict[str, str] = {}  # unit -> requirement
    options = _options(problem)

    def augment(rid: str, seen: set[str]) -> bool:
        for uid in options[rid]:
            if uid in seen:
                continue
            seen.add(uid)
            if uid not in match or augment(match[uid], seen):
                match[uid] = rid
                return True
        return False

    for r in sorted(problem.requirements, key=lambda r: len(options[r.id])):
        augment(r.id, set())
    return {rid: uid for uid, rid in match.items()}


def max_coverable(problem: Problem) -> int:
    return len(max_matching(problem))


@dataclass(frozen=True)
class Bounds:
    min_uncovered: int  # proven: no plan covers more
    closure: float  # weighted hours: no plan covering `counted` closes the crises sooner
    uncoverable: tuple[str, ...]  # requirements no available unit can ever meet
    earliest: dict[str, float] = field(default_factory=dict)  # per requirement
    crisis_closure: dict[str, float] = field(default_factory=dict)  # per crisis
    fleet_bound: dict[str, float] = field(default_factory=dict)  # per crisis: hours, flow
    makespan: float = 0.0  # no plan closes every crisis before this (fleet-hours, all)

    # the requirements the closure bound counts (every one some unit can meet, or those a
    # plan covers when the bound is taken over them): it holds for every plan covering
    # all of them, since covering more never closes a crisis sooner
    counted: frozenset[str] = frozenset()
    proven: str = ""  # how the plan was proven optimal, when it was

    def gap(self, p: Plan) -> float | None:
        """Relative gap of the closure term (weighted hours), when the plan covers every
        requirement the bound counts."""
        covered = {m.requirement for m in p.movements}
        if not self.counted <= covered or p.objective.closure <= 0:
            return None
        return max(0.0, (p.objective.closure - self.closure) / p.objective.closure)

    def reached(self, p: Plan) -> bool:
        """The plan reaches the bound: nothing closes the crises sooner. Not where the
        plan leaves uncovered a requirement some unit could meet: the bound is then over
        the requirements it covers, and a plan leaving out another one may close sooner."""
        gap = self.gap(p)
        return (gap is not None and p.objective.closure <= self.closure + 1e-6
                and set(p.uncovered) <= set(self.uncoverable))


@dataclass(frozen=True)
class _AirOption:
    arrive: float  # earliest arrival with this home group and aircraft, uncontested
    busy: float  # hours the aircraft is at least busy carrying the unit
    tkm: float  # tonne-kilometres flown loaded, whatever the aircraft


def _air_options(problem: Problem, r: Requirement, units: list[Unit]) -> list[_AirOption]:
    """Per (home, readiness) group and kind of aircraft: the earliest uncontested arrival,
    the loaded aircraft hours and the tonne-kilometres it takes at least (the group's
    lightest unit stands for all: each figure is a lower bound for every unit of the
    group, whichever aircraft share its loads)."""
    groups = _groups(units)
    out = []
    kinds: dict[tuple[float, float, float, float, Point], float] = {}
    for a in problem.aircraft:  # aircraft alike and free alike count once
        t0, at = problem.start_of(a)
        kinds.setdefault((a.payload_t, a.speed_kmh, a.range_km, t0, at), t0)
    for (payload, speed, range_km, t0, at) in kinds:
        for (home, ready), weight in groups.items():
            haul_km = distance_km(home, r.drop)
            if haul_km > range_km:
                continue
            haul = haul_km / speed
            d = distance_km(at, home)
            ferry = d / speed + max(0, math.ceil(d / range_km - EPS) - 1) * REFUEL_H
            first = max(t0 + ferry, ready)
            # several aircraft may share the unit: its last load lands no sooner than one
            # sortie, and the loads take at least their share of loaded flying hours
            out.append(_AirOption(first + haul + r.lands_h, max(haul, weight / payload * haul),
                                  weight * haul_km))
    return out


def _airlift_alone(problem: Problem, r: Requirement, units: list[Unit], beat: float) -> float:
    """The earliest any of `units` can arrive at `r` by air with the whole fleet free for
    it alone (or `beat` if none can beat it): the first time at which the loads every
    aircraft can land, each after its first flight there and then one round trip after
    another, add up to the unit's weight, and its way on by ground from where they land.
    Exact for a unit alone, so a lower bound with competition; per (home, readiness)
    group, the group's lightest unit."""
    groups = _groups(units)
    beat -= r.lands_h  # by when its last load must land
    # aircraft alike and free alike: one kind, counted (the first stands for the others)
    fleet: dict[tuple[float, float, float, float, float, Point], tuple[Aircraft, int]] = {}
    for a in problem.aircraft:
        t0, at = problem.start_of(a)
        k = (a.payload_t, a.speed_kmh, a.range_km, a.turnaround_h, t0, at)
        fleet[k] = (fleet[k][0], fleet[k][1] + 1) if k in fleet else (a, 1)
    scored = []
    for (home, ready), weight in groups.items():
        haul_km = distance_km(home, r.drop)
        soonest = min((max(t0 + distance_km(at, home) / speed, ready) + haul_km / speed
                       for (_p, speed, range_km, _t, t0, at) in fleet if haul_km <= range_km),
                      default=math.inf)
        scored.append((soonest, home, ready, weight))
    scored.sort(key=lambda x: x[0])
    best = beat
    for soonest, home, ready, weight in scored:
        if soonest >= best - EPS:
            break
        haul_km = distance_km(home, r.drop)
        landings: list[tuple[float, float]] = []  # (time, tonnes landed then)
        for (payload, speed, range_km, turn, t0, at), (a, count) in fleet.items():
            if haul_km > range_km:
                continue
            land = max(t0 + ferry_h(a, at, home), ready) + haul_km / speed
            cycle = turn + ferry_h(a, r.drop, home) + haul_km / speed
            for _ in range(math.ceil(weight / (payload * count) - EPS)):
                if land >= best:
                    break
                landings.append((land, payload * count))
                land += cycle
        landings.sort()
        carried = 0.0
        for land, tonnes in landings:
            carried += tonnes
            if carried + EPS >= weight:
                best = min(best, land)
                break
    return best + r.lands_h


def bounds(problem: Problem, plan: Plan | None = None, lp_work: LpWork | None = None,
           then: Callable[[], Plan] | None = None) -> Bounds:
    """Lower bounds: coverage by exact matching; closure from each requirement's earliest
    possible arrival with nothing competing for units or aircraft, raised by the
    fleet-hours bound (by time T the fleet has flown at most its hours up to T) and the
    flow bound (by time T each aircraft has landed at most so many loads, at each place
    and in all), per crisis and for all crises together; and, for up to eight crises,
    the order bound (the crises closing one after another, each waiting for the flow of
    all those before it). Given a plan and work for it, the time-space bound
    (`tighten.py`: `timespace.py`, `joint.py`) raises them, searched up to that plan's
    closures, as far as the work allows (the joint bound up to the closures of the plan
    `then` gives, when given: see `tighten`)."""
    fixed = {m.requirement: m for m in problem.fixed}
    options = _options(problem)
    units = {u.id: u for u in problem.units}
    earliest: dict[str, float] = {}
    road_best: dict[str, float] = {}
    air_curve: dict[str, Curve] = {}
    uncoverable = []
    for r in problem.requirements:
        if r.id in fixed:
            earliest[r.id] = road_best[r.id] = fixed[r.id].arrive_h
            air_curve[r.id] = ([], [], [])
            continue
        cands = [units[uid] for uid in options[r.id]]
        if not cands:
            uncoverable.append(r.id)
            continue
        road_best[r.id] = min(road_arrival(u, r, problem) for u in cands)
        air = sorted(_air_options(problem, r, cands), key=lambda o: o.arrive)
        arrivals, busy, loads, low, light = [], [], [], math.inf, math.inf
        for o in air:  # prefix minima of the aircraft hours and t-km, by arrival
            low, light = min(low, o.busy), min(light, o.tkm)
            arrivals.append(o.arrive)
            busy.append(low)
            loads.append(light)
        air_curve[r.id] = (arrivals, busy, loads)
        earliest[r.id] = _airlift_alone(problem, r, cands, road_best[r.id])
    by_crisis: dict[str, list[Requirement]] = {}
    for r in problem.requirements:
        if r.id in earliest:
            by_crisis.setdefault(r.crisis, []).append(r)
    close: dict[str, float] = {}
    fleet: dict[str, float] = {}
    cand_units = {rid: [units[uid] for uid in uids] for rid, uids in options.items()
                  if rid not in fixed}
    every = [r for rs in by_crisis.values() for r in rs]
    waves = _Waves(problem, [r for r in every if r.id not in fixed], cand_units)
    for c, reqs in by_crisis.items():
        e = max(earliest[r.id] for r in reqs)
        hi = max(e, max(road_best[r.id] for r in reqs))
        fleet[c] = _fleet_time(problem, reqs, road_best, air_curve, e, hi)
        fleet[c] = _flow_time(problem, reqs, cand_units, waves, road_best, fixed, fleet[c],
                              max(hi, fleet[c]))
        close[c] = max(e, fleet[c])
    makespan = 0.0
    if every:
        e = max(close.values())
        hi = max(e, max(road_best[r.id] for r in every))
        makespan = _fleet_time(problem, every, road_best, air_curve, e, hi)
        makespan = _flow_time(problem, every, cand_units, waves, road_best, fixed, makespan,
                              max(hi, makespan))
    flows = (_set_flows(problem, by_crisis, close, cand_units, waves, road_best, fixed)
             if 1 < len(by_crisis) <= ORDER_BOUND_CRISES else {})
    known: dict[frozenset[str], float] = {frozenset(by_crisis): makespan}
    order = _order_bound(problem, by_crisis, close, flows, known)[0] if flows else 0.0
    if plan is not None and lp_work is not None and by_crisis:
        known, tight = tighten(problem, plan, by_crisis, close, makespan, cand_units, flows,
                               lp_work, then)
        order = max(order, tight)
    every_set = frozenset(by_crisis)
    for c in close:
        close[c] = max(close[c], known.get(frozenset([c]), 0.0))
    makespan = max(makespan, known.get(every_set, 0.0))
    weight = problem.crisis_weight
    closure = sum(weight.get(c, 1.0) * t for c, t in close.items())
    if close and makespan > max(close.values()):
        # some crisis closes no sooner than `makespan`: raise the cheapest one
        closure += min(weight.get(c, 1.0) * (makespan - t) for c, t in close.items())
    closure = max(closure, order)
    return Bounds(len(problem.requirements) - max_coverable(problem), closure,
                  tuple(sorted(uncoverable)), earliest, close, fleet, makespan,
                  frozenset(earliest))
