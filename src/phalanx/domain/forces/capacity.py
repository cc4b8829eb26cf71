"""Lower bounds from the fleet's capacity: by a time T the fleet has flown at most its
hours and tonne-kilometres (`_fleet_time`), and each aircraft has landed at most so many
loads, at each place and in all (the flow bound, `_flow_time`); the order bound takes
the crises closing one after another, each waiting for the flow of all before it."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable

from phalanx.domain.forces.flying import (
    ferry_h,
    initial_free,
)
from phalanx.domain.forces.model import (
    EPS,
    Movement,
    Point,
    Problem,
    Requirement,
    Unit,
    distance_km,
)

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
    """Units by where and when they board (`Unit.lift_from`, `lift_ready`), with the
    least weight of each group: the lightest unit stands for the group in every bound."""
    groups: dict[tuple[Point, float], float] = {}
    for u in units:
        k = (u.lift_from, u.lift_ready)
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
    both, the landing taken as when the unit would arrive (its way on by ground from where
    aircraft land added), and the first landing there and the shortest time between two
    landings (haul and turnaround) from any home."""

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
                    haul_km = distance_km(home, r.drop)
                    if haul_km > a.range_km:
                        continue
                    haul = haul_km / a.speed_kmh
                    land = max(t0 + ferry_h(a, at, home), ready) + haul
                    # at the requirement, its loads count by when the unit would arrive
                    # (all told, by when they land: no later)
                    waves.append((land + r.lands_h,
                                  haul + a.turnaround_h + ferry_h(a, r.drop, home)))
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


def _set_flows(problem: Problem, by_crisis: dict[str, list[Requirement]],
               close: dict[str, float], cands: dict[str, list[Unit]], waves: _Waves,
               road: dict[str, float], fixed: dict[str, Movement]) -> dict[int, float]:
    """For each set of crises (a bit mask over the sorted crises), the flow bound on when
    all of them can have closed."""
    crises = sorted(by_crisis)
    out: dict[int, float] = {}
    for mask in range(1, 1 << len(crises)):
        members = [c for i, c in enumerate(crises) if mask >> i & 1]
        reqs = [r for c in members for r in by_crisis[c]]
        lo = max(close[c] for c in members)
        hi = max(lo, max(road[r.id] for r in reqs))
        out[mask] = _flow_time(problem, reqs, cands, waves, road, fixed, lo, hi)
    return out


def _order_bound(problem: Problem, by_crisis: dict[str, list[Requirement]],
                 close: dict[str, float], flows: dict[int, float],
                 known: dict[frozenset[str], float] | None = None
                 ) -> tuple[float, list[frozenset[str]]]:
    """Whatever order the crises close in, the j-th to close waits for everything the
    first j need: by its closure all their requirements have arrived (the flow bound
    over them together, `flows`, or a bound `known` for that set of crises; a set closes
    no sooner than any set within it). The least weighted closure over every order, by
    dynamic programming over the subsets of crises, and the sets of crises closed first
    in an order that reaches it (the sets whose bounds decide it)."""
    crises = sorted(by_crisis)
    weight = problem.crisis_weight
    known = known or {}
    together: dict[int, float] = {}
    best: dict[int, float] = {0: 0.0}
    last: dict[int, int] = {}
    for mask in range(1, 1 << len(crises)):
        members = frozenset(c for i, c in enumerate(crises) if mask >> i & 1)
        together[mask] = max([flows[mask], known.get(members, 0.0)]
                             + [together[mask & ~(1 << i)] for i in range(len(crises))
                                if mask >> i & 1 and mask & ~(1 << i)])
        best[mask], last[mask] = min(
            (best[mask & ~(1 << i)] + weight.get(c, 1.0) * max(close[c], together[mask]), i)
            for i, c in enumerate(crises) if mask >> i & 1)
    mask = (1 << len(crises)) - 1
    prefixes: list[frozenset[str]] = []
    while mask:
        prefixes.append(frozenset(c for i, c in enumerate(crises) if mask >> i & 1))
        mask &= ~(1 << last[mask])
    return best[(1 << len(crises)) - 1], prefixes[::-1]
