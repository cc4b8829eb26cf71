"""Improving a plan, and repairing a plan under way.

`solve` starts from the greedy plan (a checked plan at once), then improves it in three
ways within the time limit:

1. a priority search (squeaky wheel) over the greedy's order of the requirements: the
   requirement that closes a crisis late moves ahead and the greedy runs again, so that
   the greedy's first-come choices stop starving the crises that weigh most;
2. a search over crisis deadlines (`deadlines.py`): a plan built for a deadline on each
   crisis (units by ground where they arrive in time, aircraft loads fitted into the
   gaps of each aircraft's timeline), the deadlines lowered while the plans improve;
3. OR-Tools CP-SAT over the best plan so far: the assignment as an integer program (each
   requirement to one unit, by ground or by air; each unit at most once; as many
   requirements covered as a maximum matching proves possible), the number of sorties
   each aircraft flies for each unit (together they carry its weight), and the schedule
   of every aircraft: its nodes are optional intervals with no overlap, ordered by a
   circuit whose arcs carry the exact empty flight between one delivery and the next
   pick-up. The model is hinted with the best plan so far.

Every plan either finds is flown again (`fly`), checked, and kept when better: the best
checked plan so far is available at any moment through `on_plan`. On large instances
(`LARGE` requirements and more) the searches take most of the time limit, the deadline
search most of theirs (and first, from the greedy plan's deadlines): there CP-SAT's
neighbourhood gains little for its time. From `SMALL` requirements on, the searches take
most of the time limit too.

Below about twenty sortie options, a sortie-level CP-SAT model over every unit and
aircraft (`cpdata.exact_options`) proves the optimum: the plan says "optimal", gap 0.
The time-space bound (`timespace.py`) tightens the cheap bounds on a thread of its own
(`beside.py`): its simplex leaves Python's lock, so it uses the machine's second core
while the searches run. It bounds the sets of crises up to the closures of the best plan
once the first search has done `HAND_OVER` of its work, and waits for the searches' best
plan (from `SMALL` requirements on, the priority search's: the joint bound then runs beside
the deadline search) to search the joint bound up to that plan's closures (what it finds
does not depend on the moment). After the searches,
CP-SAT (3.) runs beside it, on a thread of its own too (it also leaves Python's lock). A
bound that proves the plan optimal stops CP-SAT, whose plans found by then are not kept
(they would depend on the moment).

The model counts in whole minutes, rounded up: flying its order exactly lands at the
same times or a little earlier. Its choices are limited to the most promising units per
requirement and aircraft per unit (sizes scale with the instance); the lower bounds of
`planner.bounds` are computed over everything, so the reported gap is honest.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from phalanx.domain.forces.beside import CpSearch, Tightener
from phalanx.domain.forces.bounds import (
    Bounds,
    bounds,
)
from phalanx.domain.forces.capacity import ORDER_BOUND_CRISES
from phalanx.domain.forces.cpdata import EXACT_NODES, exact_options
from phalanx.domain.forces.cpsat import _round
from phalanx.domain.forces.deadlines import STEPS_PER_SECOND as DEADLINE_STEPS
from phalanx.domain.forces.deadlines import deadline_search
from phalanx.domain.forces.flying import (
    check,
    under_way,
)
from phalanx.domain.forces.greedy import (
    Candidates,
    best_greedy,
)
from phalanx.domain.forces.model import (
    EPS,
    Plan,
    Point,
    Problem,
)
from phalanx.domain.forces.reflow import reflow
from phalanx.domain.forces.search import (
    SEARCH_SHARE,
    STEPS_PER_SECOND,
    priority_search,
)
from phalanx.domain.forces.timespace import LpWork


@dataclass(frozen=True)
class Result:
    plan: Plan
    greedy: Plan
    bounds: Bounds
    # what CP-SAT said over its last neighbourhood: OPTIMAL (over its choices), FEASIBLE,
    # UNKNOWN; or "greedy only" (no time left), "at the bound" (the plan meets the lower
    # bound), or "optimal" (the exact sortie-level model proved it)
    status: str
    seconds: float
    improvements: int
    problem: Problem  # as solved (a repair fixes what is moving)
    rounds: int = 0  # CP-SAT runs, each over wider choices than the one before

    @property
    def gap(self) -> float | None:
        """Over the requirements the bound counts: every coverable one, or, when the plan
        leaves some of them uncovered (`plan.uncovered` names them), those it covers."""
        return self.bounds.gap(self.plan)

    @property
    def optimal(self) -> bool:
        """Proven: the plan reaches the lower bound (gap 0), or the exact model proved it
        optimal (to within its clock of one second a flight: `EXACT_GAP`)."""
        return self.status == "optimal" or self.bounds.reached(self.plan)


EXACT_GAP = 1e-4  # what the exact model's one-second clock may leave between plan and bound
BLOCKS = 2  # nodes per (unit, aircraft) in the neighbourhood: 2 lets it alternate units
DEADLINE_SHARE = 0.25  # of the searches' share, for the search over crisis deadlines
# From LARGE requirements on, CP-SAT's neighbourhood gains little for its time and the
# search over crisis deadlines the most: the searches take LARGE_SEARCH_SHARE of the time
# limit, LARGE_DEADLINE_SHARE of it for the deadlines.
LARGE = 100
LARGE_SEARCH_SHARE = 0.9
LARGE_DEADLINE_SHARE = 0.9
# Below SMALL requirements the greedy's orders are few and the priority search settles
# early: the deadline search takes SMALL_DEADLINE_SHARE of the searches' share.
SMALL = 20
SMALL_DEADLINE_SHARE = 0.5
# In between (operational: 40 requirements, 1,000 units) the searches still find better
# plans when their share ends, and CP-SAT little: they take MEDIUM_SEARCH_SHARE of the
# time limit, and the joint bound gets the priority search's best plan, to run beside the
# deadline search rather than after it (same run time; seed 3's plan 69.3 -> 63.0).
MEDIUM_SEARCH_SHARE = 0.9
# CP-SAT's deterministic seconds a second of the time limit: its models of the lift spend
# about half a deterministic second a second of a core (operational 0.46, small 0.70)
CP_PACE = 0.5
LP_WORK_PER_SECOND = 200_000  # the time-space bound's work (variable-solves) a second
HAND_OVER = 0.1  # of the first search's work, before its best plan goes to the bound


def solve(problem: Problem, *, time_limit: float = 10.0, seed: int = 0,
          on_plan: Callable[[Plan], None] | None = None, workers: int = 1,
          units_per_req: int | None = None, aircraft_per_pair: int | None = None,
          per_aircraft: int | None = None, search_share: float | None = None,
          wall_clock: bool = True, exact_nodes: int = EXACT_NODES, blocks: int = BLOCKS,
          deadline_share: float | None = None) -> Result:
    """The greedy plan at once, then a priority search over the greedy's order and CP-SAT
    within `time_limit` seconds, `search_share` of it for the searches (`deadline_share` of
    that for the search over crisis deadlines; deterministic for the
    same inputs and seed with one worker: both are limited in deterministic work, with the
    wall clock as a safety net; `wall_clock=False` drops the net, so that a loaded machine
    takes longer but finds the same plan, as the benchmark needs; up to `exact_nodes`
    sortie options, the exact model runs first). The shares default by the instance's
    size (`SMALL`, `LARGE`)."""
    started = time.perf_counter()
    large = len(problem.requirements) >= LARGE
    medium = SMALL <= len(problem.requirements) < LARGE
    if search_share is None:
        search_share = (LARGE_SEARCH_SHARE if large else MEDIUM_SEARCH_SHARE if medium
                        else SEARCH_SHARE)
    if deadline_share is None:
        deadline_share = (LARGE_DEADLINE_SHARE if large else DEADLINE_SHARE if medium
                          else SMALL_DEADLINE_SHARE)

    def remaining() -> float:
        return (time_limit - (time.perf_counter() - started)) if wall_clock else math.inf
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
    first = reflow(problem, first)  # the airfields' places (`apron.py`)
    if check(problem, first):
        raise AssertionError(f"the greedy plan fails the checker: {check(problem, first)}")
    best = [first]
    improvements = [0]

    def keep(p: Plan) -> None:
        p = reflow(problem, p)
        if p.objective.key() < best[0].objective.key() and not check(problem, p):
            best[0] = p
            improvements[0] += 1
            if on_plan is not None:
                on_plan(p)

    if on_plan is not None:
        on_plan(first)
    b = bounds(problem)
    left = remaining()
    if left <= 0.2 or time_limit <= 0.2 or not [r for r in problem.requirements
                           if r.id not in {m.requirement for m in problem.fixed}]:
        return _result(problem, first, first, b, "greedy only", started, 0)

    def at_bound(p: Plan | None = None) -> bool:
        # (a plan leaving out a requirement some unit could meet is not compared with a
        # bound that counts it: leaving out another one may close the crises sooner)
        o = (p or best[0]).objective
        return (o.uncovered == b.min_uncovered and o.closure <= b.closure + EPS
                and o.lateness <= EPS
                and set((p or best[0]).uncovered) <= set(b.uncoverable))

    if at_bound():
        return _result(problem, first, first, b, "at the bound", started, 0)
    cp_time = time_limit * (1 - search_share) * CP_PACE  # CP-SAT's deterministic seconds
    # small enough: the sortie-level model over everything proves the optimum
    exact = exact_options(problem, exact_nodes)
    if exact is not None:
        # what it proves holds for every plan covering as many requirements as can be
        status, _spent, proven = _round(problem, best[0], *exact, min(remaining(), 1e6),
                                        time_limit * 0.8, seed, workers, keep, exact=True)
        if status == "OPTIMAL":
            done = _result(problem, best[0], first, b, "optimal", started, improvements[0], 1,
                           proven)
            if done.gap is not None and done.gap <= EXACT_GAP:
                return done
    # the work limits follow from the time limit alone (the same plan each time); the
    # wall clock is only a safety net on a slower machine
    until = started + time_limit * 0.9 if wall_clock else math.inf
    deadline_steps = int(time_limit * search_share * deadline_share * DEADLINE_STEPS)
    priority_steps = int(time_limit * search_share * (1 - deadline_share) * STEPS_PER_SECOND)
    # the time-space bound is searched on a thread of its own (its simplex leaves
    # Python's lock: the machine's second core), in counted work: its sets up to the
    # closures of the best plan once the first search has done `HAND_OVER` of its work,
    # while the searches go on; its joint bound up to the closures of their best plan
    # (of the priority search's, on medium instances)
    lp = LpWork(int(time_limit * LP_WORK_PER_SECOND),
                until=started + time_limit if wall_clock else math.inf)
    tightener = Tightener(problem, lp)
    if len({r.crisis for r in problem.requirements}) <= ORDER_BOUND_CRISES:
        tightener.start()
    try:
        if large:  # the deadlines of the greedy plan are the better start there
            deadline_search(problem, cands, first, deadline_steps, seed, keep, until,
                            (int(deadline_steps * HAND_OVER), tightener.begin))
        priority_search(problem, cands, first, order, priority_steps, until, seed, keep,
                        (int(priority_steps * HAND_OVER), tightener.begin))
        if not large:  # the search over crisis deadlines, from the best plan so far
            if medium:  # the joint bound beside it, up to the closures of that plan
                tightener.searched(best[0])
            deadline_search(problem, cands, best[0], deadline_steps, seed, keep, until)
    except BaseException:
        lp.until = 0.0  # the bound stops at its next solve
        raise
    finally:
        tightener.searched(best[0])
    # CP-SAT over the best plan so far on a thread of its own (it leaves Python's lock
    # while it searches) beside the bound
    before = best[0]
    cp = CpSearch(problem, units_per_req, aircraft_per_pair, per_aircraft, blocks, cp_time,
                   seed, workers, keep, best, remaining, lp)
    thread = threading.Thread(target=cp.run, name="cp-sat", daemon=True)
    thread.start()
    try:
        tightener.join()
        if tightener.error is not None:
            raise tightener.error
        tighter = tightener.bounds
        if tighter is not None and tighter.closure > b.closure:
            b = replace(b, closure=tighter.closure, crisis_closure=tighter.crisis_closure,
                        makespan=tighter.makespan)
        if at_bound(before):  # proven optimal already: CP-SAT can find nothing better
            cp.stop()
    except BaseException:
        cp.stop()
        raise
    finally:
        thread.join()
    if cp.error is not None:
        raise cp.error
    if cp.stopped:  # what it found before it was stopped depends on the moment: not kept
        return _result(problem, before, first, b, "at the bound", started, improvements[0])
    return _result(problem, best[0], first, b, cp.status, started, improvements[0], cp.rounds)


def _result(problem: Problem, p: Plan, first: Plan, b: Bounds, status: str, started: float,
            improvements: int, rounds: int = 0, proven: float = 0.0) -> Result:
    """The result, its bound taken over the requirements the plan covers when it leaves
    some coverable ones uncovered (so that the gap is still reported, over those), and
    raised to what the exact model `proven` for plans covering as many as can be."""
    if b.gap(p) is None and p.movements:
        covered = {m.requirement for m in p.movements}
        part = bounds(replace(problem, requirements=tuple(
            r for r in problem.requirements if r.id in covered)))
        b = replace(b, closure=part.closure, crisis_closure=part.crisis_closure,
                    fleet_bound=part.fleet_bound, makespan=part.makespan,
                    counted=part.counted)
    if proven > b.closure and p.objective.uncovered == b.min_uncovered:
        b = replace(b, closure=proven)
    if b.reached(p) and status not in ("at the bound", "optimal"):
        status = "at the bound"
    return Result(p, first, b, status, time.perf_counter() - started, improvements, problem,
                  rounds)


def repair(problem: Problem, previous: Plan, now_h: float, **kw: object) -> Result:
    """Re-plan after a change (a crisis added or changed, a unit withdrawn), keeping the
    movements of `previous` already under way at `now_h`; nothing new leaves before then.
    A unit `previous` named has been getting ready since its start; any other unit is told
    only now, and is ready `readiness_h` after `now_h`."""
    req_ids = {r.id for r in problem.requirements}
    barred = problem.barred
    reqs = {r.id: r for r in problem.requirements}
    moving = tuple(mv for mv in under_way(problem, previous, now_h)
                   if mv.requirement in req_ids
                   and (mv.unit, reqs[mv.requirement].bar_key) not in barred)
    fixed_units = {mv.unit for mv in moving}
    alerted = {mv.unit for mv in previous.movements}
    flying = {s.aircraft for mv in moving for s in mv.sorties}
    turnaround = {a.id: a.turnaround_h for a in problem.aircraft}
    units = tuple(u if u.id in fixed_units
                  else replace(u, readiness_h=max(u.readiness_h, now_h)) if u.id in alerted
                  else replace(u, readiness_h=now_h + u.readiness_h)
                  for u in problem.units)
    # an aircraft that has left with a unit no longer planned (withdrawn, or barred since)
    # is still flying that leg: it is free where it lands, after its turnaround
    # and it holds a place where it lands, at an airfield that takes only so many
    # aircraft on the ground at once (`apron.py`)
    landed: dict[str, tuple[float, Point]] = {}
    ground: list[tuple[Point, float, float]] = []
    for mv in previous.movements:
        for s in mv.sorties:
            if mv not in moving and s.depart_h <= now_h and s.requirement in reqs:
                done = s.arrive_h + turnaround.get(s.aircraft, 0.0)
                if done > now_h and s.aircraft in turnaround:
                    ground.append((reqs[s.requirement].drop, s.arrive_h, done))
                if done > landed.get(s.aircraft, (-math.inf,))[0]:
                    landed[s.aircraft] = (done, reqs[s.requirement].drop)
    start = dict(problem.aircraft_start)
    for a in problem.aircraft:
        if a.id not in flying:
            t0, at = max(problem.start_of(a), landed.get(a.id, (-math.inf, a.base)),
                         key=lambda free: free[0])
            start[a.id] = (max(t0, now_h), at)
    repaired = replace(problem, units=units, fixed=moving, aircraft_start=start,
                       apron_taken=problem.apron_taken + tuple(ground))
    return solve(repaired, **kw)  # type: ignore[arg-type]
