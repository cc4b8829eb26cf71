"""Improving a plan, and repairing a plan under way.

`solve` starts from the greedy plan (a checked plan at once), then improves it in two
ways within the time limit:

1. a priority search (squeaky wheel) over the greedy's order of the requirements: the
   requirement that closes a crisis late moves ahead and the greedy runs again, so that
   the greedy's first-come choices stop starving the crises that weigh most;
2. OR-Tools CP-SAT over the best plan so far: the assignment as an integer program (each
   requirement to one unit, by ground or by air; each unit at most once; as many
   requirements covered as a maximum matching proves possible), the number of sorties
   each aircraft flies for each unit (together they carry its weight), and the schedule
   of every aircraft: its nodes are optional intervals with no overlap, ordered by a
   circuit whose arcs carry the exact empty flight between one delivery and the next
   pick-up. The model is hinted with the best plan so far.

Every plan either finds is flown again (`fly`), checked, and kept when better: the best
checked plan so far is available at any moment through `on_plan`.

The model counts in whole minutes, rounded up: flying its order exactly lands at the
same times or a little earlier. Its choices are limited to the most promising units per
requirement and aircraft per unit (sizes scale with the instance); the lower bounds of
`planner.bounds` are computed over everything, so the reported gap is honest.
"""

from __future__ import annotations

import math
import random
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
    Sortie,
    Unit,
    Work,
    air_legs_ok,
    airlift,
    best_greedy,
    bounds,
    check,
    distance_km,
    ferry_h,
    fly,
    greedy,
    initial_free,
    max_matching,
    objective,
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
    # what CP-SAT said: OPTIMAL, FEASIBLE, UNKNOWN; or "greedy only" (no time left), or
    # "at the bound" (the plan meets the lower bound, on time: nothing can beat it but
    # fewer sorties)
    status: str
    seconds: float
    improvements: int
    problem: Problem  # as solved (a repair fixes what is moving)
    rounds: int = 0  # CP-SAT runs, each over wider choices than the one before

    @property
    def gap(self) -> float | None:
        return self.bounds.gap(self.plan)


@dataclass(frozen=True)
class _Option:
    """A unit for a requirement: by ground, or by air with any of `aircraft` sharing its
    loads (each a node of that aircraft's sequence)."""
    req: Requirement
    unit: Unit
    road: int  # minutes to arrive by ground
    aircraft: tuple[Aircraft, ...] = ()


@dataclass(frozen=True)
class _Node:
    """Some sorties of one aircraft carrying one option's unit, one after the other."""
    option: int
    aircraft: Aircraft
    max_sorties: int  # the aircraft alone
    payload: int  # per sortie, in 100 kg (rounded down)
    haul: int  # minutes, loaded
    cycle: int  # minutes from one loaded departure to the next: haul, turnaround, back
    back: int  # minutes, empty from the place back to the unit's home
    turn: int  # minutes
    earliest_dep: int  # the unit ready and the aircraft there

    def block(self, k: int) -> int:
        """From the first loaded departure to free again, for k sorties."""
        return k * self.cycle - self.back

    def to_arrival(self, k: int) -> int:
        return k * self.cycle - self.back - self.turn


def _minutes(h: float) -> int:
    return math.ceil(h * MIN - EPS)


def _alone(problem: Problem, free: dict[str, tuple[float, Point]], u: Unit, r: Requirement
           ) -> float:
    """The unit's earliest arrival with the whole fleet free for it alone."""
    road = road_arrival(u, r, problem)
    air = airlift(problem, u, r, free, road)
    return road if air is None else min(road, air[0])


def _build_options(problem: Problem, greedy_plan: Plan, units_per_req: int,
                   aircraft_per_pair: int, per_aircraft: int
                   ) -> tuple[list[_Option], list[_Node]]:
    cands = Candidates(problem)
    free = initial_free(problem)
    done = {m.requirement for m in problem.fixed}
    matching = max_matching(problem)
    in_greedy = {m.requirement: m for m in greedy_plan.movements}
    units = {u.id: u for u in problem.units}
    options: list[_Option] = []
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
            scored = []
            for a in problem.aircraft:
                t0, at = free[a.id]
                if not air_legs_ok(a, at, u, r):
                    continue
                haul = distance_km(u.home, r.place) / a.speed_kmh
                first = max(t0 + ferry_h(a, at, u.home), u.readiness_h)
                scored.append((first + haul, a.id, a))
            scored.sort(key=lambda x: (x[0], x[1]))
            chosen = [a for _t, _id, a in scored[:aircraft_per_pair]]
            if g is not None and g.unit == u.id:
                for pid in sorted({s.aircraft for s in g.sorties}):
                    a = next(a for a in problem.aircraft if a.id == pid)
                    if a not in chosen:
                        chosen.append(a)
            options.append(_Option(r, u, _minutes(road_arrival(u, r, problem)), tuple(chosen)))
    nodes = []
    for i, o in enumerate(options):
        for a in o.aircraft:
            t0, at = free[a.id]
            haul_h = distance_km(o.unit.home, o.req.place) / a.speed_kmh
            haul, turn = _minutes(haul_h), _minutes(a.turnaround_h)
            back = _minutes(ferry_h(a, o.req.place, o.unit.home))
            nodes.append(_Node(i, a, trips(a, o.unit), math.floor(a.payload_t * 10 + EPS),
                               haul, haul + turn + back, back, turn,
                               _minutes(max(t0 + ferry_h(a, at, o.unit.home),
                                            o.unit.readiness_h))))
    return options, _cap_per_aircraft(options, nodes, greedy_plan, per_aircraft)


def _cap_per_aircraft(options: list[_Option], nodes: list[_Node], greedy_plan: Plan,
                      per_aircraft: int) -> list[_Node]:
    """Keep, for each aircraft, the nodes that land soonest on their own (and those of the
    greedy plan): the sequence model grows with the square of their number."""
    in_greedy = {(mv.requirement, mv.unit, s.aircraft)
                 for mv in greedy_plan.movements for s in mv.sorties}
    by_plane: dict[str, list[_Node]] = {}
    for n in nodes:
        by_plane.setdefault(n.aircraft.id, []).append(n)
    out = []
    for pid, group in sorted(by_plane.items()):
        group.sort(key=lambda n: (n.earliest_dep + n.haul, options[n.option].req.id,
                                  options[n.option].unit.id))
        kept = group[:per_aircraft]
        kept += [n for n in group[per_aircraft:]
                 if (options[n.option].req.id, options[n.option].unit.id, pid) in in_greedy]
        out += kept
    return out


def _decode(problem: Problem, options: list[_Option],
            chosen: dict[int, str], flights: list[tuple[_Node, int, int]], method: str
            ) -> Plan:
    """Fly the chosen options: each aircraft its nodes in the order of the model, each
    node its sorties until the unit's weight is carried (the same times, or earlier where
    the model rounded up to the minute or counted a sortie more than needed).
    `chosen`: option -> "road" or "air"; `flights`: (node, departure, sorties)."""
    free = initial_free(problem)
    movements = list(problem.fixed)
    for i, mode in sorted(chosen.items()):
        if mode == "road":
            o = options[i]
            movements.append(Movement(o.req.id, o.unit.id, "road",
                                      road_arrival(o.unit, o.req, problem)))
    # the weight each node carries: the unit's loads, to the nodes in the model's order
    left = {i: options[i].unit.weight_t for i, mode in chosen.items() if mode == "air"}
    share: dict[tuple[int, str], float] = {}
    for n, _dep, k in sorted(flights, key=lambda f: (f[1], f[0].aircraft.id)):
        w = min(left.get(n.option, 0.0), k * n.aircraft.payload_t)
        if w > EPS:
            share[(n.option, n.aircraft.id)] = w
            left[n.option] -= w
    if any(w > EPS for w in left.values()):
        raise AssertionError("the model's sorties do not carry every unit")
    by_plane: dict[str, list[tuple[int, _Node]]] = {}
    for n, dep, _k in flights:
        if (n.option, n.aircraft.id) in share:
            by_plane.setdefault(n.aircraft.id, []).append((dep, n))
    sorties: dict[int, list[Sortie]] = {}
    for pid, items in sorted(by_plane.items()):
        items.sort(key=lambda x: (x[0], x[1].option))
        t, at = free[pid]
        for _dep, n in items:
            o = options[n.option]
            flown = fly(n.aircraft, t, at, o.unit, o.req, share[(n.option, pid)])
            if flown is None:  # cannot happen: the options were built within range
                raise AssertionError(f"{pid} cannot fly {o.unit.id}")
            legs, t, at = flown
            sorties.setdefault(n.option, []).extend(legs)
    for i, legs in sorted(sorties.items()):
        o = options[i]
        legs.sort(key=lambda s: (s.depart_h, s.aircraft))
        movements.append(Movement(o.req.id, o.unit.id, "air", max(s.arrive_h for s in legs),
                                  tuple(legs)))
    covered = {m.requirement for m in movements}
    uncovered = tuple(r.id for r in problem.requirements if r.id not in covered)
    return Plan(tuple(movements), uncovered, objective(problem, movements, len(uncovered)),
                method)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, problem: Problem, options: list[_Option], nodes: list[_Node],
                 road: dict[int, cp_model.IntVar], air: dict[int, cp_model.IntVar],
                 count: dict[int, cp_model.IntVar], dep: dict[int, cp_model.IntVar],
                 keep: Callable[[Plan], None]) -> None:
        super().__init__()
        self.problem, self.options, self.nodes = problem, options, nodes
        self.road, self.air, self.count, self.dep, self.keep = road, air, count, dep, keep

    def on_solution_callback(self) -> None:
        chosen = {i: "road" for i, v in self.road.items() if self.Value(v)}
        chosen.update({i: "air" for i, v in self.air.items() if self.Value(v)})
        flights = [(n, self.Value(self.dep[j]), self.Value(self.count[j]))
                   for j, n in enumerate(self.nodes) if self.Value(self.count[j])]
        self.keep(_decode(self.problem, self.options, chosen, flights, "cp-sat"))


STEPS_PER_SECOND = 1_500_000  # the priority search's pace on a 2-core machine (Work steps)
RESTART_AFTER = 400  # greedy runs without a better plan before the walk goes back to it
SEARCH_SHARE = 0.6  # of the time limit, for the priority search; CP-SAT has the rest


def priority_search(problem: Problem, cands: Candidates, start: Plan, order: list[str],
                     steps: int, deadline: float, seed: int, keep: Callable[[Plan], None]
                     ) -> Plan:
    """Squeaky-wheel search over the greedy's order of requirements: the requirement that
    closes a crisis (drawn by its weighted closure) moves ahead, the greedy runs again, and
    the new order stays when its plan is no worse (now and then when it is: a walk out of
    a local optimum; after a long walk without a better plan, back to the best). Limited
    in steps of work (the same plan each time), with the wall clock as a safety net."""
    reqs = {r.id: r for r in problem.requirements}
    fixed = set(problem.fixed)
    rank = best_rank = {rid: float(i) for i, rid in enumerate(order)}
    current = best = start
    rng = random.Random(seed)
    work = Work()
    since = 0  # greedy runs since the best plan was found
    while work.steps < steps and time.perf_counter() < deadline:
        since += 1
        if since > RESTART_AFTER:
            current, rank, since = best, best_rank, 0
        last: dict[str, tuple[float, str]] = {}
        for mv in current.movements:
            if mv in fixed:
                continue
            c = reqs[mv.requirement].crisis
            if c not in last or (mv.arrive_h, mv.requirement) > last[c]:
                last[c] = (mv.arrive_h, mv.requirement)
        for rid in current.uncovered:  # an uncovered requirement is the loudest
            last[reqs[rid].crisis] = (math.inf, rid)
        crises = sorted(last)
        if not crises:
            break
        weights = [min(1e9, problem.crisis_weight.get(c, 1.0) * last[c][0] + EPS)
                   for c in crises]
        rid = last[rng.choices(crises, weights)[0]][1]
        moved = dict(rank)
        moved[rid] -= rng.uniform(1.0, max(1.0, len(rank) / 2)) + 0.5  # at least one place
        ranked = sorted(moved, key=lambda k: (moved[k], k))
        moved = {k: float(i) for i, k in enumerate(ranked)}
        tried = greedy(problem, lambda r, moved=moved: moved[r.id], cands, work)
        if (tried.objective.key() <= current.objective.key() or rng.random() < 0.05):
            current, rank = tried, moved
            if tried.objective.key() < best.objective.key():
                best, best_rank, since = tried, moved, 0
                keep(replace(tried, method="priority-search"))
    return best


def solve(problem: Problem, *, time_limit: float = 10.0, seed: int = 0,
          on_plan: Callable[[Plan], None] | None = None, workers: int = 1,
          units_per_req: int | None = None, aircraft_per_pair: int | None = None,
          per_aircraft: int | None = None, search_share: float = SEARCH_SHARE) -> Result:
    """The greedy plan at once, then a priority search over the greedy's order and CP-SAT
    within `time_limit` seconds, `search_share` of it for the search (deterministic for the
    same inputs and seed with one worker: both are limited in deterministic work, with the
    wall clock as a safety net)."""
    started = time.perf_counter()
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
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

    def at_bound() -> bool:
        o = best[0].objective
        return (o.uncovered == b.min_uncovered and o.closure <= b.closure + EPS
                and o.lateness <= EPS)

    if at_bound():
        return Result(first, first, b, "at the bound", time.perf_counter() - started, 0,
                      problem)
    # the work limits follow from the time limit alone (the same plan each time); the
    # wall clock is only a safety net on a slower machine
    priority_search(problem, cands, first, order,
                    int(time_limit * search_share * STEPS_PER_SECOND),
                    started + time_limit * 0.9, seed, keep)
    cp_time = time_limit * (1 - search_share) * 0.8  # CP-SAT's deterministic seconds
    if at_bound():
        return Result(best[0], first, b, "at the bound", time.perf_counter() - started,
                      improvements[0], problem)

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
        options, nodes = _build_options(problem, best[0], *sizes)
        if len(options) + len(nodes) <= seen:
            break  # wider choices add nothing: the last round was over all there is
        seen = len(options) + len(nodes)
        rounds += 1
        status, spent = _round(problem, best[0], options, nodes, left, cp_time, seed,
                               workers, keep)
        cp_time -= spent
        if cp_time <= 0.1:
            break
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


def _round(problem: Problem, start: Plan, options: list[_Option], nodes: list[_Node],
           left: float, budget: float, seed: int, workers: int, keep: Callable[[Plan], None]
           ) -> tuple[str, float]:
    """One CP-SAT run over `options` and their aircraft `nodes`, hinted with `start`,
    within `budget` deterministic seconds (and `left` seconds of wall clock); returns
    CP-SAT's status and the deterministic time it spent."""
    m = cp_model.CpModel()
    horizon = _minutes(max([start.objective.closure, *(mv.arrive_h for mv in start.movements),
                            1.0]) * 4 + 48) + max([n.block(n.max_sorties) for n in nodes] or [0])
    road = {i: m.NewBoolVar(f"road{i}") for i in range(len(options))}
    air = {i: m.NewBoolVar(f"air{i}") for i, o in enumerate(options) if o.aircraft}
    arr = {r.id: m.NewIntVar(0, horizon, f"arr_{r.id}") for r in problem.requirements
           if r.id not in {mv.requirement for mv in problem.fixed}}
    count: dict[int, cp_model.IntVar] = {}  # sorties of a node
    used: dict[int, cp_model.IntVar] = {}  # the node flies
    dep: dict[int, cp_model.IntVar] = {}
    size: dict[int, cp_model.IntVar] = {}
    end: dict[int, cp_model.IntVar] = {}
    by_option: dict[int, list[int]] = {}
    by_plane: dict[str, list[int]] = {}
    intervals: dict[str, list[cp_model.IntervalVar]] = {}
    for j, n in enumerate(nodes):
        by_option.setdefault(n.option, []).append(j)
        by_plane.setdefault(n.aircraft.id, []).append(j)
        k = count[j] = m.NewIntVar(0, n.max_sorties, f"k{j}")
        u = used[j] = m.NewBoolVar(f"u{j}")
        m.Add(k >= 1).OnlyEnforceIf(u)
        m.Add(k == 0).OnlyEnforceIf(~u)
        m.AddImplication(u, air[n.option])
        dep[j] = m.NewIntVar(n.earliest_dep, horizon, f"dep{j}")
        size[j] = m.NewIntVar(0, n.block(n.max_sorties), f"size{j}")
        m.Add(size[j] == n.cycle * k - n.back).OnlyEnforceIf(u)
        m.Add(size[j] == 0).OnlyEnforceIf(~u)
        end[j] = m.NewIntVar(0, 2 * horizon, f"end{j}")
        intervals.setdefault(n.aircraft.id, []).append(
            m.NewOptionalIntervalVar(dep[j], size[j], end[j], u, f"iv{j}"))
        rid = options[n.option].req.id
        m.Add(arr[rid] >= dep[j] + n.cycle * k - n.back - n.turn).OnlyEnforceIf(u)
    for i, o in enumerate(options):
        m.Add(arr[o.req.id] >= o.road).OnlyEnforceIf(road[i])
        if i in air:  # by air: the nodes' sorties carry the whole unit
            idx = by_option.get(i, [])
            weight = math.ceil(o.unit.weight_t * 10 - EPS)
            if idx:
                m.Add(sum(nodes[j].payload * count[j] for j in idx) >= weight
                      ).OnlyEnforceIf(air[i])
            else:
                m.Add(air[i] == 0)
    # each aircraft flies its nodes in one sequence; the empty flight between two of them
    # is exact (a circuit through a depot, nodes not flown loop on themselves)
    arcs: dict[tuple[int, int], cp_model.IntVar] = {}  # -1: the depot
    idles: dict[str, cp_model.IntVar] = {}
    for pid, idx in by_plane.items():
        circuit = []
        for k1, i in enumerate(idx, start=1):
            circuit.append((k1, k1, ~used[i]))
            arcs[(-1, i)] = m.NewBoolVar(f"s{i}")
            arcs[(i, -1)] = m.NewBoolVar(f"e{i}")
            circuit.append((0, k1, arcs[(-1, i)]))
            circuit.append((k1, 0, arcs[(i, -1)]))
            for k2, j in enumerate(idx, start=1):
                if i == j:
                    continue
                ni, nj = nodes[i], nodes[j]
                oi, oj = options[ni.option], options[nj.option]
                if oi.unit.id == oj.unit.id:
                    continue  # one unit is carried for one requirement
                lit = m.NewBoolVar(f"a{i}_{j}")
                arcs[(i, j)] = lit
                circuit.append((k1, k2, lit))
                gap = _minutes(ferry_h(ni.aircraft, oi.req.place, oj.unit.home))
                m.Add(dep[j] >= dep[i] + size[i] + gap).OnlyEnforceIf(lit)
        m.AddNoOverlap(intervals[pid])  # implied by the sequence; it helps the search
        idle = m.NewBoolVar(f"idle_{pid}")
        idles[pid] = idle
        circuit.append((0, 0, idle))
        m.AddCircuit(circuit)
    by_req: dict[str, list[int]] = {}
    by_unit: dict[str, list[int]] = {}
    for i, o in enumerate(options):
        by_req.setdefault(o.req.id, []).append(i)
        by_unit.setdefault(o.unit.id, []).append(i)
    covered = {}
    for rid, idx in by_req.items():
        covered[rid] = m.NewBoolVar(f"cov_{rid}")
        m.Add(sum(road[i] + air.get(i, 0) for i in idx) == covered[rid])
    for idx in by_unit.values():
        m.AddAtMostOne([road[i] for i in idx] + [air[i] for i in idx if i in air])
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
    weights = {c: max(1, round(problem.crisis_weight.get(c, 1.0) * 100)) for c in close}
    m.Minimize(1000 * sum(weights[c] * v for c, v in close.items()) + 10 * sum(late.values())
               + sum(count.values()))
    _hint(m, problem, start, options, nodes, road, air, count, used, dep, size, end, arcs,
          idles,
          arr, covered, close, late, horizon, {c: _minutes(t) for c, t in fixed_close.items()})
    solver = cp_model.CpSolver()
    # the deterministic limit normally ends the search (same inputs and seed, same plan);
    # the wall clock bounds it whatever the machine's load
    solver.parameters.max_time_in_seconds = max(0.1, left)
    solver.parameters.max_deterministic_time = max(0.1, budget)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.repair_hint = False
    watcher = _Watcher(problem, options, nodes, road, air, count, dep, keep)
    status = str(solver.StatusName(solver.Solve(m, watcher)))
    return status, float(solver.deterministic_time)


def _hint(m: cp_model.CpModel, problem: Problem, first: Plan, options: list[_Option],
          nodes: list[_Node], road: dict[int, cp_model.IntVar], air: dict[int, cp_model.IntVar],
          count: dict[int, cp_model.IntVar], used: dict[int, cp_model.IntVar],
          dep: dict[int, cp_model.IntVar], size: dict[int, cp_model.IntVar],
          end: dict[int, cp_model.IntVar], arcs: dict[tuple[int, int], cp_model.IntVar],
          idles: dict[str, cp_model.IntVar],
          arr: dict[str, cp_model.IntVar],
          covered: dict[str, cp_model.IntVar], close: dict[str, cp_model.IntVar],
          late: dict[str, cp_model.IntVar], horizon: int, close_min: dict[str, int]
          ) -> None:
    """The greedy plan as a complete hint, in the model's minutes."""
    opt_index = {(o.req.id, o.unit.id): i for i, o in enumerate(options)}
    node_index = {(n.option, n.aircraft.id): j for j, n in enumerate(nodes)}
    modes: dict[int, str] = {}
    sorties: dict[int, int] = {}  # node -> sorties
    first_dep: dict[int, float] = {}  # node -> its first departure (hours), for the order
    for mv in first.movements:
        i = opt_index.get((mv.requirement, mv.unit))
        if i is None:
            continue
        if mv.mode == "road":
            modes[i] = "road"
            continue
        nodes_of = [node_index.get((i, s.aircraft)) for s in mv.sorties]
        if None in nodes_of:
            continue  # an aircraft of the greedy movement is not among the node's choices
        modes[i] = "air"
        for s, j in zip(mv.sorties, nodes_of, strict=True):
            assert j is not None
            sorties[j] = sorties.get(j, 0) + 1
            first_dep[j] = min(first_dep.get(j, math.inf), s.depart_h)
    sequence: dict[str, list[int]] = {}
    for j in sorted(sorties, key=lambda j: (first_dep[j], j)):
        sequence.setdefault(nodes[j].aircraft.id, []).append(j)
    departs: dict[int, int] = {}
    for seq in sequence.values():
        for pos, j in enumerate(seq):
            n = nodes[j]
            d = n.earliest_dep
            if pos:
                p = nodes[seq[pos - 1]]
                d = max(d, departs[seq[pos - 1]] + p.block(sorties[seq[pos - 1]])
                        + _minutes(ferry_h(p.aircraft, options[p.option].req.place,
                                           options[n.option].unit.home)))
            departs[j] = d
    nxt = {a: b for seq in sequence.values() for a, b in pairwise(seq)}
    firsts = {seq[0] for seq in sequence.values()}
    lasts = {seq[-1] for seq in sequence.values()}
    for i, v in road.items():
        m.AddHint(v, modes.get(i) == "road")
    for i, v in air.items():
        m.AddHint(v, modes.get(i) == "air")
    for j, v in count.items():
        m.AddHint(v, sorties.get(j, 0))
        m.AddHint(used[j], j in sorties)
        d = min(horizon, departs.get(j, nodes[j].earliest_dep))
        length = nodes[j].block(sorties[j]) if j in sorties else 0
        m.AddHint(dep[j], d)
        m.AddHint(size[j], length)
        m.AddHint(end[j], d + length)
    for (i, j), v in arcs.items():
        m.AddHint(v, j in firsts if i < 0 else i in lasts if j < 0 else nxt.get(i) == j)
    for pid, v in idles.items():
        m.AddHint(v, pid not in sequence)
    arrivals: dict[str, int] = {}
    for i, mode in modes.items():
        o = options[i]
        if mode == "road":
            arrivals[o.req.id] = o.road
    for j, k in sorties.items():
        rid = options[nodes[j].option].req.id
        arrivals[rid] = max(arrivals.get(rid, 0), departs[j] + nodes[j].to_arrival(k))
    arrivals = {rid: min(horizon, t) for rid, t in arrivals.items()}
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
