"""Tightening the bounds with the time-space relaxation while the work lasts, on a grid
finer at each stage (`FINER`): at each, first the order bound's sets (`timespace.py`:
by when each set of crises can have closed; each crisis alone and all together, then
the sets that decide the order bound, until the best order rests on sets all bounded at
this stage: bounding the others could only raise orders that are already worse), then
the joint bound (`joint.py`: every crisis's deadline met at once), on the finest grid
whose model the work allows (on each in turn when a wall-clock instant may cut it). A
set is searched from the bounds known for it and the sets within it (a set closes no
sooner than any set within it) up to the plan's closures (a time the plan shows
possible). Every figure is a lower bound for every plan; the work is counted, so it is
the same on every run."""

from __future__ import annotations

import math
from collections.abc import Callable

from phalanx.domain.forces.capacity import _order_bound
from phalanx.domain.forces.joint import joint_bound
from phalanx.domain.forces.model import Plan, Problem, Requirement, Unit
from phalanx.domain.forces.timespace import FINER, STEPS, LpWork, deadline_bound

DEFER = 2.0  # the joint bound waits for a finer grid when the work allows it this over


class _SetBounds:
    """The time-space bound of each set of crises, asked for set by set."""

    def __init__(self, problem: Problem, plan: Plan, by_crisis: dict[str, list[Requirement]],
                 close: dict[str, float], makespan: float, cands: dict[str, list[Unit]],
                 work: LpWork) -> None:
        self.done = self.closures(problem, plan)
        self.problem, self.by_crisis, self.close = problem, by_crisis, close
        self.makespan, self.cands, self.work = makespan, cands, work
        self.known: dict[frozenset[str], float] = {frozenset(by_crisis): makespan}
        self.level: dict[frozenset[str], int] = {}  # the finest grid each was bounded on
        # no plan closure to search up to, or no work left: nothing more is asked
        self.spent = any(c not in self.done for c in by_crisis)

    @staticmethod
    def closures(problem: Problem, plan: Plan) -> dict[str, float]:
        reqs = {r.id: r for r in problem.requirements}
        done: dict[str, float] = {}
        for m in plan.movements:
            c = reqs[m.requirement].crisis
            done[c] = max(done.get(c, 0.0), m.arrive_h)
        return done

    def get(self, members: frozenset[str], finer: int = 1) -> float:
        lo = max([self.close[c] for c in members]
                 + [t for s, t in self.known.items() if s <= members])
        if len(members) == len(self.by_crisis):
            lo = max(lo, self.makespan)
        self.level[members] = finer
        if self.spent:
            return lo
        hi = max(self.done[c] for c in members)
        left = self.work.left
        t = deadline_bound(self.problem, [r for c in sorted(members)
                                          for r in self.by_crisis[c]],
                           self.cands, lo, hi, self.work, finer)
        if t > lo:  # kept only when it says more than what it was searched from
            self.known[members] = t
        self.spent = self.work.short and self.work.left == left
        return t


def tighten(problem: Problem, plan: Plan, by_crisis: dict[str, list[Requirement]],
            close: dict[str, float], makespan: float, cands: dict[str, list[Unit]],
            flows: dict[int, float], work: LpWork, then: Callable[[], Plan] | None = None
            ) -> tuple[dict[frozenset[str], float], float]:
    """The bound on when each set of crises looked at can have closed, and a bound on
    the weighted closure (the order bound over `flows` and those sets, or the joint
    bound; 0 with one crisis or more than the order bound takes, when `flows` is
    empty). `then`, when given, is asked once, when the joint bound is first searched,
    for a plan whose closures are searched up to from there on (a better plan found
    meanwhile: the sets are bounded while it is searched for)."""
    sets = _SetBounds(problem, plan, by_crisis, close, makespan, cands, work)
    every = frozenset(by_crisis)
    best = 0.0
    for level, finer in enumerate(FINER):
        while not sets.spent:
            decisive = [frozenset([c]) for c in sorted(by_crisis)] + [every]
            if flows:
                order, first = _order_bound(problem, by_crisis, close, flows, sets.known)
                best = max(best, order)
                decisive += first
            todo = [m for m in dict.fromkeys(decisive) if sets.level.get(m, 0) < finer]
            if not todo:
                break
            for members in todo:
                sets.get(members, finer)
        if flows:
            best = max(best, _order_bound(problem, by_crisis, close, flows, sets.known)[0])
        if sets.spent:
            break
        if flows:  # more than one crisis, up to what the order bound takes
            if then is not None:
                better = _SetBounds.closures(problem, then())
                if all(c in better for c in by_crisis):
                    sets.done = better
                then = None
            horizon = max(sets.done[c] for c in by_crisis)
            # searched on the finest grid whose model the work allows (a finer grid's
            # model is about as many times larger, and its sets come first); on the wall
            # clock, on each grid in turn, so that a run cut short keeps a coarser answer
            ahead = (FINER[level + 1] / finer * DEFER
                     if level + 1 < len(FINER) and work.until == math.inf else 0.0)
            joint = joint_bound(problem, by_crisis, cands, close, sets.known, horizon,
                                STEPS * finer, work, ahead)
            if joint is not None:
                best = max(best, joint)
            if work.short:
                break
    return sets.known, best
