"""Flying and checking: how a unit moves by ground or by air (its loads shared among
one or several aircraft), when and where each aircraft is free, and the checker that
recomputes every constraint of a plan independently of the planner. Each aircraft flies
one sortie at a time; a sortie leaves only once the unit is ready; every loaded leg is
within range (an empty ferry beyond range stops to refuel, a setting). Aircraft load a
unit where it boards and land for a requirement where it lands (`boarding.py`); a unit
flown arrives when its last load has landed and it has gone on by ground from there.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import pairwise

from phalanx.domain.forces.apron import Aprons, crowded, landings
from phalanx.domain.forces.model import (
    EPS,
    REFUEL_H,
    ROAD_FACTOR,
    ROAD_KMH,
    Aircraft,
    Movement,
    Plan,
    Point,
    Problem,
    Requirement,
    Sortie,
    Unit,
    distance_km,
    objective,
)


def ground_hours(problem: Problem, unit: Unit, req: Requirement) -> float:
    """Ground movement time: the listed time between the two nodes when there is one
    (what the road or rail takes, longer or shorter than the estimate), otherwise road
    over the great-circle distance stretched by the road factor."""
    if unit.garrison and req.node:
        if unit.garrison == req.node:
            return 0.0
        listed = problem.ground_times.get((unit.garrison, req.node))
        if listed is not None:
            return listed
    return distance_km(unit.home, req.place) * ROAD_FACTOR / ROAD_KMH


def road_arrival(unit: Unit, req: Requirement, problem: Problem | None = None) -> float:
    hours = (ground_hours(problem, unit, req) if problem is not None
             else distance_km(unit.home, req.place) * ROAD_FACTOR / ROAD_KMH)
    return unit.readiness_h + hours


def air_legs_ok(a: Aircraft, start: Point, unit: Unit, req: Requirement) -> bool:
    """The loaded leg is within range (an empty ferry beyond range stops to refuel)."""
    return distance_km(unit.lift_from, req.drop) <= a.range_km


def air_arrival(req: Requirement, landing: float) -> float:
    """When a unit whose last load lands at `landing` arrives at `req`: at once where
    aircraft land at its place, else its hours by ground from the airfield later."""
    return landing + req.lands_h


def ferry_h(a: Aircraft, frm: Point, to: Point) -> float:
    """An empty flight: beyond the aircraft's range it stops to refuel on the way."""
    return _ferry(a.speed_kmh, a.range_km, frm, to)


@lru_cache(maxsize=200_000)
def _ferry(speed_kmh: float, range_km: float, frm: Point, to: Point) -> float:
    d = distance_km(frm, to)
    stops = max(0, math.ceil(d / range_km - EPS) - 1)
    return d / speed_kmh + stops * REFUEL_H


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
    haul = distance_km(unit.lift_from, req.drop) / a.speed_kmh
    left = unit.weight_t if weight_t is None else weight_t
    while left > EPS or not out:
        depart = max(t + ferry_h(a, where, unit.lift_from), unit.lift_ready)
        arrive = depart + haul
        load = min(a.payload_t, left)
        left -= load
        out.append(Sortie(a.id, unit.id, req.id, depart, arrive, load, where))
        where, t = req.drop, arrive + a.turnaround_h
    return out, t, where


Free = dict[str, tuple[float, Point]]


class Work:
    """A count of the planner's steps (aircraft weighed for a load): a measure of effort
    that does not depend on the machine, for limits that give the same plan each time."""

    def __init__(self) -> None:
        self.steps = 0


def airlift(problem: Problem, unit: Unit, req: Requirement, free: Free,
            beat: float = math.inf, work: Work | None = None, aprons: Aprons | None = None
            ) -> tuple[float, list[Sortie], Free] | None:
    """The unit carried by air, load by load: each load goes to the aircraft that lands
    it soonest (several aircraft may share a unit). Returns the unit's arrival (its last
    load's landing, and its way on by ground from where aircraft land), the sorties, and
    when and where each aircraft used is free again; None when no aircraft can reach or
    the unit would arrive after `beat`. With `aprons` (the aircraft on the ground so far),
    a load lands at a limited airfield once a place is free (`apron.py`), its aircraft
    leaving that much later."""
    haul_km = distance_km(unit.lift_from, req.drop)
    planes = [a for a in problem.aircraft if haul_km <= a.range_km]
    if not planes:
        return None
    moved: Free = {}
    sorties: list[Sortie] = []
    left = unit.weight_t
    last = 0.0
    home, ready = unit.lift_from, unit.lift_ready
    # where an aircraft has not flown for this unit yet, its landing does not change
    # from one load to the next
    first: dict[str, float] = {}
    field = aprons.field(req.drop) if aprons else None
    own: list[tuple[float, float]] = []  # the places this unit's loads take there
    while left > EPS or not sorties:
        best: tuple[float, float, str] | None = None
        pick: Aircraft | None = None
        if work is not None:
            work.steps += len(planes)
        keys = []
        for a in planes:
            now = moved.get(a.id)
            if now is None:
                land = first.get(a.id)
                if land is None:
                    t, at = free[a.id]
                    land = first[a.id] = (max(t + ferry_h(a, at, home), ready)
                                          + haul_km / a.speed_kmh)
            else:
                t, at = now
                land = max(t + ferry_h(a, at, home), ready) + haul_km / a.speed_kmh
            key = (land, -min(a.payload_t, left), a.id)
            if field is None:
                if best is None or key < best:
                    best, pick = key, a
            else:
                keys.append((key, a))
        if field is not None:
            # a place free at the airfield: never sooner than the flight lands, and the
            # first free for an aircraft of a turnaround landing at x is the same for every
            # one of that turnaround landing from x until then (later ones land later)
            assert aprons is not None
            soonest: dict[float, float] = {}
            for key, a in sorted(keys, key=lambda k: k[0]):
                if best is not None and key[0] > best[0] + EPS:
                    break
                turn = a.turnaround_h
                if turn not in soonest:
                    soonest[turn] = aprons.first_free(field, key[0], turn, own)
                elif key[0] > soonest[turn] + EPS:
                    continue
                key = (max(key[0], soonest[turn]), *key[1:])
                if best is None or key < best:
                    best, pick = key, a
        assert best is not None and pick is not None
        land, a = best[0], pick
        if air_arrival(req, land) > beat + EPS:
            return None
        t, at = moved.get(a.id) or free[a.id]
        load = min(a.payload_t, left)
        sorties.append(Sortie(a.id, unit.id, req.id, land - haul_km / a.speed_kmh, land, load,
                              at))
        moved[a.id] = (land + a.turnaround_h, req.drop)
        if field is not None:
            own.append((land, land + a.turnaround_h))
        left -= load
        last = max(last, land)
    return air_arrival(req, last), sorties, moved


def initial_free(problem: Problem) -> Free:
    """When and where each aircraft is free once the fixed movements are flown."""
    free = {a.id: problem.start_of(a) for a in problem.aircraft}
    reqs = {r.id: r for r in problem.requirements}
    planes = {a.id: a for a in problem.aircraft}
    for m in problem.fixed:
        for s in m.sorties:
            if s.aircraft not in planes:  # withdrawn from the lift since: it flies no more
                continue
            done = s.arrive_h + planes[s.aircraft].turnaround_h
            if done > free[s.aircraft][0]:
                free[s.aircraft] = (done, reqs[s.requirement].drop)
    return free


def check(problem: Problem, p: Plan) -> list[str]:
    """Every constraint recomputed independently of the planner; empty if the plan holds."""
    errors: list[str] = []
    units = {u.id: u for u in problem.units}
    reqs = {r.id: r for r in problem.requirements}
    planes = {a.id: a for a in problem.aircraft}
    seen_units: dict[str, str] = {}
    history = {s for m in problem.fixed for s in m.sorties}  # already flown or flying
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
        if (u.id, r.bar_key) in problem.barred:
            errors.append(f"unit {u.id} may not serve {r.crisis}: "
                          f"{problem.barred[(u.id, r.bar_key)]}")
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
                    if s not in history:  # flown before it left the lift
                        errors.append(f"{r.id}: unknown aircraft {s.aircraft}")
                    continue
                if s.unit != u.id or s.requirement != r.id:
                    errors.append(f"{s.aircraft}: a sortie of {r.id} carries another unit")
                if s.load_t > a.payload_t + EPS:
                    errors.append(f"{s.aircraft}: {s.load_t} t over its payload")
                if s.depart_h + EPS < u.lift_ready:
                    errors.append(f"{s.aircraft}: leaves before {u.id} is ready")
                if not air_legs_ok(a, s.start, u, r):
                    errors.append(f"{s.aircraft}: a leg is beyond its range")
                need = distance_km(u.lift_from, r.drop) / a.speed_kmh
                if s.arrive_h - s.depart_h + EPS < need:
                    errors.append(f"{s.aircraft}: flies faster than it can")
            if m.sorties and abs(air_arrival(r, max(s.arrive_h for s in m.sorties))
                                 - m.arrive_h) > EPS:
                errors.append(f"{r.id}: arrival is not its last sortie's and its way on "
                              "by ground")
    by_plane: dict[str, list[Sortie]] = {}
    for m in p.movements:
        for s in m.sorties:
            if s.aircraft in planes:
                by_plane.setdefault(s.aircraft, []).append(s)
    for pid, sorties in by_plane.items():
        a = planes[pid]
        sorties.sort(key=lambda s: s.depart_h)
        # free for new sorties from `start_of` (its base, or where it lands from work
        # elsewhere); the movements under way may have flown before
        t0, at = problem.start_of(a)
        first = next((s for s in sorties if s not in history), None)
        if first is not None and first.depart_h + EPS < t0 + ferry_h(
                a, at, units[first.unit].lift_from):
            errors.append(f"{pid}: leaves where {first.unit} boards before it could fly there")
        for prev, nxt in pairwise(sorties):
            if (nxt is first and prev in history
                    and t0 + EPS >= prev.arrive_h + a.turnaround_h):
                continue  # flown elsewhere in between: checked from where it was free
            u = units[nxt.unit]
            ferry = ferry_h(a, reqs[prev.requirement].drop, u.lift_from)
            if nxt.depart_h + EPS < prev.arrive_h + a.turnaround_h + ferry:
                errors.append(f"{pid}: two sorties overlap ({prev.unit}, {nxt.unit})")
            if (distance_km(nxt.start, reqs[prev.requirement].drop) > 1e-3
                    and nxt not in history):  # a flight under way may follow one withdrawn
                errors.append(f"{pid}: a sortie starts away from where the last one ended")
    if problem.aprons:
        errors += crowded(problem, landings(problem, p))
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


def under_way(problem: Problem, p: Plan, now_h: float) -> tuple[Movement, ...]:
    """The movements of `p` already moving at `now_h`: a sortie has left, or the unit has
    set off for where it boards (a ground time before its first sortie), or a unit on the
    ground has set off (it is ready and goes by road); and, since a unit's loads may be
    shared among aircraft, every movement an aircraft flies before a sortie of one of
    these (its route up to that sortie is committed)."""
    units = {u.id: u for u in problem.units}
    live = [m for m in p.movements if m.unit in units and units[m.unit].available]
    kept = {id(m) for m in live
            if (min(s.depart_h for s in m.sorties) - units[m.unit].boards_h <= now_h
                if m.sorties else units[m.unit].readiness_h <= now_h)}
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
