"""CP-SAT over a plan's neighbourhood: the assignment as an integer program (each
requirement to one unit, by ground or by air; each unit at most once; as many
requirements covered as a maximum matching proves possible), the number of sorties each
aircraft flies for each unit (together they carry its weight), and the schedule of
every aircraft: its nodes are optional intervals with no overlap, ordered by a circuit
whose arcs carry the exact empty flight between one delivery and the next pick-up.

The model counts in whole minutes, rounded up: flying its order exactly lands at the
same times or a little earlier. Every solution is decoded, flown again (`fly`) and
handed to `keep`, which checks it."""

from __future__ import annotations

import math
from collections.abc import Callable

from ortools.sat.python import cp_model

from phalanx.domain.forces.bounds import (
    max_matching,
)
from phalanx.domain.forces.cpdata import (
    SECONDS,
    _floor_seconds,
    _hint,
    _minutes,
    _Node,
    _Option,
)
from phalanx.domain.forces.cpdata import _minutes as _ceil_minutes
from phalanx.domain.forces.flying import (
    air_arrival,
    air_legs_ok,
    airlift,
    ferry_h,
    fly,
    initial_free,
    road_arrival,
    trips,
)
from phalanx.domain.forces.greedy import (
    Candidates,
)
from phalanx.domain.forces.model import (
    EPS,
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

ARCS = 24_000  # the sequence model's size: arcs over all aircraft


def _alone(problem: Problem, free: dict[str, tuple[float, Point]], u: Unit, r: Requirement
           ) -> float:
    """The unit's earliest arrival with the whole fleet free for it alone."""
    road = road_arrival(u, r, problem)
    air = airlift(problem, u, r, free, road)
    return road if air is None else min(road, air[0])


def _build_options(problem: Problem, greedy_plan: Plan, units_per_req: int,
                   aircraft_per_pair: int, per_aircraft: int, blocks: int = 1
                   ) -> tuple[list[_Option], list[_Node]]:
    """The neighbourhood: the most promising units per requirement and aircraft per
    unit, and for each (unit, aircraft) up to `blocks` nodes of sorties, so that with two
    an aircraft may fly another unit's sorties between two of one unit's."""
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
                haul = distance_km(u.lift_from, r.drop) / a.speed_kmh
                first = max(t0 + ferry_h(a, at, u.lift_from), u.lift_ready)
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
            haul_h = distance_km(o.unit.lift_from, o.req.drop) / a.speed_kmh
            haul, turn = _minutes(haul_h), _minutes(a.turnaround_h)
            back = _minutes(ferry_h(a, o.req.drop, o.unit.lift_from))
            nodes.append(_Node(i, a, trips(a, o.unit), math.floor(a.payload_t * 10 + EPS),
                               haul, haul + turn + back, back, turn,
                               _minutes(max(t0 + ferry_h(a, at, o.unit.lift_from),
                                            o.unit.lift_ready)), _minutes(o.req.lands_h)))
    out = []
    for n in _cap_per_aircraft(options, nodes, greedy_plan, per_aircraft):
        out += [n] * (blocks if n.max_sorties > 1 else 1)  # alike nodes stay together
    return options, out


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
    share: dict[int, float] = {}  # flight -> tonnes
    for f, (n, _dep, k) in sorted(enumerate(flights),
                                  key=lambda x: (x[1][1], x[1][0].aircraft.id, x[0])):
        w = min(left.get(n.option, 0.0), k * n.aircraft.payload_t)
        if w > EPS:
            share[f] = w
            left[n.option] -= w
    if any(w > EPS for w in left.values()):
        raise ValueError("the model's sorties do not carry every unit")
    by_plane: dict[str, list[tuple[int, int, _Node]]] = {}
    for f, (n, dep, _k) in enumerate(flights):
        if f in share:
            by_plane.setdefault(n.aircraft.id, []).append((dep, f, n))
    sorties: dict[int, list[Sortie]] = {}
    for pid, items in sorted(by_plane.items()):
        items.sort(key=lambda x: (x[0], x[2].option, x[1]))
        t, at = free[pid]
        for _dep, f, n in items:
            o = options[n.option]
            flown = fly(n.aircraft, t, at, o.unit, o.req, share[f])
            if flown is None:  # cannot happen: the options were built within range
                raise AssertionError(f"{pid} cannot fly {o.unit.id}")
            legs, t, at = flown
            sorties.setdefault(n.option, []).extend(legs)
    for i, legs in sorted(sorties.items()):
        o = options[i]
        legs.sort(key=lambda s: (s.depart_h, s.aircraft))
        movements.append(Movement(o.req.id, o.unit.id, "air",
                                  air_arrival(o.req, max(s.arrive_h for s in legs)),
                                  tuple(legs)))
    covered = {m.requirement for m in movements}
    uncovered = tuple(r.id for r in problem.requirements if r.id not in covered)
    return Plan(tuple(movements), uncovered, objective(problem, movements, len(uncovered)),
                method)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, problem: Problem, options: list[_Option], nodes: list[_Node],
                 road: dict[int, cp_model.IntVar], air: dict[int, cp_model.IntVar],
                 count: dict[int, cp_model.IntVar], dep: dict[int, cp_model.IntVar],
                 keep: Callable[[Plan], None], method: str = "cp-sat") -> None:
        super().__init__()
        self.method = method
        self.problem, self.options, self.nodes = problem, options, nodes
        self.road, self.air, self.count, self.dep, self.keep = road, air, count, dep, keep

    def on_solution_callback(self) -> None:
        chosen = {i: "road" for i, v in self.road.items() if self.Value(v)}
        chosen.update({i: "air" for i, v in self.air.items() if self.Value(v)})
        flights = [(n, self.Value(self.dep[j]), self.Value(self.count[j]))
                   for j, n in enumerate(self.nodes) if self.Value(self.count[j])]
        try:
            plan = _decode(self.problem, self.options, chosen, flights, self.method)
        except ValueError:  # the exact model's loads, rounded in its favour, fall short
            return
        self.keep(plan)


def _round(problem: Problem, start: Plan, options: list[_Option], nodes: list[_Node],
           left: float, budget: float, seed: int, workers: int, keep: Callable[[Plan], None],
           exact: bool = False, running: list[cp_model.CpSolver] | None = None
           ) -> tuple[str, float, float]:
    """One CP-SAT run over `options` and their aircraft `nodes`, hinted with `start`,
    within `budget` deterministic seconds (and `left` seconds of wall clock); returns
    CP-SAT's status, the deterministic time it spent, and (`exact`) the lower bound it
    proved on the weighted closure, in weighted hours. The solver is added to `running`
    before it searches, so that another thread may stop it.

    `exact`: the model is a relaxation of the problem (see `exact_options`): times in
    seconds rounded down, payloads up and weights down, crisis weights down to the
    hundredth, and closure alone minimized; its proven bound holds for every plan."""
    tick = _floor_seconds if exact else _ceil_minutes
    m = cp_model.CpModel()
    horizon = tick(max([start.objective.closure, *(mv.arrive_h for mv in start.movements),
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
        m.Add(arr[rid] >= dep[j] + n.cycle * k - n.back - n.turn + n.onward).OnlyEnforceIf(u)
    for i, o in enumerate(options):
        m.Add(arr[o.req.id] >= o.road).OnlyEnforceIf(road[i])
        if i in air:  # by air: the nodes' sorties carry the whole unit
            idx = by_option.get(i, [])
            weight = (math.floor(o.unit.weight_t * 10 + EPS) if exact
                      else math.ceil(o.unit.weight_t * 10 - EPS))
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
                if oi.unit.id == oj.unit.id and ni.option != nj.option:
                    continue  # one unit is carried for one requirement
                lit = m.NewBoolVar(f"a{i}_{j}")
                arcs[(i, j)] = lit
                circuit.append((k1, k2, lit))
                gap = tick(ferry_h(ni.aircraft, oi.req.drop, oj.unit.lift_from))
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
            close[r.crisis] = m.NewIntVar(tick(fixed_close.get(r.crisis, 0.0)), horizon,
                                          f"close_{r.crisis}")
        m.Add(close[r.crisis] >= arr[r.id]).OnlyEnforceIf(covered[r.id])
    late = {}
    for r in open_reqs:
        late[r.id] = m.NewIntVar(0, horizon, f"late_{r.id}")
        m.Add(late[r.id] >= arr[r.id] - tick(r.needed_by_h)).OnlyEnforceIf(covered[r.id])
    for j in range(1, len(nodes)):  # nodes alike fly in their order
        a, b = nodes[j - 1], nodes[j]
        if (a.option, a.aircraft.id) == (b.option, b.aircraft.id):
            m.AddImplication(used[j], used[j - 1])
            m.Add(dep[j] >= dep[j - 1]).OnlyEnforceIf(used[j])
    if exact:
        weights = {c: math.floor(problem.crisis_weight.get(c, 1.0) * 100 + EPS) for c in close}
        m.Minimize(sum(weights[c] * v for c, v in close.items()))
    else:
        weights = {c: max(1, round(problem.crisis_weight.get(c, 1.0) * 100)) for c in close}
        m.Minimize(1000 * sum(weights[c] * v for c, v in close.items())
                   + 10 * sum(late.values()) + sum(count.values()))
    if not exact:
            _hint(m, problem, start, options, nodes, road, air, count, used, dep, size, end, arcs,
              idles, arr, covered, close, late, horizon,
              {c: tick(t) for c, t in fixed_close.items()})
    solver = cp_model.CpSolver()
    # the deterministic limit normally ends the search (same inputs and seed, same plan);
    # the wall clock bounds it whatever the machine's load
    solver.parameters.max_time_in_seconds = max(0.1, left)
    solver.parameters.max_deterministic_time = max(0.1, budget)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.repair_hint = False
    watcher = _Watcher(problem, options, nodes, road, air, count, dep, keep,
                       "exact cp-sat" if exact else "cp-sat")
    if running is not None:  # so that another thread may stop it
        running.append(solver)
    status = str(solver.StatusName(solver.Solve(m, watcher)))
    proven = 0.0
    if exact and status in ("OPTIMAL", "FEASIBLE"):
        proven = solver.BestObjectiveBound() / (100 * SECONDS)
    return status, float(solver.deterministic_time), proven

