"""Aircraft timelines for the constructive plans of the deadline search: each aircraft's
loaded flights in time order, and a unit's loads fitted one by one into their gaps.

Rule: a load goes into the first gap of an aircraft's timeline where the aircraft can
fly (empty) to the unit's home, carry the load, turn around and still fly on to its next
flight's home in time (or after its last flight), so that one aircraft may carry loads
of several units in turn. Among the aircraft, the load takes the one that lands it by
the deadline for the fewest hours flown a tonne (empty to the unit's home, loaded,
turning around), or, when none can, the one that lands it soonest.

Where an aircraft's first gap lies depends only on its timeline, the unit's home and
readiness and where aircraft land for the requirement: it is remembered until the
timeline changes, so that the many units of one garrison weighed for one requirement
cost one look each."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from phalanx.domain.forces.flying import (
    Work,
    air_arrival,
    ferry_h,
    initial_free,
)
from phalanx.domain.forces.model import (
    EPS,
    Aircraft,
    Point,
    Problem,
    Requirement,
    Sortie,
    Unit,
    distance_km,
)


@dataclass(frozen=True)
class _Leg:
    """A loaded flight on an aircraft's timeline."""
    depart: float
    arrive: float
    home: Point  # where it loads
    place: Point  # where it lands
    unit: str
    req: str
    load: float


class Timelines:
    """Every aircraft's loaded flights in time order, from when and where it is free at the
    start (see the module's rule)."""

    def __init__(self, problem: Problem) -> None:
        self.start = initial_free(problem)
        self.legs: dict[str, list[_Leg]] = {a.id: [] for a in problem.aircraft}
        self.version = dict.fromkeys(self.legs, 0)  # how often each timeline changed
        self._ferry: dict[tuple[str, Point, Point], float] = {}
        # (aircraft, version, home, readiness, requirement) -> departure, landing, index,
        # hours flown
        self._gaps: dict[tuple[str, int, Point, float, str],
                         tuple[float, float, int, float]] = {}
        # (home, readiness, requirement) -> each aircraft's first landing, cycle, payload
        self._soonest: dict[tuple[Point, float, str], list[tuple[float, float, float]]] = {}

    def ferry(self, a: Aircraft, frm: Point, to: Point) -> float:
        key = (a.id, frm, to)
        h = self._ferry.get(key)
        if h is None:
            h = self._ferry[key] = ferry_h(a, frm, to)
        return h

    def place(self, a: Aircraft, unit: Unit, req: Requirement, legs: list[_Leg]
              ) -> tuple[float, float, int]:
        """The first gap of `legs` (the aircraft's flights) for one load of `unit`: its
        departure, landing and index."""
        home, place = unit.lift_from, req.drop
        haul = distance_km(home, place) / a.speed_kmh
        ferry = self.ferry
        t, at = self.start[a.id]
        ready, turn = unit.lift_ready, a.turnaround_h
        # the earliest a load fits before a leg, even without the empty flights
        fits = max(t, ready) + haul + turn
        for i, leg in enumerate(legs):
            # no gap before this leg when even without the empty flights it would not fit
            if fits <= leg.depart + EPS:
                dep = max(t + ferry(a, at, home), ready)
                land = dep + haul
                if land + turn + ferry(a, place, leg.home) <= leg.depart + EPS:
                    return dep, land, i
            t, at = leg.arrive + turn, leg.place
            fits = max(t, ready) + haul + turn
        dep = max(t + ferry(a, at, home), ready)
        return dep, dep + haul, len(legs)

    def gap(self, a: Aircraft, unit: Unit, req: Requirement, legs: list[_Leg] | None,
            work: Work | None) -> tuple[float, float, int, float]:
        """`place` on the aircraft's timeline (or on `legs`, a changed copy of it), with the
        hours it flies for the load; remembered for the kept timeline."""
        key = None
        if legs is None:
            key = (a.id, self.version[a.id], unit.lift_from, unit.lift_ready, req.id)
            got = self._gaps.get(key)
            if got is not None:
                if work is not None:
                    work.steps += 1
                return got
            legs = self.legs[a.id]
        if work is not None:
            work.steps += 1 + len(legs) // 4
        dep, land, i = self.place(a, unit, req, legs)
        hours = (distance_km(unit.lift_from, req.drop) / a.speed_kmh + a.turnaround_h
                 + self.ferry(a, legs[i - 1].place if i else self.start[a.id][1], unit.lift_from))
        out = (dep, land, i, hours)
        if key is not None:
            self._gaps[key] = out
        return out

    def soonest(self, problem: Problem, unit: Unit, req: Requirement, work: Work | None
                ) -> float:
        """A lower bound on when `unit` arrives by air (infinite when no aircraft is in
        range): each aircraft's first load lands no sooner than in its first gap, each
        further one a cycle (turnaround, empty back, loaded out) later, the loads so
        landing must add up to the unit's weight, and the unit goes on by ground from
        where they land."""
        key = (unit.lift_from, unit.lift_ready, req.id)
        firsts = self._soonest.get(key)
        if firsts is None:
            haul_km = distance_km(unit.lift_from, req.drop)
            firsts = self._soonest[key] = sorted(
                (self.gap(a, unit, req, None, work)[1],
                 haul_km / a.speed_kmh + a.turnaround_h + self.ferry(a, req.drop, unit.lift_from),
                 a.payload_t) for a in problem.aircraft if haul_km <= a.range_km)
        if not firsts:
            return math.inf
        left = unit.weight_t
        landings = list(firsts)  # a heap: sorted already
        while True:
            land, cycle, payload = heapq.heappop(landings)
            left -= payload
            if left <= EPS:
                return air_arrival(req, land)
            heapq.heappush(landings, (land + cycle, cycle, payload))

    def commit(self, changed: dict[str, list[_Leg]]) -> None:
        """Keep the changed timelines."""
        self._soonest.clear()
        for aid, legs in changed.items():
            self.legs[aid] = legs
            self.version[aid] += 1

    def sorties(self, problem: Problem) -> dict[str, list[Sortie]]:
        """Every flight as a sortie from where its aircraft was before it: requirement ->
        sorties."""
        out: dict[str, list[Sortie]] = {}
        for a in problem.aircraft:
            at = self.start[a.id][1]
            for leg in self.legs[a.id]:
                out.setdefault(leg.req, []).append(Sortie(a.id, leg.unit, leg.req, leg.depart,
                                                          leg.arrive, leg.load, at))
                at = leg.place
        return out


def airlift_by(problem: Problem, lines: Timelines, unit: Unit, req: Requirement,
               deadline: float, work: Work | None = None
               ) -> tuple[float, dict[str, list[_Leg]], float] | None:
    """The unit by air, load by load, each load in the first gap of the aircraft that
    lands it in time for the unit to arrive by `deadline` for the fewest hours of flying
    (empty to the unit's home, loaded, turning around), or, when none can, that lands it
    soonest. Returns the unit's arrival (its last landing and its way on by ground), the
    aircraft's new timelines (not yet kept) and the hours flown; None when no aircraft
    can reach."""
    haul_km = distance_km(unit.lift_from, req.drop)
    due = deadline - req.lands_h  # when its last load must land
    planes = [a for a in problem.aircraft if haul_km <= a.range_km]
    if not planes:
        return None
    changed: dict[str, list[_Leg]] = {}
    left = unit.weight_t
    last = 0.0
    held = 0.0
    first = True
    while left > EPS or first:
        first = False
        best: tuple[bool, float, float, float, str] | None = None
        pick: tuple[Aircraft, float, int] | None = None
        for a in planes:
            dep, land, i, hours = lines.gap(a, unit, req, changed.get(a.id), work)
            late = land > due + EPS
            key = (late, land if late else hours / min(a.payload_t, left), land,
                   -min(a.payload_t, left), a.id)
            if best is None or key < best:
                best, pick = key, (a, dep, i)
        assert best is not None and pick is not None
        a, dep, i = pick
        load = min(a.payload_t, left)
        legs = list(changed.get(a.id, lines.legs[a.id]))
        legs.insert(i, _Leg(dep, best[2], unit.lift_from, req.drop, unit.id, req.id, load))
        changed[a.id] = legs
        left -= load
        last = max(last, best[2])
        held += best[1] * load if not best[0] else math.inf
    return air_arrival(req, last), changed, held
