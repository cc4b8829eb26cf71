"""The time-space bound: a linear relaxation of the lift over a time grid, solved with
CLP (the COIN-OR simplex that OR-Tools bundles), that says by when a set of requirements
can at the earliest all have arrived.

Aircraft alike (payload, speed, range, turnaround) are pooled; their positions are
tracked over a grid of `step` hours: at the units' homes and at the crisis places (the
requirements of one place node together, each travel time the shortest to any of them;
where aircraft land for a place without an airfield, its loads count from when the unit
would have gone on from there by ground).
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
unit lifted on its route (what a route's loads carry from each readiness level on is a
running total down the levels, each load counted once a total). An aircraft flies empty
from any place to any home. Arcs on
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

from ortools.linear_solver import pywraplp

from phalanx.domain.forces.flying import ferry_h, road_arrival
from phalanx.domain.forces.model import (
    EPS,
    Point,
    Problem,
    Requirement,
    Unit,
    distance_km,
)
from phalanx.domain.forces.pools import aircraft_kinds, unit_classes

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
    size = model.size
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

        classes = unit_classes(reqs, cands)
        kinds = sorted(aircraft_kinds(problem).items())
        by_req = {r.id: r for r in reqs}
        # the places, one per crisis and node: a deadline each crisis its own
        where: dict[str, str] = {r.id: f"{r.crisis}@{r.node or r.place}" for r in reqs}
        crisis_at = {where[r.id]: r.crisis for r in reqs}
        pts: dict[str, list[Point]] = {}
        onward: dict[str, int] = {}  # steps by ground from where aircraft land, at least
        for r in reqs:
            pts.setdefault(where[r.id], []).append(r.drop)
            onward[where[r.id]] = min(onward.get(where[r.id], n), steps(r.lands_h))
        # the pairs that may need the air: not by ground by `lo`, and some kind lands in time
        road: dict[tuple[int, str], float] = {}
        lifts: list[tuple[int, str]] = []
        for ci, c in enumerate(classes):
            for rid in c.serves:
                road[(ci, rid)] = road_arrival(c.unit, by_req[rid], problem)
                if road[(ci, rid)] <= lo + EPS:
                    continue
                d = min(distance_km(c.home, q) for q in pts[where[rid]])
                if any(d <= key[2]
                       and steps(c.ready) + steps(d / key[1]) + onward[where[rid]] <= n
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
            for (h, p), d in routes.items():
                last[h] = max(last.get(h, -1), n - steps(d / speed) - onward[p])
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
                for t in range(max(first_dep[(h, p)], begin[h]), n - haul - onward[p] + 1):
                    v = arc(k, (h, t), (p, t + steps(d / speed + turn)))
                    # (its step: when the unit would arrive, for the deadlines)
                    self.loads.append((v, t + haul + onward[p], crisis_at[p]))
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
        # the readiness of the classes at each home: the steps from which a class's loads
        # are counted are those of the classes at its home ready no later
        at_home: dict[Point, list[float]] = {}
        for d in classes:
            at_home.setdefault(d.home, []).append(d.ready)
        for h in at_home:
            at_home[h].sort()
        # per route and level: what its loads carry from that level on, in tonnes and in
        # sorties counted by each divisor d (ceil(payload / d) each), as running totals
        # down the levels: each load is counted once a total, not once a level
        carried: dict[tuple[Point, str], dict[int, tuple[pywraplp.Variable,
                                                         dict[float, pywraplp.Variable]]]] = {}
        self.totals = 0  # their variables: not counted in the model's size (`size`)

        def totals(home: Point, place: str, lift: list[tuple[int, float, pywraplp.Variable]]
                   ) -> dict[int, tuple[pywraplp.Variable, dict[float, pywraplp.Variable]]]:
            if (home, place) in carried:
                return carried[(home, place)]
            cap = heaviest[(home, place)]
            divisors = sorted({pl for _t, pl, _v in lift})
            levels = sorted({steps(r) for r in at_home[home]})
            landing: list[list[tuple[float, pywraplp.Variable]]] = [[] for _ in levels]
            for t, payload, v in lift:  # each load in the last level at or before it
                if (i := bisect_right(levels, t) - 1) >= 0:
                    landing[i].append((payload, v))
            out = carried[(home, place)] = {}
            later: tuple[pywraplp.Variable, dict[float, pywraplp.Variable]] | None = None
            for i in range(len(levels) - 1, -1, -1):
                tonnes = s.NumVar(0.0, inf, "")
                counts = {d: s.NumVar(0.0, inf, "") for d in divisors}
                self.totals += 1 + len(divisors)
                # a total: no more than what lands from its level to the next one, and
                # the next one's total
                rows_i = [(s.Constraint(-inf, 0.0), tonnes, later and later[0], None)] + [
                    (s.Constraint(-inf, 0.0), counts[d], later and later[1][d], d)
                    for d in divisors]
                for row_i, total, after, _d in rows_i:
                    row_i.SetCoefficient(total, 1.0)
                    if after is not None:
                        row_i.SetCoefficient(after, -1.0)
                for payload, v in landing[i]:
                    rows_i[0][0].SetCoefficient(v, -min(payload, cap))
                    for row_i, _total, _after, d in rows_i[1:]:
                        row_i.SetCoefficient(v, -math.ceil(payload / d - EPS))
                out[levels[i]] = later = (tonnes, counts)
            return out

        demand: dict[tuple[Point, str, int], pywraplp.Constraint] = {}
        sorties: dict[tuple[Point, str, int], dict[float, pywraplp.Constraint]] = {}
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
                carry = totals(c.home, where[rid], lift)
                # tonnes loaded at its home for this place from each level it is ready by
                ready = at_home[c.home]
                for level in sorted({steps(r) for r in ready[:bisect_right(ready, c.ready)]}):
                    key2 = (c.home, where[rid], level)
                    if key2 not in demand:
                        tonnes, counts = carry[level]
                        demand[key2] = s.Constraint(0.0, inf)
                        demand[key2].SetCoefficient(tonnes, 1.0)
                        sorties[key2] = {}
                        for d, total in counts.items():
                            sorties[key2][d] = s.Constraint(0.0, inf)
                            sorties[key2][d].SetCoefficient(total, 1.0)
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

    @property
    def size(self) -> int:
        """The variables counted as the model's work: all but the running totals."""
        return int(self.solver.NumVariables()) - self.totals

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
