"""The deployment planner: the model, a constructive plan (earliest-arrival greedy over
several orderings), an independent checker, lower bounds and the gap, explanations, and
repair of a plan that is already under way. The improvement by CP-SAT is in `improve.py`.

Times are hours from the start of planning. A unit moves by ground to the place (road, or
a listed rail/road time between two nodes), or by air: its loads are shared among one or
several aircraft, each flying empty from where it is to the unit's home, carrying a load
(at most its payload) and free again after its turnaround at the destination; a unit
has arrived when its last load lands. One aircraft flies one sortie at a time; a sortie
leaves only once the unit is ready; every loaded leg is within the aircraft's range. A
unit serves at most one requirement; a unit is used only where its state made it
available for that crisis and no rule bars it (`barred`).

Objective, in order: uncovered requirements, weighted crisis closure times (a crisis
closes when its last requirement arrives), lateness against needed-by, sorties.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

ROAD_KMH = 45.0  # convoy speed by road
ROAD_FACTOR = 1.3  # roads are longer than great circles
EPS = 1e-6
REFUEL_H = 1.0  # a stop to refuel on an empty ferry flight beyond range

Point = tuple[float, float]


@lru_cache(maxsize=200_000)
def distance_km(a: Point, b: Point) -> float:
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
    home: Point
    readiness_h: float
    weight_t: float
    available: bool = True  # its state made it available (for every crisis of the problem)
    garrison: str = ""  # node key of its home, for listed ground movement times


@dataclass(frozen=True)
class Requirement:
    id: str
    crisis: str
    capability: str
    strength: int
    place: Point
    needed_by_h: float
    node: str = ""  # node key of the place, when it is one


@dataclass(frozen=True)
class Aircraft:
    id: str
    kind: str
    payload_t: float
    speed_kmh: float
    range_km: float
    base: Point
    turnaround_h: float = 2.0


@dataclass(frozen=True)
class Sortie:
    aircraft: str
    unit: str
    requirement: str
    depart_h: float  # loaded, from the unit's home
    arrive_h: float
    load_t: float
    start: Point  # where the aircraft was before flying to the unit


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
    # (unit, crisis) pairs a rule or a withheld consent bars, with the reason
    barred: dict[tuple[str, str], str] = field(default_factory=dict)
    # listed ground movement times between nodes, hours: (from, to) -> hours
    ground_times: dict[tuple[str, str], float] = field(default_factory=dict)
    # where and when each aircraft is free at the start (repair); default: its base at 0
    aircraft_start: dict[str, tuple[float, Point]] = field(default_factory=dict)
    # movements already under way, kept as they are (repair)
    fixed: tuple[Movement, ...] = ()

    def start_of(self, a: Aircraft) -> tuple[float, Point]:
        return self.aircraft_start.get(a.id, (0.0, a.base))


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


def eligible(unit: Unit, req: Requirement, barred: dict[tuple[str, str], str] | None = None
             ) -> bool:
    return (unit.available and unit.capability == req.capability
            and unit.strength >= req.strength
            and not (barred and (unit.id, req.crisis) in barred))


def ground_hours(problem: Problem, unit: Unit, req: Requirement) -> float:
    """Ground movement time: the listed time between the two nodes when there is one,
    otherwise road over the great-circle distance stretched by the road factor."""
    road = distance_km(unit.home, req.place) * ROAD_FACTOR / ROAD_KMH
    if unit.garrison and req.node:
        if unit.garrison == req.node:
            return 0.0
        listed = problem.ground_times.get((unit.garrison, req.node))
        if listed is not None:
            return min(road, listed)
    return road


def road_arrival(unit: Unit, req: Requirement, problem: Problem | None = None) -> float:
    hours = (ground_hours(problem, unit, req) if problem is not None
             else distance_km(unit.home, req.place) * ROAD_FACTOR / ROAD_KMH)
    return unit.readiness_h + hours


def air_legs_ok(a: Aircraft, start: Point, unit: Unit, req: Requirement) -> bool:
    """The loaded leg is within range (an empty ferry beyond range stops to refuel)."""
    return distance_km(unit.home, req.place) <= a.range_km


def ferry_h(a: Aircraft, frm: Point, to: Point) -> float:
    """An empty flight: beyond the aircraft's range it stops to refuel on the way."""
    d = distance_km(frm, to)
    stops = max(0, math.ceil(d / a.range_km - EPS) - 1)
    return d / a.speed_kmh + stops * REFUEL_H


def trips(a: Aircraft, unit: Unit) -> int:
    """Sorties of `a` alone to carry `unit`."""
    return max(1, math.ceil(unit.weight_t / a.payload_t - EPS))


def fly(a: Aircraft, free_at: float, at: Point, unit: Unit, req: Requirement,
        weight_t: float | None = None) -> tuple[list[Sortie], float, Point] | None:
    """Sorties of one aircraft carrying `weight_t` of `unit` (all of it by default) from
    when and where it is free, with the time and place it is free again; None if the
    loaded leg is out of range."""
    if not air_legs_ok(a, at, unit, req):
        return None
    out: list[Sortie] = []
    where, t = at, free_at
    haul = distance_km(unit.home, req.place) / a.speed_kmh
    left = unit.weight_t if weight_t is None else weight_t
    while left > EPS or not out:
        depart = max(t + ferry_h(a, where, unit.home), unit.readiness_h)
        arrive = depart + haul
        load = min(a.payload_t, left)
        left -= load
        out.append(Sortie(a.id, unit.id, req.id, depart, arrive, load, where))
        where, t = req.place, arrive + a.turnaround_h
    return out, t, where


Free = dict[str, tuple[float, Point]]


class Work:
    """A count of the planner's steps (aircraft weighed for a load): a measure of effort
    that does not depend on the machine, for limits that give the same plan each time."""

    def __init__(self) -> None:
        self.steps = 0


def airlift(problem: Problem, unit: Unit, req: Requirement, free: Free,
            beat: float = math.inf, work: Work | None = None
            ) -> tuple[float, list[Sortie], Free] | None:
    """The unit carried by air, load by load: each load goes to the aircraft that lands
    it soonest (several aircraft may share a unit). Returns the last landing, the
    sorties, and when and where each aircraft used is free again; None when no aircraft
    can reach or the last load would land after `beat`."""
    haul_km = distance_km(unit.home, req.place)
    planes = [a for a in problem.aircraft if haul_km <= a.range_km]
    if not planes:
        return None
    moved: Free = {}
    sorties: list[Sortie] = []
    left = unit.weight_t
    last = 0.0
    while left > EPS or not sorties:
        best: tuple[float, float, str, Aircraft] | None = None
        if work is not None:
            work.steps += len(planes)
        for a in planes:
            t, at = moved.get(a.id) or free[a.id]
            land = max(t + ferry_h(a, at, unit.home), unit.readiness_h) + haul_km / a.speed_kmh
            key = (land, -min(a.payload_t, left), a.id, a)
            if best is None or key[:3] < best[:3]:
                best = key
        assert best is not None
        land, _load, _id, a = best
        if land > beat + EPS:
            return None
        t, at = moved.get(a.id) or free[a.id]
        load = min(a.payload_t, left)
        sorties.append(Sortie(a.id, unit.id, req.id, land - haul_km / a.speed_kmh, land, load,
                              at))
        moved[a.id] = (land + a.turnaround_h, req.place)
        left -= load
        last = max(last, land)
    return last, sorties, moved


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


def initial_free(problem: Problem) -> Free:
    """When and where each aircraft is free once the fixed movements are flown."""
    free = {a.id: problem.start_of(a) for a in problem.aircraft}
    reqs = {r.id: r for r in problem.requirements}
    planes = {a.id: a for a in problem.aircraft}
    for m in problem.fixed:
        for s in m.sorties:
            done = s.arrive_h + planes[s.aircraft].turnaround_h
            if done > free[s.aircraft][0]:
                free[s.aircraft] = (done, reqs[s.requirement].place)
    return free


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
                    lb = min(lb, u.readiness_h + distance_km(u.home, r.place) / fastest)
                opts.append((lb, u))
            opts.sort(key=lambda x: (x[0], x[1].id))
            self.by_req[r.id] = opts


def greedy(problem: Problem, order: Callable[[Requirement], object],
           cands: Candidates | None = None, work: Work | None = None) -> Plan:
    cands = cands or Candidates(problem)
    used: set[str] = {m.unit for m in problem.fixed}
    done = {m.requirement for m in problem.fixed}
    free = initial_free(problem)
    movements: list[Movement] = list(problem.fixed)
    uncovered: list[str] = []
    for req in sorted((r for r in problem.requirements if r.id not in done), key=order):
        best: tuple[float, int, Movement, Free] | None = None
        for lb, unit in cands.by_req[req.id]:
            if best is not None and lb > best[0] + EPS:
                break
            if unit.id in used:
                continue
            if work is not None:
                work.steps += 16  # weighing a unit costs about as much as 16 aircraft
            road = road_arrival(unit, req, problem)
            cand: tuple[float, int, Movement, Free]
            cand = (road, 0, Movement(req.id, unit.id, "road", road), {})
            beat = min(road, best[0] if best is not None else math.inf)
            air = airlift(problem, unit, req, free, beat, work)
            if air is not None and air[0] < road - EPS:
                cand = (air[0], len(air[1]),
                        Movement(req.id, unit.id, "air", air[0], tuple(air[1])), air[2])
            if best is None or cand[:2] < best[:2]:
                best = cand
        if best is None:
            uncovered.append(req.id)
            continue
        movements.append(best[2])
        used.add(best[2].unit)
        free.update(best[3])
    return Plan(tuple(movements), tuple(uncovered),
                objective(problem, movements, len(uncovered)))


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
    """The best of the greedy plans over several orderings (deterministic)."""
    return best_greedy(problem)[0]


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
        if (u.id, r.crisis) in problem.barred:
            errors.append(f"unit {u.id} may not serve {r.crisis}: "
                          f"{problem.barred[(u.id, r.crisis)]}")
        if u.capability != r.capability or u.strength < r.strength:
            errors.append(f"unit {u.id} cannot meet {r.id}")
        if m.mode == "road":
            if m.sorties:
                errors.append(f"{r.id}: a road movement has sorties")
            if m.arrive_h + EPS < road_arrival(u, r, problem):
                errors.append(f"{r.id}: arrives by road before it could")
        else:
            if not m.sorties:
                errors.append(f"{r.id}: an air movement without sorties")
            carried = sum(s.load_t for s in m.sorties)
            if carried + EPS < u.weight_t:
                errors.append(f"{r.id}: {carried} t carried of {u.weight_t} t")
            for s in m.sorties:
                a = planes.get(s.aircraft)
                if a is None:
                    errors.append(f"{r.id}: unknown aircraft {s.aircraft}")
                    continue
                if s.unit != u.id or s.requirement != r.id:
                    errors.append(f"{s.aircraft}: a sortie of {r.id} carries another unit")
                if s.load_t > a.payload_t + EPS:
                    errors.append(f"{s.aircraft}: {s.load_t} t over its payload")
                if s.depart_h + EPS < u.readiness_h:
                    errors.append(f"{s.aircraft}: leaves before {u.id} is ready")
                if not air_legs_ok(a, s.start, u, r):
                    errors.append(f"{s.aircraft}: a leg is beyond its range")
                need = distance_km(u.home, r.place) / a.speed_kmh
                if s.arrive_h - s.depart_h + EPS < need:
                    errors.append(f"{s.aircraft}: flies faster than it can")
            if m.sorties and abs(max(s.arrive_h for s in m.sorties) - m.arrive_h) > EPS:
                errors.append(f"{r.id}: arrival is not its last sortie's")
    history = {s for m in problem.fixed for s in m.sorties}  # already flown or flying
    by_plane: dict[str, list[Sortie]] = {}
    for m in p.movements:
        for s in m.sorties:
            if s.aircraft in planes:
                by_plane.setdefault(s.aircraft, []).append(s)
    for pid, sorties in by_plane.items():
        a = planes[pid]
        sorties.sort(key=lambda s: s.depart_h)
        t0, at = problem.start_of(a)
        first = sorties[0]
        if first.depart_h + EPS < t0 + ferry_h(a, at, units[first.unit].home):
            errors.append(f"{pid}: leaves {first.unit}'s home before it could fly there")
        for prev, nxt in pairwise(sorties):
            u = units[nxt.unit]
            ferry = ferry_h(a, reqs[prev.requirement].place, u.home)
            if nxt.depart_h + EPS < prev.arrive_h + a.turnaround_h + ferry:
                errors.append(f"{pid}: two sorties overlap ({prev.unit}, {nxt.unit})")
            if (distance_km(nxt.start, reqs[prev.requirement].place) > 1e-3
                    and nxt not in history):  # a flight under way may follow one withdrawn
                errors.append(f"{pid}: a sortie starts away from where the last one ended")
    covered = [m.requirement for m in p.movements]
    if (set(p.uncovered) | set(covered) != set(reqs) or set(p.uncovered) & set(covered)
            or len(covered) != len(set(covered))):
        errors.append("requirements are lost or counted twice")
    kept = {(m.requirement, m.unit) for m in p.movements}
    for m in problem.fixed:
        if (m.requirement, m.unit) not in kept:
            errors.append(f"{m.requirement}: a movement under way ({m.unit}) was dropped")
    recomputed = objective(problem, p.movements, len(p.uncovered))
    if recomputed.key() != p.objective.key():
        errors.append(f"the objective is {recomputed}, not {p.objective}")
    return errors


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
    closure: float  # no plan closes the crises sooner (with all requirements covered)
    uncoverable: tuple[str, ...]  # requirements no available unit can ever meet
    earliest: dict[str, float] = field(default_factory=dict)  # per requirement
    crisis_closure: dict[str, float] = field(default_factory=dict)  # per crisis
    fleet_bound: dict[str, float] = field(default_factory=dict)  # per crisis: hours, flow
    makespan: float = 0.0  # no plan closes every crisis before this (fleet-hours, all)

    def gap(self, p: Plan) -> float | None:
        """Relative gap of the closure term, when the plan covers every requirement some
        available unit can meet (the closure bound counts all of those)."""
        if (p.objective.uncovered != self.min_uncovered
                or set(p.uncovered) != set(self.uncoverable) or p.objective.closure <= 0):
            return None
        return max(0.0, (p.objective.closure - self.closure) / p.objective.closure)


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
            haul_km = distance_km(home, r.place)
            if haul_km > range_km:
                continue
            haul = haul_km / speed
            d = distance_km(at, home)
            ferry = d / speed + max(0, math.ceil(d / range_km - EPS) - 1) * REFUEL_H
            first = max(t0 + ferry, ready)
            # several aircraft may share the unit: its last load lands no sooner than one
            # sortie, and the loads take at least their share of loaded flying hours
            out.append(_AirOption(first + haul, max(haul, weight / payload * haul),
                                  weight * haul_km))
    return out


def _airlift_alone(problem: Problem, r: Requirement, units: list[Unit], beat: float) -> float:
    """The earliest the last load of any of `units` can land at `r` with the whole fleet
    free for it alone (or `beat` if none can beat it): the first time at which the loads
    every aircraft can land, each after its first flight there and then one round trip
    after another, add up to the unit's weight. Exact for a unit alone, so a lower bound
    with competition; per (home, readiness) group, the group's lightest unit."""
    groups = _groups(units)
    # aircraft alike and free alike: one kind, counted (the first stands for the others)
    fleet: dict[tuple[float, float, float, float, float, Point], tuple[Aircraft, int]] = {}
    for a in problem.aircraft:
        t0, at = problem.start_of(a)
        k = (a.payload_t, a.speed_kmh, a.range_km, a.turnaround_h, t0, at)
        fleet[k] = (fleet[k][0], fleet[k][1] + 1) if k in fleet else (a, 1)
    scored = []
    for (home, ready), weight in groups.items():
        haul_km = distance_km(home, r.place)
        soonest = min((max(t0 + distance_km(at, home) / speed, ready) + haul_km / speed
                       for (_p, speed, range_km, _t, t0, at) in fleet if haul_km <= range_km),
                      default=math.inf)
        scored.append((soonest, home, ready, weight))
    scored.sort(key=lambda x: x[0])
    best = beat
    for soonest, home, ready, weight in scored:
        if soonest >= best - EPS:
            break
        haul_km = distance_km(home, r.place)
        landings: list[tuple[float, float]] = []  # (time, tonnes landed then)
        for (payload, speed, range_km, turn, t0, at), (a, count) in fleet.items():
            if haul_km > range_km:
                continue
            land = max(t0 + ferry_h(a, at, home), ready) + haul_km / speed
            cycle = turn + ferry_h(a, r.place, home) + haul_km / speed
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
    return best


Curve = tuple[list[float], list[float], list[float]]  # arrivals, least hours, least t-km


def _last_infeasible(feasible: Callable[[float], bool], lo: float, hi: float) -> float:
    """Bisection of a monotone test: `lo` if it passes there, otherwise (within a
    thousandth of an hour) the latest time it fails — a lower bound on when it passes."""
    if feasible(lo):
        return lo
    for _ in range(40):
        if hi - lo < 1e-3:
            break
        mid = (lo + hi) / 2
        if feasible(mid):
            hi = mid
        else:
            lo = mid
    return lo


def _groups(units: Iterable[Unit]) -> dict[tuple[Point, float], float]:
    """Units by (home, readiness), with the least weight of each group: the lightest unit
    stands for the group in every bound."""
    groups: dict[tuple[Point, float], float] = {}
    for u in units:
        k = (u.home, u.readiness_h)
        groups[k] = min(groups.get(k, math.inf), u.weight_t)
    return groups


def _fleet_time(problem: Problem, reqs: list[Requirement], road: dict[str, float],
                air: dict[str, Curve], lo: float, hi: float) -> float:
    """The latest time T at which the fleet cannot carry, by T, every requirement in
    `reqs` that cannot arrive by ground by T (a lower bound on their last arrival): either
    the aircraft hours or the tonne-kilometres the fleet can fly by T fall short."""
    starts = [(problem.start_of(a)[0], a.payload_t * a.speed_kmh) for a in problem.aircraft]

    def feasible(t: float) -> bool:
        hours = tkm = 0.0
        for r in reqs:
            if road[r.id] <= t + EPS:
                continue
            arrivals, busy, loads = air[r.id]
            i = bisect_right(arrivals, t + EPS)
            if i == 0:
                return False
            hours += busy[i - 1]
            tkm += loads[i - 1]
        return (hours <= sum(max(0.0, t - s) for s, _c in starts) + EPS
                and tkm <= sum(c * max(0.0, t - s) for s, c in starts) + EPS)

    return _last_infeasible(feasible, lo, hi)


class _Waves:
    """What the fleet can land by a time T, for the flow bound: per aircraft and
    requirement, the (first landing, round trip) of each home group that is not beaten on
    both, and the first landing there and the shortest time between two landings (haul
    and turnaround) from any home."""

    def __init__(self, problem: Problem, reqs: list[Requirement],
                 cands: dict[str, list[Unit]]) -> None:
        self.free = initial_free(problem)
        self.planes = list(problem.aircraft)
        self.pair: dict[tuple[str, str], list[tuple[float, float]]] = {}
        self.first: dict[tuple[str, str], float] = {}
        self.cycle: dict[tuple[str, str], float] = {}
        for r in reqs:
            groups = _groups(cands.get(r.id, ()))
            for a in self.planes:
                t0, at = self.free[a.id]
                waves = []
                for home, ready in groups:
                    haul_km = distance_km(home, r.place)
                    if haul_km > a.range_km:
                        continue
                    haul = haul_km / a.speed_kmh
                    land = max(t0 + ferry_h(a, at, home), ready) + haul
                    waves.append((land, haul + a.turnaround_h + ferry_h(a, r.place, home)))
                    k = (a.id, r.id)
                    self.first[k] = min(self.first.get(k, math.inf), land)
                    self.cycle[k] = min(self.cycle.get(k, math.inf), haul + a.turnaround_h)
                waves.sort()
                kept: list[tuple[float, float]] = []
                for land, cycle in waves:  # earliest first: keep those with a shorter trip
                    if not kept or cycle < kept[-1][1]:
                        kept.append((land, cycle))
                if kept:
                    self.pair[(a.id, r.id)] = kept

    @staticmethod
    def count(t: float, first: float, cycle: float) -> int:
        """Landings by `t`: the first, then one a round trip."""
        if first > t + EPS:
            return 0
        return 1 + (math.floor((t - first) / cycle + EPS) if cycle > EPS else 10**6)


def _flow_time(problem: Problem, reqs: list[Requirement], cands: dict[str, list[Unit]],
               waves: _Waves, road: dict[str, float], fixed: dict[str, Movement],
               lo: float, hi: float) -> float:
    """The latest time T at which the fleet cannot land, by T, a unit for every
    requirement in `reqs` that no unit reaches by ground by T (a lower bound on their last
    arrival). A maximum flow of tonnes: each aircraft lands at most as many loads as it
    can fly by T in all, at each requirement as many as it can fly there by T from the
    best home, and each requirement needs its lightest unit's weight (capacities rounded
    up, needs down: the flow never falls short where a plan exists)."""
    if not reqs or not problem.aircraft:
        return lo
    from ortools.graph.python import max_flow

    lightest = {r.id: min((u.weight_t for u in cands.get(r.id, ())), default=0.0)
                for r in reqs}
    planes = waves.planes
    index = {a.id: 1 + i for i, a in enumerate(planes)}
    sink = 1 + len(planes) + len(reqs)

    def feasible(t: float) -> bool:
        flow = max_flow.SimpleMaxFlow()
        need = 0
        needy: list[str] = []
        for j, r in enumerate(reqs):
            if r.id in fixed:
                if fixed[r.id].arrive_h > t + EPS:
                    return False
                continue
            if road[r.id] <= t + EPS:
                continue
            tenths = math.floor(lightest[r.id] * 10 + EPS)
            if tenths <= 0:
                continue
            node = 1 + len(planes) + j
            flow.add_arc_with_capacity(node, sink, tenths)
            need += tenths
            needy.append(r.id)
            for a in planes:
                kept = waves.pair.get((a.id, r.id))
                if not kept:
                    continue
                n = max(_Waves.count(t, land, cycle) for land, cycle in kept)
                if n:
                    flow.add_arc_with_capacity(index[a.id], node,
                                               math.ceil(n * a.payload_t * 10 - EPS))
        if need == 0:
            return True
        for a in planes:  # its landings at the requirements still in need, all told
            first = min((waves.first[(a.id, rid)] for rid in needy
                         if (a.id, rid) in waves.first), default=math.inf)
            if first < math.inf:
                cycle = min(waves.cycle[(a.id, rid)] for rid in needy
                            if (a.id, rid) in waves.cycle)
                n = _Waves.count(t, first, cycle)
                if n:
                    flow.add_arc_with_capacity(0, index[a.id],
                                               math.ceil(n * a.payload_t * 10 - EPS))
        flow.solve(0, sink)
        return bool(flow.optimal_flow() >= need)

    return _last_infeasible(feasible, lo, hi)


ORDER_BOUND_CRISES = 8  # the order bound looks at every subset of the crises: up to 2^8


def _order_bound(problem: Problem, by_crisis: dict[str, list[Requirement]],
                 close: dict[str, float], cands: dict[str, list[Unit]], waves: _Waves,
                 road: dict[str, float], fixed: dict[str, Movement]) -> float:
    """Whatever order the crises close in, the j-th to close waits for everything the
    first j need: by its closure the fleet has landed all their units (the flow bound
    over their requirements together). The least weighted closure over every order, by
    dynamic programming over the subsets of crises."""
    crises = sorted(by_crisis)
    weight = problem.crisis_weight
    best: dict[int, float] = {0: 0.0}
    for mask in range(1, 1 << len(crises)):
        members = [c for i, c in enumerate(crises) if mask >> i & 1]
        reqs = [r for c in members for r in by_crisis[c]]
        lo = max(close[c] for c in members)
        hi = max(lo, max(road[r.id] for r in reqs))
        together = _flow_time(problem, reqs, cands, waves, road, fixed, lo, hi)
        best[mask] = min(best[mask & ~(1 << i)] + weight.get(c, 1.0) * max(close[c], together)
                         for i, c in enumerate(crises) if mask >> i & 1)
    return best[(1 << len(crises)) - 1]


def bounds(problem: Problem) -> Bounds:
    """Lower bounds: coverage by exact matching; closure from each requirement's earliest
    possible arrival with nothing competing for units or aircraft, raised by the
    fleet-hours bound (by time T the fleet has flown at most its hours up to T) and the
    flow bound (by time T each aircraft has landed at most so many loads, at each place
    and in all), per crisis and for all crises together; and, for up to eight crises,
    the order bound (the crises closing one after another, each waiting for the flow of
    all those before it)."""
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
    weight = problem.crisis_weight
    closure = sum(weight.get(c, 1.0) * t for c, t in close.items())
    if close and makespan > max(close.values()):
        # some crisis closes no sooner than `makespan`: raise the cheapest one
        closure += min(weight.get(c, 1.0) * (makespan - t) for c, t in close.items())
    if 1 < len(by_crisis) <= ORDER_BOUND_CRISES:
        closure = max(closure, _order_bound(problem, by_crisis, close, cand_units, waves,
                                            road_best, fixed))
    return Bounds(len(problem.requirements) - max_coverable(problem), closure,
                  tuple(sorted(uncoverable)), earliest, close, fleet, makespan)


def input_warnings(problem: Problem) -> list[str]:
    """What the planner cannot do, said before it runs: a requirement no available unit
    can meet (with why), a place beyond the range of every aircraft."""
    out = []
    for r in problem.requirements:
        able = [u for u in problem.units if u.capability == r.capability
                and u.strength >= r.strength]
        usable = [u for u in able if eligible(u, r, problem.barred)]
        if not able:
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): no unit in the "
                       "registry has that capability and strength")
        elif not usable:
            reasons = sorted({problem.barred.get((u.id, r.crisis), "withdrawn")
                              for u in able})
            out.append(f"requirement {r.id} ({r.capability} {r.strength}): no available unit "
                       f"can meet it ({'; '.join(reasons[:3])})")
        if problem.aircraft and all(distance_km(u.home, r.place) > a.range_km
                                    for a in problem.aircraft for u in usable or able):
            out.append(f"requirement {r.id} at ({r.place[0]:.2f}, {r.place[1]:.2f}) is beyond "
                       "the range of every aircraft from every unit's home: by ground only")
    return out


# --- explanations ---------------------------------------------------------------------------


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
        elif all((u.id, r.crisis) in problem.barred for r in problem.requirements
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


# --- repair --------------------------------------------------------------------------------


def under_way(problem: Problem, p: Plan, now_h: float) -> tuple[Movement, ...]:
    """The movements of `p` already moving at `now_h`: a sortie has left, or a unit on the
    ground has set off (it is ready and goes by road); and, since a unit's loads may be
    shared among aircraft, every movement an aircraft flies before a sortie of one of
    these (its route up to that sortie is committed)."""
    units = {u.id: u for u in problem.units}
    live = [m for m in p.movements if m.unit in units and units[m.unit].available]
    kept = {id(m) for m in live
            if (min(s.depart_h for s in m.sorties) <= now_h if m.sorties
                else units[m.unit].readiness_h <= now_h)}
    by_plane: dict[str, list[tuple[float, Movement]]] = {}
    for m in live:
        for s in m.sorties:
            by_plane.setdefault(s.aircraft, []).append((s.depart_h, m))
    changed = True
    while changed:
        changed = False
        for flights in by_plane.values():
            last = max((d for d, m in flights if id(m) in kept), default=None)
            if last is None:
                continue
            for d, m in flights:
                if d < last and id(m) not in kept:
                    kept.add(id(m))
                    changed = True
    return tuple(m for m in live if id(m) in kept)
