"""The priority search (squeaky wheel) over the greedy's order of the requirements."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import replace

from phalanx.domain.forces.flying import (
    Work,
)
from phalanx.domain.forces.greedy import (
    Candidates,
    Trace,
)
from phalanx.domain.forces.model import (
    EPS,
    Plan,
    Problem,
)

STEPS_PER_SECOND = 1_500_000  # the priority search's pace on a 2-core machine (Work steps)
RESTART_AFTER = 400  # greedy runs without a better plan before the walk goes back to it
SEARCH_SHARE = 0.6  # of the time limit, for the priority search; CP-SAT has the rest


def priority_search(problem: Problem, cands: Candidates, start: Plan, order: list[str],
                     steps: int, deadline: float, seed: int, keep: Callable[[Plan], None],
                     hand_over: tuple[int, Callable[[Plan], None]] | None = None) -> Plan:
    """Squeaky-wheel search over the greedy's order of requirements: the requirement that
    closes a crisis (drawn by its weighted closure) moves ahead, the greedy runs again, and
    the new order stays when its plan is no worse (now and then when it is: a walk out of
    a local optimum; after a long walk without a better plan, back to the best). Limited
    in steps of work (the same plan each time), with the wall clock as a safety net;
    `hand_over` (steps, f): f is given the best plan once that much work is done, or at
    the end."""
    reqs = {r.id: r for r in problem.requirements}
    fixed = set(problem.fixed)
    rank = best_rank = {rid: float(i) for i, rid in enumerate(order)}
    current = best = start
    done = {m.requirement for m in problem.fixed}
    # the greedy's run over the current order and the best's: the next run resumes where
    # its order parts from the current one (the same plans, in less time)
    trace: Trace | None = None
    best_trace: Trace | None = None
    rng = random.Random(seed)
    work = Work()
    since = 0  # greedy runs since the best plan was found
    while work.steps < steps and time.perf_counter() < deadline:
        if hand_over is not None and work.steps >= hand_over[0]:
            hand_over[1](best)  # the best plan after that much work, for the bound
            hand_over = None
        since += 1
        if since > RESTART_AFTER:
            current, rank, trace, since = best, best_rank, best_trace, 0
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
        run = Trace(problem, cands, [k for k in ranked if k not in done], work, trace)
        tried = run.plan
        if (tried.objective.key() <= current.objective.key() or rng.random() < 0.05):
            current, rank, trace = tried, moved, run
            if tried.objective.key() < best.objective.key():
                best, best_rank, best_trace, since = tried, moved, run, 0
                keep(replace(tried, method="priority-search"))
    return best
