"""Improving a plan with OR-Tools CP-SAT, and repairing a plan under way.

`solve` starts from the greedy plan (a checked plan at once), then gives CP-SAT the
assignment as an integer program (each requirement to one unit, by ground or by one
aircraft; each unit at most once; as many requirements covered as a maximum matching
proves possible) and the schedule of every aircraft: the options it may fly are optional
intervals with no overlap, ordered by a circuit whose arcs carry the exact empty flight
between one delivery and the next pick-up. The model is hinted with the greedy plan.
Every solution CP-SAT finds is flown again (`fly`), checked, and kept when better: the
best checked plan so far is available at any moment through `on_plan`.

The model counts in whole minutes, rounded up: flying its order exactly lands at the
same times or a little earlier. Its choices are limited to the most promising units per
requirement and options per aircraft (sizes scale with the instance); the lower bounds
of `planner.bounds` are computed over everything, so the reported gap is honest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from ortools.sat.python import cp_model

from phalanx.domain.forces.planner import (
    EPS,
    Aircraft,
    Bounds,
    Candidates,
    Movement,
    Plan,
    Point,
    Problem,
    Requirement,
    Unit,
    air_legs_ok,
    bounds,
    check,
    distance_km,
    ferry_h,
    fly,
    initial_free,
    max_matching,
    objective,
    plan,
    road_arrival,
    trips,
    under_way,
)

MIN = 60  # the model counts in minutes
ARCS = 24_000  # the sequence model's size: arcs over all aircraft


@dataclass(frozen=True)
class Result:
    plan: Plan
    greedy: Plan
    bounds: Bounds
    status: str  # what CP-SAT said: OPTIMAL, FEASIBLE, UNKNOWN, or "greedy only"
    seconds: float
    improvements: int
    problem: Problem  # as solved (a repair fixes what is moving)
    rounds: int = 0  # CP-SAT runs, each over wider choices than the one before

    @property
    def gap(self) -> float | None:
        return self.bounds.gap(self.plan)


@dataclass(frozen=True)
class _Option:
    req: Requirement
    unit: Unit
    aircraft: Aircraft | None  # None: by ground
    arrive: int = 0  # by ground: minutes
    block: int = 0  # by air: minutes from the first loaded departure to free again
    to_arrival: int = 0  # by air: minutes from the first departure to the last arrival
    earliest_dep: int = 0  # by air: not before the unit is ready and the aircraft there
    sorties: int = 0


def _minutes(h: float) -> int:
    return math.ceil(h * MIN - EPS)


def _alone(problem: Problem, free: dict[str, tuple[float, Point]], u: Unit, r: Requirement
           ) -> float:
    """The unit's earliest arrival with every aircraft free for it alone."""
    best = road_arrival(u, r, problem)
    haul_km = distance_km(u.home, r.place)
    for a in problem.aircraft:
        if haul_km > a.range_km:
            continue
        t0, at = free[a.id]
        n, haul = trips(a, u), haul_km / a.speed_kmh
        first = max(t0 + ferry_h(a, at, u.home), u.readiness_h)
        best = min(best, first + n * haul + (n - 1) * (a.turnaround_h + haul))
    return best


def _build_options(problem: Problem, greedy_plan: Plan, units_per_req: int,
                   aircraft_per_pair: int, per_aircraft: int) -> list[_Option]:
    cands = Candidates(problem)
    free = initial_free(problem)
    done = {m.requirement for m in problem.fixed}
    matching = max_matching(problem)
    in_greedy = {m.requirement: m for m in greedy_plan.movements}
    units = {u.id: u for u in problem.units}
    out: list[_Option] = []
    for r in problem.requirements:
        if r.id in done:
            continue
        # the units that arrive soonest on their own, among the most promising by bound
        pool = [u for _lb, u in cands.by_req[r.id][:units_per_req * 6]]
        keep = sorted(pool, key=lambda u: (_alone(problem, free, u, r), u.id))[:units_per_req]
        extra = [matching.get(r.id), in_greedy[r.id].unit if r.id in in_greedy else None]
        for uid in extra:
            if uid and units[uid] not in keep:
                keep.append(units[uid])
        g = in_greedy.get(r.id)
        for u in keep:
            out.append(_Option(r, u, None, arrive=_minutes(road_arrival(u, r, problem))))
            scored = []
            for a in problem.aircraft:
                t0, at = free[a.id]
                if not air_legs_ok(a, at, u, r):
                    continue
                n = trips(a, u)
                haul = distance_km(u.home, r.place) / a.speed_kmh
                first = max(t0 + ferry_h(a, at, u.home), u.readiness_h)
                scored.append((first + n * haul + (n - 1) * (a.turnaround_h + haul), a.id, a))
            scored.sort(key=lambda x: (x[0], x[1]))
            chosen = [a for _t, _id, a in scored[:aircraft_per_pair]]
            if g is not None and g.unit == u.id and g.sorties:
                a = next(a for a in problem.aircraft if a.id == g.sorties[0].aircraft)
                if a not in chosen:
                    chosen.append(a)
            for a in chosen:
                n = trips(a, u)
                haul = distance_km(u.home, r.place) / a.speed_kmh
                t0, at = free[a.id]
                to_arrival = n * haul + (n - 1) * (a.turnaround_h + haul)
                out.append(_Option(
                    r, u, a,
                    block=_minutes(to_arrival + a.turnaround_h),
                    to_arrival=_minutes(to_arrival),
                    earliest_dep=_minutes(max(t0 + ferry_h(a, at, u.home), u.readiness_h)),
                    sorties=n))
    return _cap_per_aircraft(out, greedy_plan, per_aircraft)


def _cap_per_aircraft(options: list[_Option], greedy_plan: Plan, per_aircraft: int
                      ) -> list[_Option]:
    """Keep, for each aircraft, the options that arrive soonest on their own (and those
    of the greedy plan): the sequence model grows with the square of their number."""
    in_greedy = {(mv.requirement, mv.unit, mv.sorties[0].aircraft)
                 for mv in greedy_plan.movements if mv.sorties}
    by_plane: dict[str, list[_Option]] = {}
    out = []
    for o in options:
        if o.aircraft is None:
            out.append(o)
        else:
            by_plane.setdefault(o.aircraft.id, []).append(o)
    for pid, opts in sorted(by_plane.items()):
        opts.sort(key=lambda o: (o.earliest_dep + o.to_arrival, o.req.id, o.unit.id))
        kept = opts[:per_aircraft]
        kept += [o for o in opts[per_aircraft:] if (o.req.id, o.unit.id, pid) in in_greedy]
        out += kept
    return out


def _decode(problem: Problem, chosen: list[tuple[_Option, int]], method: str) -> Plan:
    """Fly the chosen options, each aircraft in the order of the model (the same times,
    or earlier where the model rounded up to the minute)."""
    free = initial_free(problem)
    movements = list(problem.fixed)
    by_plane: dict[str, list[tuple[int, _Option]]] = {}
    for o, dep in chosen:
        if o.aircraft is None:
            movements.append(Movement(o.req.id, o.unit.id, "road",
                                      road_arrival(o.unit, o.req, problem)))
        else:
            by_plane.setdefault(o.aircraft.id, []).append((dep, o))
    for pid, items in sorted(by_plane.items()):
        items.sort(key=lambda x: (x[0], x[1].req.id))
        t, at = free[pid]
        for _dep, o in items:
            assert o.aircraft is not None
            flown = fly(o.aircraft, t, at, o.unit, o.req)
            if flown is None:  # cannot happen: the options were built within range
                raise AssertionError(f"{pid} cannot fly {o.unit.id}")
            sorties, t, at = flown
            movements.append(Movement(o.req.id, o.unit.id, "air", sorties[-1].arrive_h,
                                      tuple(sorties)))
    covered = {m.requirement for m in movements}
    uncovered = tuple(r.id for r in problem.requirements if r.id not in covered)
    return Plan(tuple(movements), uncovered, objective(problem, movements, len(uncovered)),
                method)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, problem: Problem, y: dict[int, cp_model.IntVar],
                 dep: dict[int, cp_model.IntVar], options: list[_Option],
                 keep: Callable[[Plan], None]) -> None:
        super().__init__()
        self.problem, self.y, self.dep, self.options, self.keep = problem, y, dep, options, keep

    def on_solution_callback(self) -> None:
        chosen = [(o, self.Value(self.dep[i]) if i in self.dep else 0)
                  for i, o in enumerate(self.options) if self.Value(self.y[i])]
        self.keep(_decode(self.problem, chosen, "cp-sat"))


def solve(problem: Problem, *, time_limit: float = 10.0, seed: int = 0,
          on_plan: Callable[[Plan], None] | None = None, workers: int = 1,
          units_per_req: int | None = None, aircraft_per_pair: int | None = None,
          per_aircraft: int | None = None) -> Result:
    """The greedy plan at once, then CP-SAT within `time_limit` seconds (deterministic for
    the same inputs and seed with one worker: the search is limited in deterministic
    time, with the wall clock as a safety net)."""
    started = time.perf_counter()
    first = plan(problem)
    if check(problem, first):
        raise AssertionError(f"the greedy plan fails the checker: {check(problem, first)}")
    best = [first]
    improvements = [0]

    def keep(p: Plan) -> None:
        if p.objective.key() < best[0].objective.key() and not check(problem, p):
            best[0] = p
            improvements[0] += 1
            if on_plan is not None:
                on_plan(p)

    if on_plan is not None:
        on_plan(first)
    b = bounds(problem)
    left = time_limit - (time.perf_counter() - started)
    if left <= 0.2 or not [r for r in problem.requirements
                           if r.id not in {m.requirement for m in problem.fixed}]:
        return Result(first, first, b, "greedy only", time.perf_counter() - started, 0, problem)

    n = max(1, len(problem.requirements))  # smaller instances get wider choices
    sizes = [units_per_req or max(4, min(12, 240 // n)),
             aircraft_per_pair or max(3, min(8, 160 // n)),
             per_aircraft or max(20, min(80, math.isqrt(ARCS // len(problem.aircraft))))]
    status = "UNKNOWN"
    rounds = 0
    seen = -1
    while True:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0.2:
            break
        options = _build_options(problem, best[0], *sizes)
        if len(options) <= seen:
            break  # wider choices add nothing: the last round was over all there is
        seen = len(options)
        rounds += 1
        status = _round(problem, best[0], options, left, seed, workers, keep)
        if status != "OPTIMAL":
            break  # out of time within this neighbourhood
        # optimal among these choices: widen them (more units, aircraft and options)
        wider = [min(len(problem.units), sizes[0] * 2), min(len(problem.aircraft),
                                                            sizes[1] + 3), sizes[2] + 20]
        if wider == sizes or sum(wider) > 4 * sum(sizes) + 200:
            break
        sizes = wider
    return Result(best[0], first, b, status, time.perf_counter() - started, improvements[0],
                  problem, rounds)


def _round(problem: Problem, start: Plan, options: list[_Option], left: float, seed: int,
           workers: int, keep: Callable[[Plan], None]) -> str:
    """One CP-SAT run over `options`, hinted with `start`."""
    first = start
    m = cp_model.CpModel()
    horizon = _minutes(max([first.objective.closure, *(mv.arrive_h for mv in first.movements),
                            1.0]) * 4 + 48) + max([o.block for o in options] or [0])
    y = {i: m.NewBoolVar(f"y{i}") for i in range(len(options))}
    dep: dict[int, cp_model.IntVar] = {}
    arr = {r.id: m.NewIntVar(0, horizon, f"arr_{r.id}") for r in problem.requirements
           if r.id not in {mv.requirement for mv in problem.fixed}}
    by_req: dict[str, list[int]] = {}
    by_unit: dict[str, list[int]] = {}
    by_plane: dict[str, list[int]] = {}
    intervals: dict[str, list[cp_model.IntervalVar]] = {}
    for i, o in enumerate(options):
        by_req.setdefault(o.req.id, []).append(i)
        by_unit.setdefault(o.unit.id, []).append(i)
        if o.aircraft is None:
            m.Add(arr[o.req.id] >= o.arrive).OnlyEnforceIf(y[i])
            continue
        dep[i] = m.NewIntVar(o.earliest_dep, horizon, f"dep{i}")
        by_plane.setdefault(o.aircraft.id, []).append(i)
        intervals.setdefault(o.aircraft.id, []).append(
            m.NewOptionalFixedSizeIntervalVar(dep[i], o.block, y[i], f"iv{i}"))
        m.Add(arr[o.req.id] >= dep[i] + o.to_arrival).OnlyEnforceIf(y[i])
    # each aircraft flies its chosen options in one sequence; the empty flight between
    # two of them is exact (a circuit through a depot, skipped options loop on themselves)
    arcs: dict[tuple[int, int], cp_model.IntVar] = {}  # -1: the depot
    idles: dict[str, cp_model.IntVar] = {}
    for pid, idx in by_plane.items():
        circuit = []
        for k, i in enumerate(idx, start=1):
            circuit.append((k, k, ~y[i]))
            first_lit = arcs[(-1, i)] = m.NewBoolVar(f"s{i}")
            last_lit = arcs[(i, -1)] = m.NewBoolVar(f"e{i}")
            circuit.append((0, k, first_lit))
            circuit.append((k, 0, last_lit))
            for k2, j in enumerate(idx, start=1):
                if i == j:
                    continue
                oi, oj = options[i], options[j]
                if oi.unit.id == oj.unit.id:
                    continue  # one unit is carried once
                lit = m.NewBoolVar(f"a{i}_{j}")
                arcs[(i, j)] = lit
                circuit.append((k, k2, lit))
                assert oi.aircraft is not None
                gap = oi.block + _minutes(ferry_h(oi.aircraft, oi.req.place, oj.unit.home))
                m.Add(dep[j] >= dep[i] + gap).OnlyEnforceIf(lit)
        m.AddNoOverlap(intervals[pid])  # implied by the sequence; it helps the search
        idle = m.NewBoolVar(f"idle_{pid}")
        idles[pid] = idle
        circuit.append((0, 0, idle))
        m.AddCircuit(circuit)
    covered = {}
    for rid, idx in by_req.items():
        covered[rid] = m.NewBoolVar(f"cov_{rid}")
        m.Add(sum(y[i] for i in idx) == covered[rid])
    for idx in by_unit.values():
        m.AddAtMostOne(y[i] for i in idx)
    # coverage: as many as a maximum matching proves possible (never fewer than greedy)
    open_reqs = [r for r in problem.requirements if r.id in covered]
    target = len(max_matching(problem)) - len(problem.fixed)
    m.Add(sum(covered.values()) >= min(target, len(covered)))
    fixed_close: dict[str, float] = {}
    reqs = {r.id: r for r in problem.requirements}
    for mv in problem.fixed:
        c = reqs[mv.requirement].crisis
        fixed_close[c] = max(fixed_close.get(c, 0.0), mv.arrive_h)
    close = {}
    for r in open_reqs:
        if r.crisis not in close:
            close[r.crisis] = m.NewIntVar(_minutes(fixed_close.get(r.crisis, 0.0)), horizon,
                                          f"close_{r.crisis}")
        m.Add(close[r.crisis] >= arr[r.id]).OnlyEnforceIf(covered[r.id])
    late = {}
    for r in open_reqs:
        late[r.id] = m.NewIntVar(0, horizon, f"late_{r.id}")
        m.Add(late[r.id] >= arr[r.id] - _minutes(r.needed_by_h)).OnlyEnforceIf(covered[r.id])
    sorties = sum(o.sorties * y[i] for i, o in enumerate(options) if o.aircraft is not None)
    weights = {c: max(1, round(problem.crisis_weight.get(c, 1.0) * 100)) for c in close}
    m.Minimize(1000 * sum(weights[c] * v for c, v in close.items()) + 10 * sum(late.values())
               + sorties)
    _hint(m, problem, first, options, y, dep, arcs, idles, arr, covered, close, late, horizon,
          {c: _minutes(t) for c, t in fixed_close.items()})
    solver = cp_model.CpSolver()
    # the deterministic limit normally ends the search (same inputs and seed, same plan);
    # the wall clock bounds it whatever the machine's load
    solver.parameters.max_time_in_seconds = max(0.1, left)
    solver.parameters.max_deterministic_time = max(0.1, left * 0.8)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.repair_hint = False
    watcher = _Watcher(problem, y, dep, options, keep)
    return str(solver.StatusName(solver.Solve(m, watcher)))




def _hint(m: cp_model.CpModel, problem: Problem, first: Plan, options: list[_Option],
          y: dict[int, cp_model.IntVar], dep: dict[int, cp_model.IntVar],
          arcs: dict[tuple[int, int], cp_model.IntVar], idles: dict[str, cp_model.IntVar],
          arr: dict[str, cp_model.IntVar],
          covered: dict[str, cp_model.IntVar], close: dict[str, cp_model.IntVar],
          late: dict[str, cp_model.IntVar], horizon: int, close_min: dict[str, int]
          ) -> None:
    """The greedy plan as a complete hint, in the model's minutes."""
    index = {(o.req.id, o.unit.id, o.aircraft.id if o.aircraft else ""): i
             for i, o in enumerate(options)}
    chosen: dict[int, int] = {}  # option -> departure (minutes)
    sequence: dict[str, list[int]] = {}
    for mv in sorted(first.movements, key=lambda mv: (mv.sorties[0].depart_h if mv.sorties
                                                      else 0.0, mv.requirement)):
        i = index.get((mv.requirement, mv.unit, mv.sorties[0].aircraft if mv.sorties else ""))
        if i is None:
            continue
        o = options[i]
        if o.aircraft is None:
            chosen[i] = 0
            continue
        seq = sequence.setdefault(o.aircraft.id, [])
        d = o.earliest_dep
        if seq:
            p = options[seq[-1]]
            assert p.aircraft is not None
            d = max(d, chosen[seq[-1]] + p.block
                    + _minutes(ferry_h(p.aircraft, p.req.place, o.unit.home)))
        chosen[i] = d
        seq.append(i)
    nxt = {a: b for seq in sequence.values() for a, b in pairwise(seq)}
    firsts = {seq[0] for seq in sequence.values()}
    lasts = {seq[-1] for seq in sequence.values()}
    for i, v in y.items():
        m.AddHint(v, i in chosen)
    for i, v in dep.items():
        m.AddHint(v, min(horizon, chosen.get(i, options[i].earliest_dep)))
    for (i, j), v in arcs.items():
        m.AddHint(v, j in firsts if i < 0 else i in lasts if j < 0 else nxt.get(i) == j)
    for pid, v in idles.items():
        m.AddHint(v, pid not in sequence)
    arrivals = {}
    for i, d in chosen.items():
        o = options[i]
        arrivals[o.req.id] = min(horizon, o.arrive if o.aircraft is None else d + o.to_arrival)
    for rid, v in arr.items():
        m.AddHint(v, arrivals.get(rid, 0))
    for rid, v in covered.items():
        m.AddHint(v, rid in arrivals)
    reqs = {r.id: r for r in problem.requirements}
    for rid, v in late.items():
        m.AddHint(v, max(0, arrivals.get(rid, 0) - _minutes(reqs[rid].needed_by_h)))
    for c, v in close.items():
        m.AddHint(v, max([arrivals.get(r.id, 0) for r in problem.requirements
                          if r.crisis == c] + [close_min.get(c, 0)]))


def repair(problem: Problem, previous: Plan, now_h: float, **kw: object) -> Result:
    """Re-plan after a change (a crisis added or changed, a unit withdrawn), keeping the
    movements of `previous` already under way at `now_h`; nothing new leaves before then."""
    req_ids = {r.id for r in problem.requirements}
    barred = problem.barred
    reqs = {r.id: r for r in problem.requirements}
    moving = tuple(mv for mv in under_way(problem, previous, now_h)
                   if mv.requirement in req_ids
                   and (mv.unit, reqs[mv.requirement].crisis) not in barred)
    fixed_units = {mv.unit for mv in moving}
    flying = {s.aircraft for mv in moving for s in mv.sorties}
    units = tuple(u if u.id in fixed_units else replace(u, readiness_h=max(u.readiness_h, now_h))
                  for u in problem.units)
    start = dict(problem.aircraft_start)
    for a in problem.aircraft:
        if a.id not in flying:
            t0, at = problem.start_of(a)
            start[a.id] = (max(t0, now_h), at)
    repaired = replace(problem, units=units, fixed=moving, aircraft_start=start)
    return solve(repaired, **kw)  # type: ignore[arg-type]
