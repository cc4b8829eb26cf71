"""The deployment planner on seeded instances of three sizes, each measured in a process
of its own (so that its peak memory is its own):

    small        60 units,  3 crises,  8 aircraft
    operational  1,000 units, 5 crises, 24 aircraft
    stress       10,000 units, 20 crises, 50 aircraft

The operational and stress instances exercise the registry's rules (withdrawn units,
expired certifications, CRRF and peacekeeping rules, a state declining a crisis and one
making only some units available, listed ground times); small is the plain instance.

For each: the greedy baseline (time and objective), the first checked plan, the lower
bound, the plan after the time limit, its improvement over the greedy plan, its gap to
the bound (the cheap bounds first, then tightened by the time-space relaxation)
and to the best-known plan, peak memory; for the stress instance also a
re-plan after one change (a unit in the plan withdrawn). Objectives are in weighted
hours (each crisis's weight times its closure in hours, summed); each crisis's closure
is printed beside. The search is limited in work only (steps and CP-SAT's deterministic
time derived from --time-limit, no wall-clock cut): two runs with the same seed print
the same figures, and on a loaded machine a run takes longer rather than finding less.

    .venv/bin/python bench/planner.py [--sizes small,operational,stress] [--seed 1]
                                      [--time-limit 60] [--save-best]

Best-known plans are kept in bench/best-known/<size>-<seed>.json; --save-best replaces
one when this run found a better plan (run long, e.g. --time-limit 600, to improve them).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.improve import repair, solve
from phalanx.domain.forces.model import closures
from phalanx.domain.forces.planner import Plan, bounds, check, plan

BEST = Path(__file__).resolve().parent / "best-known"


def _plan_file(p: Plan) -> dict[str, Any]:
    return {"objective": {"uncovered": p.objective.uncovered, "closure": p.objective.closure,
                          "lateness": p.objective.lateness, "sorties": p.objective.sorties},
            "method": p.method,
            "movements": [{"requirement": m.requirement, "unit": m.unit, "mode": m.mode,
                           "arrive_h": round(m.arrive_h, 4),
                           "aircraft": sorted({s.aircraft for s in m.sorties}),
                           "sorties": len(m.sorties)} for m in p.movements],
            "uncovered": list(p.uncovered)}


def _measure(size: str, seed: int, time_limit: float, save_best: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size, "seed": seed}
    problem = instance(size, seed)
    out["units"], out["requirements"] = len(problem.units), len(problem.requirements)
    out["aircraft"] = len(problem.aircraft)
    t = time.perf_counter()
    greedy = plan(problem)
    out["greedy_s"] = time.perf_counter() - t
    errors = check(problem, greedy)
    out["first_plan_s"] = time.perf_counter() - t
    assert not errors, errors
    out["greedy"] = greedy.objective.closure
    t = time.perf_counter()
    b = bounds(problem)
    out["bounds_s"] = time.perf_counter() - t
    out["cheap_bound"] = b.closure
    out["uncovered_min"] = b.min_uncovered
    result = solve(problem, time_limit=time_limit, seed=seed, wall_clock=False)
    assert check(problem, result.plan) == []
    out["solve_s"] = result.seconds
    out["status"] = f"{result.status}, {result.rounds} round(s)"
    out["plan"] = result.plan.objective.closure
    out["closures"] = {c: round(h, 2) for c, h in closures(problem,
                                                           result.plan.movements).items()}
    out["uncovered"] = result.plan.objective.uncovered
    out["uncovered_ids"] = list(result.plan.uncovered)
    out["bound"] = result.bounds.closure  # tightened by the time-space bound
    out["plan_bound"] = result.bounds.closure  # the bound the gap is taken against
    out["improvement"] = (greedy.objective.closure - result.plan.objective.closure) \
        / greedy.objective.closure
    out["gap"] = result.gap
    out["optimal"] = result.optimal
    best_file = BEST / f"{size}-{seed}.json"
    best = json.loads(best_file.read_text()) if best_file.exists() else None
    mine = result.plan.objective
    if best is not None:
        known = best["objective"]["closure"]
        out["best_known"] = known
        out["vs_best"] = (mine.closure - known) / known
    if save_best and mine.uncovered == 0 and (best is None
                                              or mine.closure < best["objective"]["closure"]):
        BEST.mkdir(exist_ok=True)
        best_file.write_text(json.dumps(_plan_file(result.plan), indent=1) + "\n")
        out["saved"] = str(best_file.name)
    if size == "stress":
        moving = result.plan.movements[len(result.plan.movements) // 2]
        withdrawn = replace(problem, units=tuple(
            replace(u, available=False) if u.id == moving.unit else u for u in problem.units))
        t = time.perf_counter()
        again = repair(withdrawn, result.plan, 1.0, time_limit=min(time_limit, 5.0),
                       wall_clock=False)
        out["replan_s"] = time.perf_counter() - t
        assert check(again.problem, again.plan) == []
        assert moving.unit not in {m.unit for m in again.plan.movements
                                   if m not in again.problem.fixed}
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _worker(args: tuple[str, int, float, bool], queue: Any) -> None:
    queue.put(_measure(*args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,operational,stress")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--save-best", action="store_true")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    rows = []
    for size in args.sizes.split(","):
        queue = ctx.Queue()
        proc = ctx.Process(target=_worker, args=((size, args.seed, args.time_limit,
                                                  args.save_best), queue))
        proc.start()
        row = queue.get()
        proc.join()
        rows.append(row)
        _print(row)
    print(json.dumps(rows, indent=1, default=str))


def _print(r: dict[str, Any]) -> None:
    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    print(f"\n{r['size']} (seed {r['seed']}): {r['units']:,} units, {r['requirements']} "
          f"requirements, {r['aircraft']} aircraft")
    wh = "weighted h"
    print(f"  greedy baseline      {r['greedy']:10.1f} {wh}   in {r['greedy_s']:.2f} s "
          f"(first checked plan {r['first_plan_s']:.2f} s)")
    print(f"  first lower bound    {r['cheap_bound']:10.1f} {wh}   in {r['bounds_s']:.2f} s")
    print(f"  lower bound          {r['bound']:10.1f} {wh}   (time-space, after the search)")
    print(f"  plan after {r['solve_s']:5.1f} s  {r['plan']:10.1f} {wh}   ({r['status']}), "
          f"{pct(r['improvement'])} better than greedy")
    over = "" if abs(r["plan_bound"] - r["bound"]) < 1e-9 else \
        f" (bound {r['plan_bound']:.1f} {wh} over the requirements covered)"
    print(f"  gap to the bound     {pct(r['gap'])}{over}"
          + ("; optimal: the plan reaches the bound" if r["optimal"] else ""))
    print("  crises close at      " + ", ".join(f"{c} {h:.1f} h"
                                               for c, h in r["closures"].items()))
    if r["uncovered_ids"]:
        print("  uncovered            " + ", ".join(r["uncovered_ids"]))
    if "best_known" in r:
        print(f"  best-known           {r['best_known']:10.1f} {wh}   this plan is "
              f"{pct(r['vs_best'])} above it")
    if "replan_s" in r:
        print(f"  re-plan after withdrawing one unit: {r['replan_s']:.2f} s")
    print(f"  peak memory {r['peak_mb']:.0f} MB" + (f"; saved {r['saved']}" if r.get("saved")
                                                   else ""))


if __name__ == "__main__":
    main()
