"""The time-space bound: it sees where the aircraft are (the empty flight back to a home
counts), it never rises above a plan, nor above the exact optimum of instances small
enough to enumerate, and it is the same on every run (counted work, not time)."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.forces import joint, timespace
from phalanx.domain.forces.bounds import _options
from phalanx.domain.forces.cpdata import exact_options
from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.improve import priority_search, solve
from phalanx.domain.forces.joint import joint_bound
from phalanx.domain.forces.planner import (
    Aircraft,
    Bounds,
    Candidates,
    Plan,
    Problem,
    Requirement,
    Unit,
    best_greedy,
    bounds,
    check,
    distance_km,
    ferry_h,
    plan,
)
from phalanx.domain.forces.timespace import LpWork, _Model, deadline_bound
from tests.unit.test_planner import mixed
from tests.unit.test_planner_improve import _exact_optimum

MOSCOW = (55.88, 38.06)
OSH = (40.61, 72.79)
KANT = (42.85, 74.85)
DUSHANBE = (38.54, 68.83)
BATKEN = (40.06, 70.82)


def _cands(problem: Problem) -> dict[str, list[Unit]]:
    units = {u.id: u for u in problem.units}
    return {rid: [units[u] for u in us] for rid, us in _options(problem).items()}


def _by_crisis(problem: Problem) -> dict[str, list[Requirement]]:
    by_crisis: dict[str, list[Requirement]] = {}
    for r in problem.requirements:
        by_crisis.setdefault(r.crisis, []).append(r)
    return by_crisis


def _small_joint() -> tuple[Problem, Plan, Bounds, dict[str, list[Requirement]], float]:
    """The small benchmark instance for the joint bound: its greedy plan, cheap bounds,
    requirements by crisis and the plan's last arrival (the horizon searched)."""
    problem = instance("small", 1)
    p = plan(problem)
    return (problem, p, bounds(problem), _by_crisis(problem),
            max(m.arrive_h for m in p.movements))


def test_the_empty_flight_back_to_a_home_counts() -> None:
    """Two 40 t units at Moscow for Osh, one Il-76 at Moscow: the second load waits for
    the aircraft to fly back. The flow bound counts a round trip as haul and turnaround;
    the time-space bound also counts the empty flight back (within its grid)."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 500, MOSCOW, 6, 40) for i in range(2))
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 500, OSH, 72) for i in range(2))
    a = Aircraft("a", "Il-76", 40, 750, 4000, MOSCOW, 2.0)
    problem = Problem(units, reqs, (a,))
    haul = distance_km(MOSCOW, OSH) / 750
    p = plan(problem)
    assert p.objective.closure == pytest.approx(6 + 3 * haul + 2.0)
    cheap = bounds(problem)
    assert cheap.closure == pytest.approx(6 + 2 * haul + 2.0, abs=1e-2)
    tight = bounds(problem, p, LpWork(10**6))
    step = p.objective.closure / 96
    assert tight.closure >= 6 + 3 * haul + 2.0 - 4 * step
    assert tight.closure <= p.objective.closure + 1e-6  # here the plan is optimal
    assert ferry_h(a, OSH, MOSCOW) == pytest.approx(haul)


def test_no_work_left_keeps_the_cheap_bound() -> None:
    problem = mixed(3)
    p = plan(problem)
    assert bounds(problem, p, LpWork(0)).closure == bounds(problem).closure


def test_past_its_wall_clock_instant_the_work_grants_no_solve() -> None:
    problem = mixed(3)
    p = plan(problem)
    late = LpWork(10**7, until=time.perf_counter() - 1)
    assert bounds(problem, p, late).closure == bounds(problem).closure
    assert late.short and late.left == 10**7
    assert bounds(problem, p, LpWork(10**7, until=time.perf_counter() + 3600)).closure \
        > bounds(problem).closure


def test_a_set_covered_by_the_lower_end_or_never_covered_gives_back_the_lower_end() -> None:
    units = (Unit("u0", "RUS", "airborne", 500, MOSCOW, 6, 40),)
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 500, OSH, 72) for i in range(2))
    problem = Problem(units, reqs, (Aircraft("a", "Il-76", 40, 750, 4000, MOSCOW, 2.0),))
    # one unit for two requirements: no deadline covers both, so nothing is claimed
    assert deadline_bound(problem, list(reqs), _cands(problem), 5.0, 50.0, LpWork(10**6)) == 5
    one = Problem(units, reqs[:1], problem.aircraft)
    haul = distance_km(MOSCOW, OSH) / 750
    assert deadline_bound(one, list(reqs[:1]), _cands(one), 30.0, 50.0, LpWork(10**6)) == 30
    t = deadline_bound(one, list(reqs[:1]), _cands(one), 1.0, 50.0, LpWork(10**6))
    assert 6 + haul - 2 * 50 / 96 <= t <= 6 + haul + 1e-6


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_the_time_space_bound_stays_below_plans_with_mixed_fleets(seed: int) -> None:
    problem = mixed(seed)
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
    better = priority_search(problem, cands, first, order, 30_000, float("inf"), seed,
                             lambda _p: None)
    assert check(problem, better) == []
    cheap = bounds(problem)
    tight = bounds(problem, first, LpWork(3 * 10**5))
    assert tight.closure >= cheap.closure - 1e-9
    assert tight.makespan >= cheap.makespan - 1e-9
    for p in (first, better):
        if tight.gap(p) is not None:  # every requirement that can be, covered
            assert p.objective.closure >= tight.closure - 1e-6
            assert max(m.arrive_h for m in p.movements) >= tight.makespan - 1e-6
    assert bounds(problem, first, LpWork(3 * 10**5)) == tight  # the same each time


def _one_aircraft(rng: random.Random, weights: list[float]) -> Problem:
    """Four units (of `weights` tonnes), three requirements in two crises, one Il-76."""
    homes = [MOSCOW, KANT, DUSHANBE, OSH]
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 400, rng.choice(homes),
                       rng.choice([2.0, 6.0, 12.0]), rng.choice(weights))
                  for i in range(4))
    reqs = tuple(Requirement(f"r{i}", f"c{i % 2}", "airborne", 300,
                             rng.choice([OSH, BATKEN]), 24.0) for i in range(3))
    return Problem(units, reqs, (Aircraft("il76", "Il-76MD", 40, 750, 4000,
                                          rng.choice(homes), 2.0),),
                   {"c0": 2.0, "c1": 1.0})


@pytest.mark.parametrize("seed", range(8))
def test_the_time_space_bound_never_exceeds_the_exact_optimum(seed: int) -> None:
    problem = _one_aircraft(random.Random(seed), [30.0, 70.0])
    optimum = _exact_optimum(problem)
    tight = bounds(problem, plan(problem), LpWork(10**6))
    assert tight.closure <= optimum[1] + 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_small_cases_are_solved_to_proven_optimality(seed: int) -> None:
    """Few sortie options: the sortie-level model proves the optimum the enumeration
    finds; the plan says "optimal", its gap is 0, and its bound stays below the optimum."""
    problem = _one_aircraft(random.Random(seed), [30.0, 70.0])
    assert exact_options(problem) is not None
    optimum = _exact_optimum(problem)[1]
    result = solve(problem, time_limit=10, seed=seed, wall_clock=False)
    assert check(problem, result.plan) == []
    assert result.bounds.closure <= optimum + 1e-6
    assert result.plan.objective.closure == pytest.approx(optimum, abs=1e-6)
    assert result.optimal and result.gap is not None and result.gap <= 1e-4
    assert result.status in ("optimal", "at the bound")


def test_a_load_carries_one_unit() -> None:
    """Two 10 t units at Moscow for Osh, one 40 t Il-76 at Moscow: the tonnes would fit in
    one load, but a load carries one unit, so the second lands a round trip later."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 500, MOSCOW, 6, 10) for i in range(2))
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 500, OSH, 72) for i in range(2))
    problem = Problem(units, reqs, (Aircraft("a", "Il-76", 40, 750, 4000, MOSCOW, 2.0),))
    haul = distance_km(MOSCOW, OSH) / 750
    p = plan(problem)
    assert p.objective.closure == pytest.approx(6 + 3 * haul + 2.0)
    t = deadline_bound(problem, list(reqs), _cands(problem), 1.0, p.objective.closure,
                       LpWork(10**6))
    step = p.objective.closure / 96
    assert 6 + 3 * haul + 2.0 - 4 * step <= t <= p.objective.closure + 1e-6


def test_the_joint_bound_raises_the_cheap_bound_and_stays_below_plans() -> None:
    """On the small benchmark instance the joint bound (every crisis's deadline met at
    once by one relaxation) rises well above the cheap bound and stays below the plan."""

    problem, p, cheap, by_crisis, horizon = _small_joint()
    joint = joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure, {},
                        horizon, 48, LpWork(10**8))
    assert cheap.closure + 20 <= joint <= p.objective.closure + 1e-6
    assert joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure, {},
                       horizon, 48, LpWork(0)) == 0.0
    # work enough for twice the solves on this grid: left to a finer one, nothing spent
    plenty = LpWork(10**8)
    assert joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure, {},
                       horizon, 48, plenty, defer=2.0) is None
    assert plenty.left == 10**8
    assert joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure, {},
                       horizon, 48, plenty, defer=10**6) == joint


@pytest.mark.parametrize("seed", range(8))
def test_the_joint_bound_never_exceeds_the_exact_optimum(seed: int) -> None:
    problem = _one_aircraft(random.Random(100 + seed), [10.0, 30.0, 70.0])
    optimum = _exact_optimum(problem)[1]
    by_crisis = _by_crisis(problem)
    cheap = bounds(problem)
    p = plan(problem)
    joint = joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure, {},
                        max(m.arrive_h for m in p.movements), 192, LpWork(10**8))
    assert joint <= optimum + 1e-6


def test_a_unit_takes_whole_sorties_of_each_payload() -> None:
    """Two 50 t units at Moscow for Osh, a 40 t Il-76 there and a slow 100 t aircraft.
    Counted by the largest payload on the route, each unit would take one sortie, and the
    Il-76 would carry the 100 t in three round trips. In whole sorties of each payload
    the Il-76 flies four times, or twice and the slow aircraft once: the bound says so.
    With a 20 t An-12 beside the Il-76 instead, one sortie of each lands a unit at once:
    the bound stays below that plan."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 500, MOSCOW, 6, 50) for i in range(2))
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 500, OSH, 72) for i in range(2))
    il76 = Aircraft("il76", "Il-76", 40, 750, 4000, MOSCOW, 2.0)
    haul = distance_km(MOSCOW, OSH) / 750
    slow = Problem(units, reqs, (il76, Aircraft("big", "slow", 100, 100, 4000, MOSCOW,
                                                2.0)))
    p = plan(slow)
    third = 6 + 5 * haul + 2 * 2.0  # the Il-76's third landing
    by_slow = 6 + distance_km(MOSCOW, OSH) / 100
    assert third < by_slow < third + 2 * haul + 2.0  # before the Il-76's fourth landing
    assert p.objective.closure == pytest.approx(by_slow, abs=1e-6)
    t = deadline_bound(slow, list(reqs), _cands(slow), 1.0, p.objective.closure,
                       LpWork(10**6))
    step = p.objective.closure / 96
    assert by_slow - 2 * step <= t <= p.objective.closure + 1e-6
    beside = Problem(units[:1], reqs[:1], (il76, Aircraft("an12", "An-12", 20, 750, 4000,
                                                          MOSCOW, 2.0)))
    q = plan(beside)
    assert q.objective.closure == pytest.approx(6 + haul)
    assert deadline_bound(beside, list(reqs[:1]), _cands(beside), 1.0, 30.0,
                          LpWork(10**6)) <= q.objective.closure + 1e-6


def test_later_deadlines_only_ask_less_of_the_relaxation() -> None:
    """The joint bound answers a vector of deadlines from those already solved: above one
    the relaxation meets, it is met; below one it cannot meet, it is not. That holds
    because later deadlines only loosen the relaxation: checked on pairs of vectors."""
    problem = instance("small", 1)
    crises = sorted({r.crisis for r in problem.requirements})
    model = _Model(problem, list(problem.requirements), _cands(problem), 40 / 48, 48)
    rng = random.Random(7)
    seen = {True: 0, False: 0}
    for _ in range(12):
        low = [rng.randint(10, 45) for _c in crises]
        high = [k + rng.randint(0, 12) for k in low]
        met_low = not model.infeasible(dict(zip(crises, low, strict=True)))
        met_high = not model.infeasible(dict(zip(crises, high, strict=True)))
        assert met_high or not met_low
        seen[met_low] += 1
    assert seen[True] and seen[False]  # both kinds of vector were tried


def test_the_simplex_reused_from_its_last_basis_answers_as_a_fresh_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The relaxation is solved again and again from the last basis (CLP, after each
    change of deadlines): every answer is the one a fresh model solved by another simplex
    (GLOP) gives for the same deadlines, on vectors both met and not met."""
    problem = instance("small", 1)
    crises = sorted({r.crisis for r in problem.requirements})
    reused = _Model(problem, list(problem.requirements), _cands(problem), 40 / 48, 48)
    monkeypatch.setattr(timespace, "LP_SOLVER", "GLOP")
    rng = random.Random(11)
    seen = {True: 0, False: 0}
    for _ in range(10):
        vector = dict(zip(crises, [rng.randint(14, 49) for _c in crises], strict=True))
        fresh = _Model(problem, list(problem.requirements), _cands(problem), 40 / 48, 48)
        answer = reused.infeasible(vector)
        assert answer == fresh.infeasible(vector), vector
        seen[answer] += 1
    assert seen[True] and seen[False]  # both kinds of vector were asked


def test_on_the_wall_clock_the_joint_bound_runs_on_each_grid_in_turn(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Limited in work only, the joint bound waits for the finest grid the work allows;
    with a wall-clock instant that may cut it short, it runs on each grid in turn, so
    that a run cut short keeps a coarser grid's answer."""
    from phalanx.domain.forces import tighten

    problem = instance("small", 1)
    p = plan(problem)
    seen: list[tuple[int, float]] = []
    real = tighten.joint_bound

    def spy(*a: object, **kw: object) -> float | None:
        seen.append((a[6], a[8]))  # type: ignore[arg-type]
        return real(*a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(tighten, "joint_bound", spy)
    bounds(problem, p, LpWork(2 * 10**6))
    assert seen and seen[0][1] > 0  # the first grid asked may wait for a finer one
    seen.clear()
    bounds(problem, p, LpWork(2 * 10**6, until=time.perf_counter() + 3600))
    assert seen and all(defer == 0.0 for _steps, defer in seen)


def test_boxes_bounded_by_their_least_vector_not_ruled_out_save_solves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A box of the joint search is bounded by its least vector that lies below no vector
    the relaxation could not meet: the same bound, found with fewer solves than with the
    order bound alone (`LOOKS` = 0 leaves a box at the value of its lower corner)."""
    problem, p, cheap, by_crisis, horizon = _small_joint()
    spent, found = [], []
    for looks in (joint.LOOKS, 0):
        monkeypatch.setattr(joint, "LOOKS", looks)
        work = LpWork(10**9)
        found.append(joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure,
                                 {}, horizon, 64, work))
        spent.append(10**9 - work.left)
    assert found[0] == pytest.approx(found[1])
    assert found[0] <= p.objective.closure + 1e-6
    assert spent[0] < spent[1]


def test_the_joint_search_starts_from_the_bounds_known_for_each_crisis(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A set of crises closes no sooner than its bound: with the bound of each crisis
    alone known, the joint search asks the relaxation about a crisis alone at most once
    each (to confirm its lower end), instead of searching for it again, and finds the
    same bound."""
    problem, _plan, cheap, by_crisis, horizon = _small_joint()
    known = {frozenset([c]): deadline_bound(problem, rs, _cands(problem),
                                            cheap.crisis_closure[c], horizon, LpWork(10**9))
             for c, rs in by_crisis.items()}
    alone: list[bool] = []

    class Counting(_Model):
        def infeasible(self, n_t: int | Mapping[str, int]) -> bool:
            if not isinstance(n_t, int):  # a crisis asked alone: the others past the grid
                alone.append(sum(1 for k in n_t.values() if k <= self.n) == 1)
            return super().infeasible(n_t)

    monkeypatch.setattr(joint, "_Model", Counting)
    found = []
    asked = []
    for sets in ({}, known):
        alone.clear()
        found.append(joint_bound(problem, by_crisis, _cands(problem), cheap.crisis_closure,
                                 sets, horizon, 48, LpWork(10**9)))
        asked.append(sum(alone))
    assert found[0] == pytest.approx(found[1])
    assert asked[0] > len(by_crisis)  # searched for, without the bounds
    assert asked[1] <= len(by_crisis)
