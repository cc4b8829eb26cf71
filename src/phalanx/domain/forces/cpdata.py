"""The CP-SAT model's data: its options (a unit for a requirement) and nodes (sorties of
one aircraft for one option), its clock (whole minutes, rounded up), a complete hint
for it (a checked plan in the model's minutes), and the exact sortie-level model's
options over everything (`exact_options`, its clock in seconds rounded down)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from ortools.sat.python import cp_model

from phalanx.domain.forces.flying import air_legs_ok, ferry_h, initial_free, road_arrival, trips
from phalanx.domain.forces.model import (
    EPS,
    Aircraft,
    Plan,
    Problem,
    Requirement,
    Unit,
    distance_km,
    eligible,
)


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
    onward: int = 0  # from the last landing to the unit's arrival, by ground

    def block(self, k: int) -> int:
        """From the first loaded departure to free again, for k sorties."""
        return k * self.cycle - self.back

    def to_arrival(self, k: int) -> int:
        return k * self.cycle - self.back - self.turn + self.onward



MIN = 60  # the model counts in minutes


def _minutes(h: float) -> int:
    return math.ceil(h * MIN - EPS)



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
    node_index: dict[tuple[int, str], int] = {}  # the first of nodes alike
    for j, n in enumerate(nodes):
        node_index.setdefault((n.option, n.aircraft.id), j)
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
                        + _minutes(ferry_h(p.aircraft, options[p.option].req.drop,
                                           options[n.option].unit.lift_from)))
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


EXACT_NODES = 24  # sortie options up to which the sortie-level model runs
SECONDS = 3600  # the exact model's clock: seconds


def _floor_seconds(h: float) -> int:
    return math.floor(h * SECONDS + EPS)


def exact_options(problem: Problem, limit: int = EXACT_NODES
                  ) -> tuple[list[_Option], list[_Node]] | None:
    """The sortie-level model over everything: every unit that may serve each
    requirement, every aircraft in range, and one node for each sortie an aircraft may
    fly for it (as many as it would need alone), so that an aircraft may alternate the
    sorties of several units. Every time is rounded down to the second, payloads up and
    weights down: every plan is a solution, so what it proves bounds every plan. None
    when it has more than `limit` sortie options, or movements are under way."""
    if problem.fixed:
        return None
    free = initial_free(problem)
    options: list[_Option] = []
    nodes: list[_Node] = []
    for r in problem.requirements:
        for u in problem.units:
            if not eligible(u, r, problem.barred):
                continue
            planes = tuple(a for a in problem.aircraft
                           if air_legs_ok(a, free[a.id][1], u, r))
            i = len(options)
            options.append(_Option(r, u, _floor_seconds(road_arrival(u, r, problem)), planes))
            for a in planes:
                t0, at = free[a.id]
                haul_h = distance_km(u.lift_from, r.drop) / a.speed_kmh
                haul, turn = _floor_seconds(haul_h), _floor_seconds(a.turnaround_h)
                back = _floor_seconds(ferry_h(a, r.drop, u.lift_from))
                first = _floor_seconds(max(t0 + ferry_h(a, at, u.lift_from), u.lift_ready))
                for _ in range(trips(a, u)):
                    nodes.append(_Node(i, a, 1, math.ceil(a.payload_t * 10 - EPS), haul,
                                       haul + turn + back, back, turn, first,
                                       _floor_seconds(r.lands_h)))
                if len(nodes) > limit:
                    return None
    return options, nodes
