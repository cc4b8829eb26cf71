"""The time-space bound: a linear relaxation of the lift over a time grid, solved with
CLP (the COIN-OR simplex that OR-Tools bundles), that says by when a set of requirements
can at the earliest all have arrived.

Aircraft alike (payload, speed, range, turnaround) are pooled; their positions are
tracked over a grid of `step` hours: at the units' homes and at the crisis places (the
requirements of one place node together, each travel time the shortest to any of them).
An aircraft waits, flies empty from its start or a place to a home, or flies loaded from
a home to a place and turns around there. Every duration is rounded down to whole steps
and every readiness to the step it falls in, so that every plan maps onto the grid: the
relaxation never rules out what a plan can do. Units alike (home, readiness, garrison,
and the requirements of the set they may serve) are pooled with their lightest weight;
each requirement takes a unit (fractions allowed), each unit serves at most one, by
ground when it arrives by the deadline, otherwise by the tonnes aircraft load at its home
no sooner than it is ready and land by the deadline. A load carries one unit, so each
unit lifted takes whole sorties: for every payload d flying its route, the sorties
counted ceil(payload / d) each number at least ceil(weight / d) (a unit of 50 t takes two
sorties of 40 t, or one of 100 t), and a sortie counts no more tonnes than the heaviest
unit lifted on its route. An aircraft flies empty from any place to any home. Arcs on
which an aircraft can never be (before it can reach their start) or that lead nowhere a
load can still leave from are left out: the relaxation is the same, its model smaller.
When even the relaxation cannot cover every requirement by a deadline, no plan can.

The grid's size and the number of solves are counted (`LpWork`), not timed, so that the
bound is the same on every machine."""

from __future__ import annotations

import math
import time
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from phalanx.domain.forces.flying import ferry_h, road_arrival
from phalanx.domain.forces.model import (
    EPS,
    Aircraft,
    Point,
    Problem,
    Requirement,
    Unit,
    distance_km,
)

STEPS = 96  # grid steps up to the latest deadline looked at
FINER = (1, 2, 3, 4)  # then two, three and four times as many, while the work lasts
FINE_VARS = 60_000  # no finer grid for a model with more variables than this
# the simplex: CLP re-solves these models from the last basis about five times faster
# than GLOP (operational's bound with the same work: 76 s against 385 s), same answers
LP_SOLVER = "CLP"
MISS = 1e-3  # a relaxation missing less than this of a requirement counts as covering it


class LpWork:
    """Work left for the time-space bound, in variable-solves (a model's variables, once
    for each solve): a limit that gives the same bound on every machine. `until` (a
    `time.perf_counter()` instant) is a safety net for a run the user waits on: past it no
    solve is granted, as when the work has run out (every bound stays valid)."""

    def __init__(self, budget: int, until: float = math.inf) -> None:
        self.left = budget
        self.until = until
        self.short = False  # a solve was refused for want of work

    def spend(self, n: int) -> bool:
        if self.left < n or (self.until < math.inf and time.perf_counter() > self.until):
            self.short = True
            return False
        self.left -= n
        return True


@dataclass(frozen=True)
class _Class:
    home: Point
    ready: float
    weight: float  # the lightest of the class
    count: int
    unit: Unit  # one of them, for the ground time
    serves: tuple[str, ...]  # the requirements of the set they may serve
    heaviest: float = math.inf  # the heaviest of the class


def _classes(reqs: list[Requirement], cands: dict[str, list[Unit]]) -> list[_Class]:
    serves: dict[str, list[str]] = {}
    units: dict[str, Unit] = {}
    for r in reqs:
        for u in cands.get(r.id, ()):
            serves.setdefault(u.id, []).append(r.id)
            units[u.id] = u
    grouped: dict[tuple[object, ...], list[Unit]] = {}
    for uid, rids in serves.items():
        u = units[uid]
        grouped.setdefault((u.home, u.readiness_h, u.garrison, tuple(rids)), []).append(u)
    return [_Class(k[0], k[1], min(u.weight_t for u in us), len(us),  # type: ignore[arg-type]
                   min(us, key=lambda u: u.id), k[3],  # type: ignore[arg-type]
                   max(u.weight_t for u in us))
            for k, us in sorted(grouped.items(), key=lambda kv: str(kv[0]))]


def _kinds(problem: Problem) -> dict[tuple[float, float, float, float], Aircraft]:
    out: dict[tuple[float, float, float, float], Aircraft] = {}
    for a in problem.aircraft:
        out.setdefault((a.payload_t, a.speed_kmh, a.range_km, a.turnaround_h), a)
    return out


def deadline_bound(problem: Problem, reqs: list[Requirement], cands: dict[str, list[Unit]],
                   lo: float, hi: float, work: LpWork, finer: int = 1) -> float:
    """A lower bound on when every requirement of `reqs` has arrived, at least `lo`: the
    latest grid time at which the relaxation cannot cover them all (searched up to `hi`
    on a grid of `finer` times `STEPS` steps), or `lo` when the work left does not allow
    it."""
    if problem.fixed or not reqs or not problem.aircraft or hi <= lo + EPS:
        return lo
    step = max(hi / (STEPS * finer), 0.05)
    model = _Model(problem, reqs, cands, step, math.floor(hi / step + EPS), lo)
    n_lo = math.floor(lo / step + EPS)
    n_hi = model.n
    size = model.solver.NumVariables()
    if finer > 1 and size > FINE_VARS:
        return lo  # too large a model to refine: its simplex grows faster than its size
    if not work.spend(2 * size) or not model.infeasible(n_lo) or model.infeasible(n_hi):
        return lo  # covered by `lo`, or not even by `hi` (the set cannot all be covered)
    while n_hi - n_lo > 1:  # n_lo infeasible, n_hi feasible
        mid = (n_lo + n_hi) // 2
        if not work.spend(size):
            break
        if model.infeasible(mid):
            n_lo = mid
        else:
            n_hi = mid
    # infeasible with n_lo whole steps: no plan has them all by any time before n_lo + 1
    return max(lo, (n_lo + 1) * step - 1e-6)


class _Model:
    def __init__(self, problem: Problem, reqs: list[Requirement],
                 cands: dict[str, list[Unit]], step: float, n: int, lo: float = 0.0
                 ) -> None:
        self.step, self.n = step, n
        s = self.solver = pywraplp.Solver.CreateSolver(LP_SOLVER)
        if s is None:
            raise RuntimeError(f"this OR-Tools build offers no {LP_SOLVER} simplex")
        inf = s.infinity()

        def steps(h: float) -> int:
            return math.floor(h / step + EPS)

        classes = _classes(reqs, cands)
        kinds = sorted(_kinds(problem).items())
        by_req = {r.id: r for r in reqs}
        # the places, one per crisis and node: a deadline each crisis its own
        where: dict[str, str] = {r.id: f"{r.crisis}@{r.node or r.place}" for r in reqs}
        crisis_at = {where[r.id]: r.crisis for r in reqs}
        pts: dict[str, list[Point]] = {}
        for r in reqs:
            pts.setdefault(where[r.id], []).append(r.place)
        # the pairs that may need the air: not by ground by `lo`, and some kind lands in time
        road: dict[tuple[int, str], float] = {}
        lifts: list[tuple[int, str]] = []
        for ci, c in enumerate(classes):
            for rid in c.serves:
                road[(ci, rid)] = road_arrival(c.unit, by_req[rid], problem)
                if road[(ci, rid)] <= lo + EPS:
                    continue
                d = min(distance_km(c.home, q) for q in pts[where[rid]])
                if any(d <= key[2] and steps(c.ready) + steps(d / key[1]) <= n
                       for key, _a in kinds):
                    lifts.append((ci, rid))
        homes = sorted({classes[ci].home for ci, _r in lifts})
        places = sorted({where[rid] for _c, rid in lifts})
        first_dep: dict[tuple[Point, str], int] = {}
        for ci, rid in lifts:
            k2 = (classes[ci].home, where[rid])
            first_dep[k2] = min(first_dep.get(k2, n), steps(classes[ci].ready))
        # node balance rows: (kind, location, step) -> out - in <= 0
        rows: dict[tuple[int, object, int], pywraplp.Constraint] = {}

        def row(k: int, loc: object, t: int) -> pywraplp.Constraint:
            key = (k, loc, t)
            if key not in rows:
                rows[key] = s.Constraint(-inf, 0.0)
            return rows[key]

        def arc(k: int, frm: tuple[object, int] | None, to: tuple[object, int]
                ) -> pywraplp.Variable:
            v = s.NumVar(0.0, inf, "")
            if frm is not None:
                row(k, *frm).SetCoefficient(v, 1.0)
            if to[1] <= n:
                row(k, *to).SetCoefficient(v, -1.0)
            return v

        # (variable, landing step, crisis)
        self.loads: list[tuple[pywraplp.Variable, int, str]] = []
        lifted: dict[tuple[Point, str], list[tuple[int, float, pywraplp.Variable]]] = {}
        for k, (key, a) in enumerate(kinds):
            payload, speed, range_km, turn = key
            # the routes this kind can fly loaded, and the last step a load leaves each
            # home: an aircraft anywhere else, or later, can carry nothing more, so the
            # arcs that lead only there are left out (the relaxation is the same)
            routes: dict[tuple[Point, str], float] = {}
            for h in homes:
                for p in places:
                    d = min(distance_km(h, q) for q in pts[p])
                    if (h, p) in first_dep and d <= range_km:
                        routes[(h, p)] = d
            last: dict[Point, int] = {}
            for (h, _p), d in routes.items():
                last[h] = max(last.get(h, -1), n - steps(d / speed))
            back = {(p, h): steps(min(ferry_h(a, q, h) for q in pts[p]))
                    for h in last for p in places}
            # nor those before an aircraft of this kind can be there: at a home, its
            # first arrival from a start or a place; at a place, its first landing
            starts = self._starts(problem, key)
            there = {(st, h): steps(st[0]) + steps(ferry_h(a, st[1], h))
                     for st in starts for h in last}  # from each start to each home
            soonest = min(there.values(), default=n + 1)
            landed = {p: min(max(first_dep[(h, q)], soonest) + steps(d / speed + turn)
                             for (h, q), d in routes.items() if q == p)
                      for p in {p for _h, p in routes}}
            begin = {h: min([there[(st, h)] for st in starts]
                            + [landed[p] + back[(p, h)] for p in landed]) for h in last}
            for h, end in last.items():
                for t in range(begin[h], min(n, end)):
                    arc(k, (h, t), (h, t + 1))
            for p in sorted(landed):
                end = max(last[h] - back[(p, h)] for h in last)
                for t in range(landed[p], min(n, end)):
                    arc(k, (p, t), (p, t + 1))
                # empty to every home it can still load at (beyond range it refuels)
                for h in last:
                    for t in range(landed[p], last[h] - back[(p, h)] + 1):
                        arc(k, (p, t), (h, t + back[(p, h)]))
            for (h, p), d in sorted(routes.items()):
                haul = steps(d / speed)
                for t in range(max(first_dep[(h, p)], begin[h]), n - haul + 1):
                    v = arc(k, (h, t), (p, t + steps(d / speed + turn)))
                    self.loads.append((v, t + haul, crisis_at[p]))
                    lifted.setdefault((h, p), []).append((t, payload, v))
            # the aircraft of this kind at their starts: each flies to a home once
            for st, count in sorted(starts.items()):
                fleet = s.Constraint(-inf, float(count))
                for h, end in last.items():
                    if there[(st, h)] <= end:
                        fleet.SetCoefficient(arc(k, None, (h, there[(st, h)])), 1.0)
        # units: each requirement one unit (or a miss), each unit at most once
        # (var, arrival, ub, crisis)
        self.road: list[tuple[pywraplp.Variable, float, float, str]] = []
        cover = {r.id: s.Constraint(1.0, 1.0) for r in reqs}
        self.misses: list[tuple[pywraplp.Variable, str]] = []
        objective = s.Objective()
        for r in reqs:
            miss = s.NumVar(0.0, 1.0, "")
            cover[r.id].SetCoefficient(miss, 1.0)
            objective.SetCoefficient(miss, 1.0)
            self.misses.append((miss, r.crisis))
        air = set(lifts)
        # a load carries one unit: no more than the heaviest unit lifted on that route
        heaviest: dict[tuple[Point, str], float] = {}
        for ci, rid in lifts:
            k2 = (classes[ci].home, where[rid])
            heaviest[k2] = max(heaviest.get(k2, 0.0), classes[ci].heaviest)
        demand: dict[tuple[Point, str, int], pywraplp.Constraint] = {}
        # per divisor d: sum of ceil(payload / d) over the sorties >= ceil(weight / d)
        sorties: dict[tuple[Point, str, int], dict[float, pywraplp.Constraint]] = {}
        # the readiness of the classes at each home: the steps from which a class's loads
        # are counted are those of the classes at its home ready no later
        at_home: dict[Point, list[float]] = {}
        for d in classes:
            at_home.setdefault(d.home, []).append(d.ready)
        for h in at_home:
            at_home[h].sort()

        def levels(c: _Class) -> list[int]:
            ready = at_home[c.home]
            return sorted({steps(r) for r in ready[:bisect_right(ready, c.ready)]})

        for ci, c in enumerate(classes):
            once = s.Constraint(0.0, float(c.count))
            for rid in c.serves:
                x = s.NumVar(0.0, float(c.count), "")
                cover[rid].SetCoefficient(x, 1.0)
                once.SetCoefficient(x, 1.0)
                self.road.append((x, road[(ci, rid)], float(c.count), by_req[rid].crisis))
                lift = lifted.get((c.home, where[rid]))
                if (ci, rid) not in air or not lift:
                    continue
                y = s.NumVar(0.0, float(c.count), "")
                cover[rid].SetCoefficient(y, 1.0)
                once.SetCoefficient(y, 1.0)
                # tonnes loaded at its home for this place from its readiness on
                for level in levels(c):
                    key2 = (c.home, where[rid], level)
                    if key2 not in demand:
                        demand[key2] = s.Constraint(0.0, inf)
                        sorties[key2] = {d: s.Constraint(0.0, inf)
                                         for d in sorted({pl for _t, pl, _v in lift})}
                        cap = heaviest[(c.home, where[rid])]
                        for t, payload, v in lift:
                            if t >= level:
                                demand[key2].SetCoefficient(v, min(payload, cap))
                                for d, row_d in sorties[key2].items():
                                    row_d.SetCoefficient(v, math.ceil(payload / d - EPS))
                    demand[key2].SetCoefficient(y, -c.weight)
                    # each unit takes whole sorties, n_k of each payload p_k with
                    # sum p_k n_k >= weight; divided by any d and rounded up (a
                    # Chvatal-Gomory cut): sum ceil(p_k / d) n_k >= ceil(weight / d)
                    for d, row_d in sorties[key2].items():
                        row_d.SetCoefficient(y, -math.ceil(c.weight / d - EPS))
        objective.SetMinimization()
        self._index()

    @staticmethod
    def _starts(problem: Problem, key: tuple[float, float, float, float]
                ) -> dict[tuple[float, Point], int]:
        """Where and when the aircraft of one kind are free at the start, counted."""
        starts: dict[tuple[float, Point], int] = {}
        for b in problem.aircraft:
            if (b.payload_t, b.speed_kmh, b.range_km, b.turnaround_h) == key:
                st = problem.start_of(b)
                starts[st] = starts.get(st, 0) + 1
        return starts

    def infeasible(self, n_t: int | Mapping[str, int]) -> bool:
        """No cover of every requirement with each landing by step `n_t` (or by the
        step given for its crisis: past the grid, its requirements are not asked)."""
        inf = self.solver.infinity()
        for c, (lands, loads, arrivals, roads, misses) in self._by_crisis.items():
            last = n_t[c] if isinstance(n_t, Mapping) else n_t
            if isinstance(n_t, Mapping) and self._asked.get(c, 1.0) != (ask := float(
                    last <= self.n)):
                self._asked[c] = ask
                for miss in misses:
                    self.solver.Objective().SetCoefficient(miss, ask)
            was = self._open.get(c, math.inf)
            if last == was:
                continue
            self._open[c] = last
            # only what lands (or arrives) between the last solve's step and this one's
            # changes: a later deadline opens it, an earlier one closes it
            low, high = min(last, was), max(last, was)
            for i in range(bisect_right(lands, low), bisect_right(lands, high)):
                loads[i].SetUb(inf if last > was else 0.0)
            for i in range(bisect_right(arrivals, low), bisect_right(arrivals, high)):
                x, ub = roads[i]
                x.SetUb(ub if last > was else 0.0)
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return False  # not proven: count it as feasible (the bound stays valid)
        return bool(self.solver.Objective().Value() > MISS)

    def _index(self) -> None:
        """Each crisis's loads by landing step, its road movements by arrival step and its
        misses: every arc open and every miss counted, as built, until a deadline closes
        them (`infeasible` changes only what a new deadline changes)."""
        by: dict[str, tuple[list[int], list[pywraplp.Variable], list[int],
                            list[tuple[pywraplp.Variable, float]],
                            list[pywraplp.Variable]]] = {}
        for v, land, c in sorted(self.loads, key=lambda e: e[1]):  # stable: as built
            by.setdefault(c, ([], [], [], [], []))
            by[c][0].append(land)
            by[c][1].append(v)
        arrive_at = [math.floor(arrive / self.step + EPS) for _x, arrive, _u, _c in self.road]
        for k, (x, _arrive, ub, c) in sorted(zip(arrive_at, self.road, strict=True),
                                             key=lambda e: e[0]):
            by.setdefault(c, ([], [], [], [], []))
            by[c][2].append(k)
            by[c][3].append((x, ub))
        for miss, c in self.misses:
            by.setdefault(c, ([], [], [], [], []))
            by[c][4].append(miss)
        self._by_crisis = by
        self._open: dict[str, float] = {}  # each crisis's step of the last solve
        self._asked: dict[str, float] = {}  # its misses counted (1) or not (0)
