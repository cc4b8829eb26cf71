"""The search over crisis deadlines: a plan built for a deadline on each crisis, the
deadlines lowered while the plans built for them get better.

Rule of the construction (`build`): the requirements are taken crisis deadline first
(then by a rank within a crisis). As many as can arrive by ground by their crisis's
deadline do, each by its own unit (a maximum matching: no aircraft at all). Each of the
others takes the unit that meets the deadline at the least cost to the fleet (the hours
its aircraft fly, empty to the unit's home, loaded and turning around), or, when none
meets it, the unit that arrives soonest. A unit's loads go one by one into each
aircraft's timeline: into the first gap where the aircraft can fly to the unit's home,
carry the load, turn around and still reach its next flight in time (`Timelines`), on
the aircraft that lands it by the deadline for the fewest hours a tonne, or, when none
can, the soonest; so one aircraft carries loads of several units in turn. The plan is
flown exactly as built and handed to `keep`, which checks it.

Rule of the search (`deadline_search`): from the best plan so far, one crisis's deadline
is lowered below its closure (the crisis drawn by its weighted closure), or moved ahead
of the crisis closing just before it, now and then with another crisis's deadline
raised a little (a trade between crises); a plan is built for the new deadlines and kept
when its objective is better. The requirement that closes the crisis late may move
ahead within its crisis. Limited in steps of work (`Work`): the same plan for the same
seed."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import replace

from phalanx.domain.forces.flying import (
    Work,
    air_arrival,
    road_arrival,
)
from phalanx.domain.forces.greedy import Candidates
from phalanx.domain.forces.model import (
    EPS,
    Movement,
    Plan,
    Problem,
    Requirement,
    closures,
    objective,
)
from phalanx.domain.forces.timelines import Timelines, _Leg, airlift_by

ROAD_OPTIONS = 40  # units weighed for a requirement by ground
SCAN = 6  # units weighed for a requirement after the first that meets its deadline
SHRINK = (0.12, 0.06, 0.03, 0.015)  # how far a deadline is lowered, as a share of it
TRADE = 0.25  # how often another crisis's deadline is raised at the same time
AHEAD = 0.3  # how often a crisis's deadline moves ahead of the one closing before it
WORSE = 0.05  # how often the walk goes on from a worse plan
RESTART = 60  # plans built without a better one before the walk goes back to the best
STEPS_PER_SECOND = 1_000_000  # the search's pace on a 2-core machine (Work steps)


def build(problem: Problem, cands: Candidates, deadline: dict[str, float],
          rank: dict[str, float], work: Work | None = None, method: str = "deadlines"
          ) -> Plan:
    """A plan for the crisis deadlines `deadline` (see the module's rule)."""
    used: set[str] = {m.unit for m in problem.fixed}
    done = {m.requirement for m in problem.fixed}
    lines = Timelines(problem)
    movements: list[Movement] = list(problem.fixed)
    uncovered: list[str] = []
    units = {u.id: u for u in problem.units}
    todo = sorted((r for r in problem.requirements if r.id not in done),
                  key=lambda r: (deadline.get(r.crisis, math.inf), rank.get(r.id, 0.0), r.id))
    by_road = _road_matching(problem, cands, todo, deadline, used, work)
    used |= set(by_road.values())
    air: dict[str, str] = {}  # requirement -> unit
    for req in todo:
        due = deadline.get(req.crisis, math.inf)
        if req.id in by_road:
            unit = units[by_road[req.id]]
            movements.append(Movement(req.id, unit.id, "road", road_arrival(unit, req, problem)))
            continue
        # key: (misses the deadline, hours flown or, when late, arrival; arrival; sorties)
        Key = tuple[bool, float, float, int, Movement | None, dict[str, list[_Leg]]]
        best: Key | None = None
        in_time = 0
        for lb, unit in cands.by_req[req.id]:
            if unit.id in used:
                continue
            if best is not None and (in_time > SCAN or lb > max(due, best[2]) + EPS):
                break
            if work is not None:
                work.steps += 16
            road = road_arrival(unit, req, problem)
            if best is not None and road > due + EPS:  # late by ground
                bar = best[2] if best[0] else due  # what it must beat to be chosen
                if road > bar + EPS and lines.soonest(problem, unit, req, work) > bar + EPS:
                    continue  # by air no sooner than its first load could land
            cand: Key = (road > due + EPS, 0.0 if road <= due + EPS else road, road, 0,
                         Movement(req.id, unit.id, "road", road), {})
            if cand[0]:
                flown = airlift_by(problem, lines, unit, req, due, work)
                if flown is not None and flown[0] < road - EPS:
                    late = flown[0] > due + EPS
                    cand = (late, flown[0] if late else flown[2], flown[0],
                            sum(len(v) for v in flown[1].values()), None, flown[1])
            if not cand[0]:
                in_time += 1
            if best is None or cand[:4] < best[:4]:
                best = cand
                if cand[4] is None:
                    air[req.id] = unit.id
        if best is None:
            uncovered.append(req.id)
            continue
        if best[4] is not None:
            movements.append(best[4])
            used.add(best[4].unit)
            air.pop(req.id, None)
        else:
            used.add(air[req.id])
            lines.commit(best[5])
    flights = lines.sorties(problem)
    reqs = {r.id: r for r in problem.requirements}
    for rid, uid in sorted(air.items()):
        legs = sorted(flights[rid], key=lambda s: (s.depart_h, s.aircraft))
        movements.append(Movement(rid, uid, "air",
                                  air_arrival(reqs[rid], max(s.arrive_h for s in legs)),
                                  tuple(legs)))
    return Plan(tuple(movements), tuple(uncovered),
                objective(problem, movements, len(uncovered)), method)


def deadline_search(problem: Problem, cands: Candidates, start: Plan, steps: int, seed: int,
                    keep: Callable[[Plan], None], until: float = math.inf,
                    hand_over: tuple[int, Callable[[Plan], None]] | None = None) -> Plan:
    """Lower the crisis deadlines of the best plan so far, one crisis at a time, building
    a plan for each (see the module's rule), within `steps` of work (and, as a safety net,
    until the `time.perf_counter()` reaches `until`); `hand_over` (steps, f): f is given
    the best plan once that much work is done, or at the end."""
    reqs = {r.id: r for r in problem.requirements}
    fixed = set(problem.fixed)
    rng = random.Random(seed)
    work = Work()
    best = start
    rank = {r.id: float(i) for i, r in enumerate(
        sorted(problem.requirements, key=lambda r: (r.needed_by_h, r.id)))}
    best_rank = dict(rank)
    weight = problem.crisis_weight
    crises = sorted({r.crisis for r in problem.requirements if r.id not in
                     {m.requirement for m in fixed}})
    if not crises:
        return start
    # the first plan: the deadlines the best plan meets
    due = _deadlines(problem, best, crises)
    tried = build(problem, cands, due, rank, work)
    if tried.objective.key() < best.objective.key():
        best = tried
        keep(replace(tried, method="deadline search"))
    current, cur_due, cur_rank = tried, due, rank
    best_due = due
    level = 0
    fails = since = 0
    while work.steps < steps and time.perf_counter() < until:
        if hand_over is not None and work.steps >= hand_over[0]:
            hand_over[1](best)  # the best plan after that much work, for the bound
            hand_over = None
        since += 1
        if since > RESTART:  # a long walk without a better plan: back to the best
            current, cur_due, cur_rank, since = best, best_due, best_rank, 0
        close = _deadlines(problem, current, crises)
        base = {c: min(cur_due[c], close[c]) for c in crises}
        # a crisis none of whose requirements is covered (no unit may serve it) has no
        # closure to lower: it is not chosen
        weights = [max(EPS, weight.get(c, 1.0) * close[c]) if close[c] < math.inf else 0.0
                   for c in crises]
        if not any(weights):
            break
        c = rng.choices(crises, weights)[0]
        due = dict(base)
        ahead = [x for x in crises if base[x] < base[c] - EPS]
        if ahead and rng.random() < AHEAD:  # ahead of the crisis closing just before it
            prev = max(ahead, key=lambda x: (base[x], x))
            due[c] = base[prev] - 0.01
        else:
            due[c] = base[c] * (1 - SHRINK[level] * rng.uniform(0.5, 1.0))
        if len(crises) > 1 and rng.random() < TRADE:
            other = rng.choice([x for x in crises if x != c])
            due[other] = base[other] * (1 + SHRINK[level] * rng.uniform(0.5, 1.0))
        rank = dict(cur_rank)
        late = _latest(problem, current, c, reqs, fixed)
        if late is not None and rng.random() < 0.5:
            rank[late] -= rng.uniform(1.0, max(1.0, len(rank) / 4)) + 0.5
        tried = build(problem, cands, due, rank, work)
        if tried.objective.key() <= current.objective.key() or rng.random() < WORSE:
            current, cur_due, cur_rank = tried, due, rank
        if tried.objective.key() < best.objective.key():
            best, best_due, best_rank, fails, since = tried, due, rank, 0, 0
            keep(replace(tried, method="deadline search"))
        else:
            fails += 1
            if fails > 4 * len(crises):  # nothing comes of this step: smaller steps
                level, fails = (level + 1) % len(SHRINK), 0
    if hand_over is not None:
        hand_over[1](best)
    return best


def _road_matching(problem: Problem, cands: Candidates, todo: list[Requirement],
                   deadline: dict[str, float], used: set[str], work: Work | None
                   ) -> dict[str, str]:
    """As many requirements as can be served by ground by their crisis's deadline, each
    by its own unit (a maximum matching, the requirements taken in the build's order):
    requirement -> unit."""
    ok: dict[str, list[str]] = {}
    for r in todo:
        due = deadline.get(r.crisis, math.inf)
        ok[r.id] = []
        for lb, u in cands.by_req[r.id]:
            if lb > due + EPS or len(ok[r.id]) >= ROAD_OPTIONS:
                break
            if u.id not in used and road_arrival(u, r, problem) <= due + EPS:
                ok[r.id].append(u.id)
        if work is not None:
            work.steps += 1 + len(ok[r.id])
    match: dict[str, str] = {}  # unit -> requirement

    def augment(rid: str, seen: set[str]) -> bool:
        for uid in ok[rid]:
            if uid in seen:
                continue
            seen.add(uid)
            if uid not in match or augment(match[uid], seen):
                match[uid] = rid
                return True
        return False

    for r in todo:
        if ok[r.id]:
            augment(r.id, set())
    return {rid: uid for uid, rid in match.items()}


def _deadlines(problem: Problem, p: Plan, crises: list[str]) -> dict[str, float]:
    close = closures(problem, p.movements)
    return {c: close.get(c, math.inf) for c in crises}


def _latest(problem: Problem, p: Plan, crisis: str, reqs: dict[str, Requirement],
            fixed: set[Movement]) -> str | None:
    """The requirement of `crisis` that arrives last in `p` (not one already moving)."""
    last: tuple[float, str] | None = None
    for m in p.movements:
        if m in fixed or reqs[m.requirement].crisis != crisis:
            continue
        if last is None or (m.arrive_h, m.requirement) > last:
            last = (m.arrive_h, m.requirement)
    return None if last is None else last[1]
