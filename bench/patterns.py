"""A measurement, not part of the planner: the column-generation relaxation with legs by
requirement that docs/planner.md ("What is left") weighs against the time-space model.

For one vector of deadlines (a deadline on each crisis): each aircraft kind at a start,
with its count, takes a convex combination of patterns; a pattern is one aircraft's route
from its start, each sortie a leg for one requirement from one (home, readiness) of the
units it may use (the ferry from where it last landed, the unit's readiness, the haul,
the turnaround), counted when it lands by its crisis's deadline. Each requirement takes
one unit (fractions allowed), by ground if it arrives in time, else by air: per leg, the
tonnes its sorties carry (no more than the leg's heaviest unit a sortie) and, for every
payload d that can fly it, its sorties counted ceil(payload / d), cover the unit's weight
(ceil(weight / d)); each class of units serves once. The master (CLP) minimises the
requirements missed, from no pattern; the pricing is, for each kind, a longest path
backwards over steps of `delta` hours (a sortie's landing compared with its deadline
exactly, the time it is free again rounded down once a sortie: every route maps onto it).
A vector is met once the master misses nothing (`MISS`), ruled out once the Lagrangian
bound (the master's value less each start's count times its best route's reduced cost)
exceeds `MISS` (the Lagrangian bound with each start's convexity dual at its best); with
`--alpha` the pricing's duals are smoothed towards those of the best bound so far. Routes
kept from earlier vectors stay routes: only their sorties landing
by the new deadlines count.

    .venv/bin/python bench/patterns.py [--delta 0.1] [--alpha 0.8]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from phalanx.domain.forces.bounds import _options
from phalanx.domain.forces.flying import ferry_h, road_arrival
from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.model import EPS, Problem, Unit, distance_km
from phalanx.domain.forces.pools import unit_classes
from phalanx.domain.forces.timespace import _Model

MISS = 1e-3
Kind = tuple[float, float, float, float]  # payload, speed, range, turnaround
Leg = tuple[str, tuple[float, float], float]  # requirement, home, readiness
Route = tuple[tuple[Kind, Any], list[tuple[Leg, float]]]  # its group, (leg, landing)


class Patterns:
    """The master for one vector of `deadline`s (hours; a crisis left out asks nothing)."""

    def __init__(self, problem: Problem, cands: dict[str, list[Unit]],
                 deadline: Mapping[str, float], delta: float = 0.1,
                 pool: list[Route] | None = None) -> None:
        self.delta, self.pool = delta, pool if pool is not None else []
        reqs = [r for r in problem.requirements if r.crisis in deadline]
        if any(r.lands_at is not None for r in reqs):  # (the benchmark's places all have one)
            raise ValueError("measured for places with an airfield only: aircraft land there")
        by_r = {r.id: r for r in reqs}
        due = {r.id: deadline[r.crisis] for r in reqs}
        kinds: dict[Kind, Any] = {}
        groups: dict[tuple[Kind, Any], int] = defaultdict(int)
        for a in problem.aircraft:
            key = (a.payload_t, a.speed_kmh, a.range_km, a.turnaround_h)
            kinds.setdefault(key, a)
            groups[(key, problem.start_of(a))] += 1
        self.kinds, self.groups = sorted(kinds.items()), sorted(groups.items())
        s = self.s = pywraplp.Solver.CreateSolver("CLP")
        inf = s.infinity()
        cover = self.cover = {r.id: s.Constraint(1.0, 1.0) for r in reqs}
        for r in reqs:
            miss = s.NumVar(0.0, 1.0, "")
            cover[r.id].SetCoefficient(miss, 1.0)
            s.Objective().SetCoefficient(miss, 1.0)
        s.Objective().SetMinimization()
        self.rows: dict[Leg, tuple[pywraplp.Constraint, dict[float, pywraplp.Constraint]]] = {}
        self.cap: dict[Leg, float] = {}
        self.once: list[tuple[pywraplp.Constraint, int]] = []
        for k in unit_classes(reqs, cands):
            once = s.Constraint(-inf, float(k.count))
            self.once.append((once, k.count))
            for rid in k.serves:
                r = by_r[rid]
                if road_arrival(k.unit, r, problem) <= due[rid] + EPS:
                    x = s.NumVar(0.0, inf, "")
                    cover[rid].SetCoefficient(x, 1.0)
                    once.SetCoefficient(x, 1.0)
                    continue
                km = distance_km(k.home, r.place)
                if not any(km <= g[2] and max(st[0] + ferry_h(kinds[g], st[1], k.home), k.ready)
                           + km / g[1] <= due[rid] + EPS for (g, st), _n in self.groups):
                    continue  # no aircraft lands it in time
                leg = (rid, k.home, k.ready)
                if leg not in self.rows:
                    divisors = sorted({key[0] for key in kinds if km <= key[2]})
                    self.rows[leg] = (s.Constraint(0.0, inf),
                                      {d: s.Constraint(0.0, inf) for d in divisors})
                self.cap[leg] = max(self.cap.get(leg, 0.0), k.heaviest)
                y = s.NumVar(0.0, inf, "")
                cover[rid].SetCoefficient(y, 1.0)
                once.SetCoefficient(y, 1.0)
                tonnes, counts = self.rows[leg]
                tonnes.SetCoefficient(y, -k.weight)
                for d, row in counts.items():
                    row.SetCoefficient(y, -math.ceil(k.weight / d - EPS))
        self.conv = [s.Constraint(-inf, float(n)) for _g, n in self.groups]
        self.legs = list(self.rows)
        self.index = {leg: i for i, leg in enumerate(self.legs)}
        places = sorted({r.place for r in reqs})
        at = {q: i for i, q in enumerate(places)}
        self.dest = np.array([at[by_r[leg[0]].place] for leg in self.legs], dtype=np.int64)
        self.due = np.array([due[leg[0]] for leg in self.legs])
        self.ready = np.array([leg[2] for leg in self.legs])
        self.last = max(due.values(), default=0.0)
        self.geo = {}
        for key, a in self.kinds:
            haul = np.array([distance_km(leg[1], by_r[leg[0]].place) for leg in self.legs])
            ferry = np.array([[ferry_h(a, q, leg[1]) for leg in self.legs] for q in places])
            self.geo[key] = (haul <= key[2], haul / key[1], ferry + (haul / key[1])[None, :], a)
        self.solves = self.columns = 0
        for group, sorties in self.pool:  # the routes of earlier vectors
            counted = [(self.index[leg], land) for leg, land in sorties
                       if leg in self.index and land <= due[leg[0]] + EPS]
            if counted:
                self._column([g for g, _n in self.groups].index(group), counted)

    def _column(self, gi: int, sorties: list[tuple[int, float]]) -> None:
        lam = self.s.NumVar(0.0, self.s.infinity(), "")
        self.conv[gi].SetCoefficient(lam, 1.0)
        payload = self.groups[gi][0][0][0]
        count: dict[int, int] = defaultdict(int)
        for i, _land in sorties:
            count[i] += 1
        for i, n in count.items():
            tonnes, counts = self.rows[self.legs[i]]
            tonnes.SetCoefficient(lam, n * min(payload, self.cap[self.legs[i]]))
            for d, row in counts.items():
                row.SetCoefficient(lam, n * math.ceil(payload / d - EPS))
        self.columns += 1

    def _routes(self, key: Kind, value: np.ndarray, starts: list[Any]
                ) -> list[tuple[float, list[tuple[int, float]]]]:
        """Each start's best route under the legs' `value`s: a longest path backwards."""
        fits, haul, tau, a = self.geo[key]
        turn, delta = key[3], self.delta
        use = np.nonzero(fits & (value > 1e-9) & (self.ready + haul <= self.due + EPS))[0]
        if not len(use):
            return [(0.0, []) for _ in starts]
        places, dest = np.unique(self.dest[use], return_inverse=True)
        tau_u, rho = tau[places][:, use], (self.ready + haul)[use]
        due, val = self.due[use], value[use]
        end = math.floor((self.last + turn) / delta + EPS) + 2
        best = np.zeros((len(places), end + 1))
        arg = np.full((len(places), end + 1), -1, dtype=np.int64)
        block = max(1, math.floor(turn / delta + EPS) - 1)  # no route returns within it
        hi = math.floor(self.last / delta + EPS) + 1
        while hi > 0:
            lo = max(0, hi - block)
            ts = np.arange(lo, hi)
            land = np.maximum(ts[:, None, None] * delta + tau_u[None], rho[None, None])
            free = np.minimum(np.floor((land + turn) / delta + EPS).astype(np.int64), end)
            gain = np.where(land <= due + EPS, val + best[dest[None, None], free], -1.0)
            pick = gain.argmax(axis=2)
            top = np.take_along_axis(gain, pick[..., None], 2)[..., 0]
            best[:, lo:hi] = np.where(top > 1e-12, top, 0.0).T
            arg[:, lo:hi] = np.where(top > 1e-12, pick, -1).T
            hi = lo
        out = []
        for t0, base in starts:
            land = np.maximum(t0 + np.array([ferry_h(a, base, self.legs[i][1]) for i in use])
                              + haul[use], rho)
            free = np.minimum(np.floor((land + turn) / delta + EPS).astype(np.int64), end)
            gain = np.where(land <= due + EPS, val + best[dest, free], -1.0)
            j = int(gain.argmax())
            if gain[j] <= 1e-12:
                out.append((0.0, []))
                continue
            route = [(int(use[j]), float(land[j]))]
            q, t = dest[j], int(free[j])
            while t <= end and arg[q, t] >= 0:
                jj = arg[q, t]
                at = max(t * delta + tau_u[q, jj], rho[jj])
                route.append((int(use[jj]), float(at)))
                q, t = dest[jj], min(math.floor((at + turn) / delta + EPS), end)
            out.append((float(gain[j]), route))
        return out

    def _duals(self) -> dict[str, Any]:
        """The master's duals: the cover and once rows', each leg's (tonnes, counts by
        payload), each start's convexity row's."""
        return {"cover": np.array([c.dual_value() for c in self.cover.values()]),
                "once": np.array([c.dual_value() for c, _n in self.once]),
                "legs": {leg: (t.dual_value(), {d: r.dual_value() for d, r in c.items()})
                         for leg, (t, c) in self.rows.items()},
                "mu": np.array([c.dual_value() for c in self.conv])}

    @staticmethod
    def _mix(a: dict[str, Any], b: dict[str, Any], alpha: float) -> dict[str, Any]:
        """alpha a + (1 - alpha) b (dual points of the master: their mix is one too)."""
        def two(x: float, y: float) -> float:
            return alpha * x + (1 - alpha) * y
        return {"cover": two(a["cover"], b["cover"]), "once": two(a["once"], b["once"]),
                "legs": {leg: (two(t, b["legs"][leg][0]),
                               {d: two(v, b["legs"][leg][1][d]) for d, v in c.items()})
                         for leg, (t, c) in a["legs"].items()},
                "mu": two(a["mu"], b["mu"])}

    def _values(self, key: Kind, duals: dict[str, Any]) -> np.ndarray:
        """What a sortie of kind `key` on each leg is worth at `duals`."""
        return np.array([duals["legs"][leg][0] * min(key[0], self.cap[leg])
                         + sum(v * math.ceil(key[0] / d - EPS)
                               for d, v in duals["legs"][leg][1].items())
                         for leg in self.legs])

    def ruled_out(self, max_solves: int = 500, alpha: float = 0.0) -> bool | None:
        """True when no cover meets the vector, False when one does, None undecided.
        `alpha` > 0: the routes are priced at duals smoothed towards those that gave the
        best Lagrangian bound so far (Wentges), alpha of the way; a pricing that finds no
        route the master's own duals price negative is done again at those."""
        centre, best = None, -math.inf
        counts = np.array([float(n) for _c, n in self.once])
        while self.solves < max_solves:
            assert self.s.Solve() == pywraplp.Solver.OPTIMAL
            self.solves += 1
            z = self.s.Objective().Value()
            if z <= MISS:
                return False
            out = self._duals()
            for a in ((alpha, 0.0) if centre is not None and alpha > 0 else (0.0,)):
                at = self._mix(centre, out, a) if a > 0 else out
                # the Lagrangian bound at `at`: the cover and once rows (the missed
                # requirements' bound of 1 each) and each start's best route
                bound = float(at["cover"].sum() + np.minimum(0.0, 1.0 - at["cover"]).sum()
                              + (counts * at["once"]).sum())
                new = []
                for key, _a in self.kinds:
                    gis = [gi for gi, ((k, _st), _n) in enumerate(self.groups) if k == key]
                    value, own = self._values(key, at), self._values(key, out)
                    found = self._routes(key, value, [self.groups[gi][0][1] for gi in gis])
                    for gi, (gain, route) in zip(gis, found, strict=True):
                        bound += self.groups[gi][1] * min(0.0, -gain)
                        # a route enters when the master's own duals price it negative
                        if route and -(sum(own[i] for i, _ in route)
                                       + out["mu"][gi]) < -1e-7:
                            new.append((gi, route))
                if bound > best:
                    centre, best = at, bound
                if best > MISS:
                    return True
                if new:
                    break
            else:
                return z > MISS  # no route prices negative at the master's duals
            for gi, route in new:
                self.pool.append((self.groups[gi][0],
                                  [(self.legs[i], land) for i, land in route]))
                self._column(gi, route)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delta", type=float, default=0.1)
    parser.add_argument("--alpha", type=float, default=0.0,
                        help="smooth the pricing's duals this far towards the best so far")
    args = parser.parse_args()
    problem = instance("operational", 1)
    units = {u.id: u for u in problem.units}
    cands = {r: [units[u] for u in us] for r, us in _options(problem).items()}
    best = json.loads((Path(__file__).resolve().parent / "best-known"
                       / "operational-1.json").read_text())
    crisis = {r.id: r.crisis for r in problem.requirements}
    plan: dict[str, float] = {}
    for m in best["movements"]:
        plan[crisis[m["requirement"]]] = max(plan.get(crisis[m["requirement"]], 0.0),
                                             m["arrive_h"])
    # the vectors of docs/planner.md, its hours (rounded to 0.1 h) raised by 0.05 h
    named = {"the best-known plan's closures": plan,
             "the 90.9 plan's closures": dict(c00=7.7, c01=19.1, c02=6.1, c03=13.6, c04=12.3),
             "those with c01 by 12 h": dict(c00=7.7, c01=12.0, c02=6.1, c03=13.6, c04=12.3),
             "the 96-step relaxation's 69.8": dict(c00=6.5, c01=14.0, c02=4.8, c03=10.2,
                                                   c04=9.2),
             "the 288-step relaxation's 74.0": dict(c00=4.3, c01=14.6, c02=5.9, c03=13.3,
                                                    c04=9.9)}
    weight = problem.crisis_weight
    for name, vector in named.items():
        hours = vector if vector is plan else {c: h + 0.05 for c, h in vector.items()}
        said = []
        for steps in (96, 288):
            step = 19.2 / steps
            model = _Model(problem, list(problem.requirements), cands, step, steps)
            t = time.perf_counter()
            out = model.infeasible({c: math.floor(h / step + EPS) for c, h in hours.items()})
            said.append(f"{steps} steps {'ruled out' if out else 'met'} "
                        f"({time.perf_counter() - t:.1f} s)")
        t = time.perf_counter()
        master = Patterns(problem, cands, hours, args.delta)
        out = master.ruled_out(alpha=args.alpha)
        answer = {True: "ruled out", False: "met", None: "undecided"}[out]
        print(f"{name} ({sum(weight[c] * h for c, h in vector.items()):.1f}): "
              f"time-space {', '.join(said)}; patterns {answer} in "
              f"{time.perf_counter() - t:.1f} s, {master.solves} master solves, "
              f"{master.columns} routes", flush=True)


if __name__ == "__main__":
    main()
