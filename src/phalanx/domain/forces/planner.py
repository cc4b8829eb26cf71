"""The deployment planner, first part: the model, a constructive plan (earliest arrival
greedy over several orderings), an independent checker, and lower bounds with the gap.

Times are hours from the start of planning. A unit moves by road to the place, or by
air: an aircraft flies empty from where it is to the unit's home, carries it (several
sorties when the unit is heavier than the payload), and is free again after its
turnaround at the destination. One aircraft flies one sortie at a time; a sortie leaves
only once the unit is ready; every leg is within the aircraft's range.

Objective, in order: uncovered requirements, weighted crisis closure times (a crisis
closes when its last requirement arrives), lateness against needed-by, sorties.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

ROAD_KMH = 45.0  # convoy speed by road
ROAD_FACTOR = 1.3  # roads are longer than great circles


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Unit:
    id: str
    state: str
    capability: str
    strength: int
    home: tuple[float, float]
    readiness_h: float
    weight_t: float
    available: bool = True  # its state made it available for this crisis


@dataclass(frozen=True)
class Requirement:
    id: str
    crisis: str
    capability: str
    strength: int
    place: tuple[float, float]
    needed_by_h: float


@dataclass(frozen=True)
class Aircraft:
    id: str
    kind: str
    payload_t: float
    speed_kmh: float
    range_km: float
    base: tuple[float, float]
    turnaround_h: float = 2.0


@dataclass(frozen=True)
class Sortie:
    aircraft: str
    unit: str
    requirement: str
    depart_h: float  # loaded, from the unit's home
    arrive_h: float
    load_t: float
    start: tuple[float, float]  # where the aircraft was before flying to the unit


@dataclass(frozen=True)
class Movement:
    requirement: str
    unit: str
    mode: str  # "road" or "air"
    arrive_h: float
    sorties: tuple[Sortie, ...] = ()


@dataclass(frozen=True)
class Problem:
    units: tuple[Unit, ...]
    requirements: tuple[Requirement, ...]
    aircraft: tuple[Aircraft, ...]
    crisis_weight: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Objective:
    uncovered: int
    closure: float  # weighted sum of crisis closure times, hours
    lateness: float  # hours past needed-by, summed
    sorties: int

    def key(self) -> tuple[int, float, float, int]:
        return (self.uncovered, round(self.closure, 6), round(self.lateness, 6), self.sorties)


@dataclass(frozen=True)
class Plan:
    movements: tuple[Movement, ...]
    uncovered: tuple[str, ...]
    objective: Objective
    method: str = "greedy"


def eligible(unit: Unit, req: Requirement) -> bool:
    return unit.available and unit.capability == req.capability and unit.strength >= req.strength


def road_arrival(unit: Unit, req: Requirement) -> float:
    return unit.readiness_h + distance_km(unit.home, req.place) * ROAD_FACTOR / ROAD_KMH


def air_legs_ok(a: Aircraft, start: tuple[float, float], unit: Unit, req: Requirement) -> bool:
    return (distance_km(start, unit.home) <= a.range_km
            and distance_km(unit.home, req.place) <= a.range_km)


def _fly(a: Aircraft, free_at: float, at: tuple[float, float], unit: Unit, req: Requirement,
         trips: int) -> tuple[list[Sortie], float, tuple[float, float]] | None:
    """Sorties of one aircraft carrying `unit`, from when it is free; None if out of range."""
    if not air_legs_ok(a, at, unit, req) or not air_legs_ok(a, req.place, unit, req):
        return None
    out: list[Sortie] = []
    where, t = at, free_at
    haul = distance_km(unit.home, req.place) / a.speed_kmh
    left = unit.weight_t
    for _ in range(trips):
        ferry = distance_km(where, unit.home) / a.speed_kmh
        depart = max(t + ferry, unit.readiness_h)
        arrive = depart + haul
        load = min(a.payload_t, left)
        left -= load
        out.append(Sortie(a.id, unit.id, req.id, depart, arrive, load, where))
        where, t = req.place, arrive + a.turnaround_h
    return out, t, where


def best_air(problem: Problem, unit: Unit, req: Requirement,
             free: dict[str, tuple[float, tuple[float, float]]]
             ) -> tuple[float, list[Sortie], dict[str, tuple[float, tuple[float, float]]]] | None:
    """The earliest arrival by air using one aircraft (the lightest that can carry it in
    the fewest sorties is tried with all others), or None."""
    best = None
    for a in problem.aircraft:
        trips = max(1, math.ceil(unit.weight_t / a.payload_t))
        t0, at = free[a.id]
        flown = _fly(a, t0, at, unit, req, trips)
        if flown is None:
            continue
        sorties, t_free, where = flown
        arrive = sorties[-1].arrive_h
        if best is None or (arrive, len(sorties)) < (best[0], len(best[1])):
            best = (arrive, sorties, {**free, a.id: (t_free, where)})
    return best


def objective(problem: Problem, movements: Iterable[Movement], uncovered: int) -> Objective:
    req = {r.id: r for r in problem.requirements}
    close: dict[str, float] = {}
    lateness = 0.0
    sorties = 0
    for m in movements:
        r = req[m.requirement]
        close[r.crisis] = max(close.get(r.crisis, 0.0), m.arrive_h)
        lateness += max(0.0, m.arrive_h - r.needed_by_h)
        sorties += len(m.sorties)
    closure = sum(problem.crisis_weight.get(c, 1.0) * t for c, t in close.items())
    return Objective(uncovered, closure, lateness, sorties)


def greedy(problem: Problem, order: Callable[[Requirement], object]) -> Plan:
    used: set[str] = set()
    free = {a.id: (0.0, a.base) for a in problem.aircraft}
    movements: list[Movement] = []
    uncovered: list[str] = []
    for req in sorted(problem.requirements, key=order):
        best: tuple[float, int, Movement, dict[str, tuple[float, tuple[float, float]]]] | None
        best = None
        for unit in problem.units:
            if unit.id in used or not eligible(unit, req):
                continue
            road = road_arrival(unit, req)
            cand = (road, 0, Movement(req.id, unit.id, "road", road), free)
            air = best_air(problem, unit, req, free)
            if air is not None and air[0] < road:
                cand = (air[0], len(air[1]), Movement(req.id, unit.id, "air", air[0],
                                                      tuple(air[1])), air[2])
            if best is None or cand[:2] < best[:2]:
                best = cand
        if best is None:
            uncovered.append(req.id)
            continue
        movements.append(best[2])
        used.add(best[2].unit)
        free = best[3]
    return Plan(tuple(movements), tuple(uncovered),
                objective(problem, movements, len(uncovered)))


ORDERINGS: dict[str, Callable[[Requirement], object]] = {
    "needed-by": lambda r: (r.needed_by_h, r.id),
    "crisis": lambda r: (r.crisis, r.needed_by_h, r.id),
    "largest": lambda r: (-r.strength, r.needed_by_h, r.id),
}


def plan(problem: Problem) -> Plan:
    """The best of the greedy plans over several orderings (deterministic)."""
    plans = [greedy(problem, order) for order in ORDERINGS.values()]
    best = min(plans, key=lambda p: p.objective.key())
    return best


# --- proof of quality ------------------------------------------------------------------------


def check(problem: Problem, p: Plan) -> list[str]:
    """Every constraint recomputed independently of the planner; empty if the plan holds."""
    errors: list[str] = []
    units = {u.id: u for u in problem.units}
    reqs = {r.id: r for r in problem.requirements}
    planes = {a.id: a for a in problem.aircraft}
    seen_units: dict[str, str] = {}
    for m in p.movements:
        u, r = units.get(m.unit), reqs.get(m.requirement)
        if u is None or r is None:
            errors.append(f"{m.requirement}: unknown unit or requirement")
            continue
        if m.unit in seen_units:
            errors.append(f"unit {m.unit} serves {seen_units[m.unit]} and {m.requirement}")
        seen_units[m.unit] = m.requirement
        if not u.available:
            errors.append(f"unit {u.id} was not made available by {u.state}")
        if u.capability != r.capability or u.strength < r.strength:
            errors.append(f"unit {u.id} cannot meet {r.id}")
        if m.mode == "road":
            if m.arrive_h + 1e-6 < road_arrival(u, r):
                errors.append(f"{r.id}: arrives by road before it could")
        else:
            carried = sum(s.load_t for s in m.sorties)
            if carried + 1e-6 < u.weight_t:
                errors.append(f"{r.id}: {carried} t carried of {u.weight_t} t")
            for s in m.sorties:
                a = planes[s.aircraft]
                if s.load_t > a.payload_t + 1e-6:
                    errors.append(f"{s.aircraft}: {s.load_t} t over its payload")
                if s.depart_h + 1e-6 < u.readiness_h:
                    errors.append(f"{s.aircraft}: leaves before {u.id} is ready")
                if not air_legs_ok(a, s.start, u, r):
                    errors.append(f"{s.aircraft}: a leg is beyond its range")
                need = distance_km(u.home, r.place) / a.speed_kmh
                if s.arrive_h - s.depart_h + 1e-6 < need:
                    errors.append(f"{s.aircraft}: flies faster than it can")
            if m.sorties and abs(max(s.arrive_h for s in m.sorties) - m.arrive_h) > 1e-6:
                errors.append(f"{r.id}: arrival is not its last sortie's")
    by_plane: dict[str, list[Sortie]] = {}
    for m in p.movements:
        for s in m.sorties:
            by_plane.setdefault(s.aircraft, []).append(s)
    for pid, sorties in by_plane.items():
        a = planes[pid]
        sorties.sort(key=lambda s: s.depart_h)
        first = sorties[0]
        if first.depart_h + 1e-6 < distance_km(a.base, units[first.unit].home) / a.speed_kmh:
            errors.append(f"{pid}: leaves {first.unit}'s home before it could fly there")
        for prev, nxt in pairwise(sorties):
            u = units[nxt.unit]
            ferry = distance_km(reqs[prev.requirement].place, u.home) / a.speed_kmh
            if nxt.depart_h + 1e-6 < prev.arrive_h + a.turnaround_h + ferry:
                errors.append(f"{pid}: two sorties overlap ({prev.unit}, {nxt.unit})")
    covered = {m.requirement for m in p.movements}
    if set(p.uncovered) | covered != set(reqs) or set(p.uncovered) & covered:
        errors.append("requirements are lost or counted twice")
    recomputed = objective(problem, p.movements, len(p.uncovered))
    if recomputed.key() != p.objective.key():
        errors.append(f"the objective is {recomputed}, not {p.objective}")
    return errors


def max_coverable(problem: Problem) -> int:
    """How many requirements can be covered at all (maximum bipartite matching)."""
    match: dict[str, str] = {}
    options = {r.id: [u.id for u in problem.units if eligible(u, r)]
               for r in problem.requirements}

    def augment(rid: str, seen: set[str]) -> bool:
        for uid in options[rid]:
            if uid in seen:
                continue
            seen.add(uid)
            if uid not in match or augment(match[uid], seen):
                match[uid] = rid
                return True
        return False

    return sum(1 for r in problem.requirements if augment(r.id, set()))


@dataclass(frozen=True)
class Bounds:
    min_uncovered: int  # proven: no plan covers more
    closure: float  # no plan closes the crises sooner (with all requirements covered)
    uncoverable: tuple[str, ...]  # requirements no available unit can ever meet

    def gap(self, p: Plan) -> float | None:
        """Relative gap of the closure term, when the coverage is optimal."""
        if p.objective.uncovered != self.min_uncovered or p.objective.closure <= 0:
            return None
        return max(0.0, (p.objective.closure - self.closure) / p.objective.closure)


def bounds(problem: Problem) -> Bounds:
    """Lower bounds: coverage by exact matching; closure from each requirement's earliest
    possible arrival with nothing competing for units or aircraft."""
    earliest: dict[str, float] = {}
    uncoverable = []
    for r in problem.requirements:
        times = []
        for u in problem.units:
            if not eligible(u, r):
                continue
            times.append(road_arrival(u, r))
            for a in problem.aircraft:
                if air_legs_ok(a, a.base, u, r) and air_legs_ok(a, r.place, u, r):
                    ferry = distance_km(a.base, u.home) / a.speed_kmh
                    times.append(max(ferry, u.readiness_h)
                                 + distance_km(u.home, r.place) / a.speed_kmh)
        if times:
            earliest[r.id] = min(times)
        else:
            uncoverable.append(r.id)
    close: dict[str, float] = {}
    for r in problem.requirements:
        if r.id in earliest:
            close[r.crisis] = max(close.get(r.crisis, 0.0), earliest[r.id])
    closure = sum(problem.crisis_weight.get(c, 1.0) * t for c, t in close.items())
    return Bounds(len(problem.requirements) - max_coverable(problem), closure,
                  tuple(sorted(uncoverable)))
