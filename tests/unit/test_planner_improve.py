"""The planner's improvement, bounds, explanations and repair: every plan CP-SAT yields
is checked, never worse than the greedy plan, reproducible; the bounds never exceed the
true optimum of instances small enough to enumerate; a repair keeps what is moving."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pytest

from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.improve import priority_search, repair, solve
from phalanx.domain.forces.planner import (
    Aircraft,
    Candidates,
    Movement,
    Plan,
    Problem,
    Requirement,
    Sortie,
    Unit,
    best_greedy,
    bounds,
    check,
    distance_km,
    explain,
    fly,
    objective,
    plan,
    road_arrival,
    under_way,
)

KANT = (42.85, 74.85)
OSH = (40.61, 72.79)
BATKEN = (40.06, 70.82)
MOSCOW = (55.88, 38.06)
DUSHANBE = (38.54, 68.83)


def test_the_improved_plan_is_checked_and_never_worse_than_greedy() -> None:
    problem = instance("small", 3)
    seen: list[Plan] = []
    result = solve(problem, time_limit=4, on_plan=seen.append)
    assert check(problem, result.plan) == []
    assert result.plan.objective.key() <= result.greedy.objective.key()
    assert seen[0] == result.greedy and seen[-1] == result.plan
    assert all(check(problem, p) == [] for p in seen)
    keys = [p.objective.key() for p in seen]
    assert keys == sorted(keys, reverse=True)  # each one reported is better
    assert result.bounds.closure <= result.plan.objective.closure + 1e-6
    assert result.gap is not None and 0 <= result.gap < 1


def test_same_inputs_and_seed_give_the_same_plan() -> None:
    problem = instance("small", 5)
    # limited in work only: a loaded machine takes longer rather than finding less
    a = solve(problem, time_limit=3, seed=7, wall_clock=False)
    b = solve(problem, time_limit=3, seed=7, wall_clock=False)
    assert a.plan == b.plan


def _exact_optimum(problem: Problem) -> tuple[float, ...]:
    """Every assignment and every order of the single aircraft, flown exactly."""
    (a,) = problem.aircraft
    best = None
    reqs = problem.requirements
    for units in itertools.permutations(problem.units, len(reqs)):
        if any(u.capability != r.capability or u.strength < r.strength
               for u, r in zip(units, reqs, strict=True)):
            continue
        for modes in itertools.product(("road", "air"), repeat=len(reqs)):
            flown = [i for i, mode in enumerate(modes) if mode == "air"]
            for order in itertools.permutations(flown):
                t, at = 0.0, a.base
                arrive = {}
                for i in order:
                    sorties, t, at = fly(a, t, at, units[i], reqs[i])
                    # the unit arrives once its last load has landed and it has gone
                    # on by ground from where aircraft land
                    arrive[i] = sorties[-1].arrive_h + reqs[i].lands_h
                ms = [Movement(r.id, u.id, "road", road_arrival(u, r, problem))
                      if i not in arrive else Movement(r.id, u.id, "air", arrive[i])
                      for i, (u, r) in enumerate(zip(units, reqs, strict=True))]
                key = objective(problem, ms, 0).key()
                best = key if best is None or key < best else best
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(4))
def test_bounds_never_exceed_the_optimum_and_cp_sat_finds_it(seed: int) -> None:
    import random

    rng = random.Random(seed)
    homes = [MOSCOW, KANT, DUSHANBE, OSH]
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 400, rng.choice(homes),
                       rng.choice([2.0, 6.0, 12.0]), rng.choice([30.0, 70.0]))
                  for i in range(4))
    reqs = tuple(Requirement(f"r{i}", f"c{i % 2}", "airborne", 300,
                             rng.choice([OSH, BATKEN]), 24.0) for i in range(3))
    problem = Problem(units, reqs, (Aircraft("il76", "Il-76MD", 40, 750, 4000, KANT, 2.0),),
                      {"c0": 2.0, "c1": 1.0})
    optimum = _exact_optimum(problem)
    b = bounds(problem)
    assert b.closure <= optimum[1] + 1e-6
    result = solve(problem, time_limit=5)
    assert check(problem, result.plan) == []
    # minutes are rounded up in the model: within a minute per crisis of the optimum
    assert result.plan.objective.closure <= optimum[1] + 3 / 60 + 1e-6


def test_the_fleet_hours_bound_sees_a_queue_of_sorties() -> None:
    """Six heavy units, all far away, one aircraft: the earliest-arrival bound ignores the
    queue; the fleet-hours bound does not."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 400, MOSCOW, 2.0, 40.0) for i in range(6))
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 400, OSH, 24.0) for i in range(6))
    problem = Problem(units, reqs, (Aircraft("il76", "Il-76MD", 40, 750, 4000, MOSCOW, 2.0),))
    b = bounds(problem)
    single = max(b.earliest.values())
    assert b.fleet_bound["c"] > 3 * single
    assert b.closure == pytest.approx(b.fleet_bound["c"])
    assert plan(problem).objective.closure >= b.closure - 1e-6


def test_every_unit_gets_one_line_of_explanation() -> None:
    problem = instance("small", 2)
    withheld = problem.units[0]
    barred = problem.units[1]
    problem = replace(problem, units=(replace(withheld, available=False), *problem.units[1:]),
                      barred={(barred.id, c): "the CRRF is not used in a bilateral dispute"
                              for c in problem.crisis_weight})
    p = plan(problem)
    lines = explain(problem, p)
    assert set(lines) == {u.id for u in problem.units}
    assert lines[withheld.id] == f"not made available by {withheld.state}"
    assert barred.id not in {m.unit for m in p.movements}
    for m in p.movements:
        assert lines[m.unit].startswith(f"serves {m.requirement} ")
    if any(r.capability == barred.capability and r.strength <= barred.strength
           for r in problem.requirements):
        assert "bilateral" in lines[barred.id]


def test_barred_units_are_never_used_and_the_checker_catches_them() -> None:
    problem = instance("small", 4)
    p = plan(problem)
    used = p.movements[0]
    crisis = next(r.crisis for r in problem.requirements if r.id == used.requirement)
    barred = replace(problem, barred={(used.unit, crisis): "withheld for this crisis"})
    assert any("withheld" in e for e in check(barred, p))
    assert used.unit not in {m.unit for m in plan(barred).movements
                             if m.requirement.startswith(crisis)}


def test_repair_keeps_what_is_moving_and_drops_a_withdrawn_unit() -> None:
    problem = instance("small", 6)
    first = solve(problem, time_limit=2).plan
    now = sorted(m.arrive_h for m in first.movements)[len(first.movements) // 3]
    moving = [m for m in first.movements
              if (min(s.depart_h for s in m.sorties) if m.sorties
                  else next(u for u in problem.units if u.id == m.unit).readiness_h) <= now]
    assert moving
    idle = next(m for m in first.movements if m not in moving)
    withdrawn = replace(problem, units=tuple(replace(u, available=False) if u.id == idle.unit
                                             else u for u in problem.units))
    result = repair(withdrawn, first, now, time_limit=2)
    assert check(result.problem, result.plan) == []
    assert set(result.problem.fixed) == set(moving)
    kept = {(m.requirement, m.unit, m.arrive_h) for m in result.plan.movements}
    assert {(m.requirement, m.unit, m.arrive_h) for m in moving} <= kept
    assert idle.unit not in {m.unit for m in result.plan.movements}
    fresh = [m for m in result.plan.movements if m not in moving]
    units = {u.id: u for u in problem.units}
    for m in fresh:  # nothing new leaves before the re-plan
        assert all(s.depart_h >= now - 1e-6 for s in m.sorties)
        if not m.sorties:
            assert m.arrive_h >= now + road_arrival(units[m.unit], next(
                r for r in problem.requirements if r.id == m.requirement), problem) \
                - units[m.unit].readiness_h - 1e-6


def test_repair_after_a_new_crisis_covers_it() -> None:
    problem = instance("small", 8, crises=2)
    first = plan(problem)
    extra = instance("small", 8, crises=3)
    added = replace(extra, units=problem.units, aircraft=problem.aircraft)
    result = repair(added, first, 1.0, time_limit=2)
    assert check(result.problem, result.plan) == []
    assert set(result.problem.fixed) <= set(first.movements)
    new = {r.id for r in added.requirements} - {r.id for r in problem.requirements}
    assert new & {m.requirement for m in result.plan.movements}
    assert math.isfinite(result.plan.objective.closure)


def test_or_tools_and_highs_import_together() -> None:
    """OR-Tools bundles HiGHS; a second highspy in the same process would clash."""
    import importlib.util

    from ortools.linear_solver import pywraplp
    from ortools.sat.python import cp_model

    assert cp_model.CpModel() is not None
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    assert solver is not None
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    x = [[solver.BoolVar(f"x{i}{j}") for j in range(3)] for i in range(3)]
    for i in range(3):
        solver.Add(sum(x[i]) == 1)
        solver.Add(sum(x[k][i] for k in range(3)) == 1)
    solver.Minimize(sum(cost[i][j] * x[i][j] for i in range(3) for j in range(3)))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    assert solver.Objective().Value() == pytest.approx(5)
    assert importlib.util.find_spec("highspy") is None, "a separate highspy is installed"


def test_the_priority_search_stops_a_light_crisis_starving_a_heavy_one() -> None:
    """One aircraft. Every greedy ordering serves crisis a first (needed sooner, larger,
    first by name): its unit takes the aircraft and crisis b, which weighs three times as
    much, waits for it. Moving b's requirement ahead, as the search does, flies b first
    and a after it."""
    ua = Unit("ua", "RUS", "airborne", 500, KANT, 2.0, 30.0)
    ub = Unit("ub", "RUS", "special_police", 100, MOSCOW, 2.0, 30.0)
    ra = Requirement("ra", "a", "airborne", 500, BATKEN, 12.0)
    rb = Requirement("rb", "b", "special_police", 100, OSH, 24.0)
    problem = Problem((ua, ub), (ra, rb), (Aircraft("il76", "Il-76MD", 40, 750, 4000, KANT),),
                      {"a": 1.0, "b": 3.0})
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
    assert order[0] == "ra" and first.objective.closure > 30  # b waits for the aircraft
    found: list[Plan] = []
    better = priority_search(problem, cands, first, order, 10_000, math.inf, 0, found.append)
    assert better.objective.closure < first.objective.closure - 5
    assert found and found[-1] == replace(better, method="priority-search")
    assert check(problem, better) == []
    by_req = {m.requirement: m for m in better.movements}
    assert by_req["rb"].arrive_h < by_req["ra"].arrive_h
    assert by_req["rb"].sorties[0].depart_h < by_req["ra"].sorties[0].depart_h


def test_cp_sat_shares_units_among_aircraft_and_reorders_them() -> None:
    """Two aircraft; each unit takes both (70 t in 40 t loads). The greedy serves the
    lighter crisis first; CP-SAT alone (no priority search) flies the heavier crisis's
    unit first, on both aircraft, and proves it optimal among its choices."""
    ua = Unit("ua", "RUS", "airborne", 500, KANT, 2.0, 70.0)
    ub = Unit("ub", "RUS", "special_police", 100, MOSCOW, 2.0, 70.0)
    ra = Requirement("ra", "a", "airborne", 500, BATKEN, 12.0)
    rb = Requirement("rb", "b", "special_police", 100, OSH, 24.0)
    fleet = tuple(Aircraft(f"il{i}", "Il-76MD", 40, 750, 4000, KANT) for i in (1, 2))
    problem = Problem((ua, ub), (ra, rb), fleet, {"a": 1.0, "b": 3.0})
    seen: list[Plan] = []
    result = solve(problem, time_limit=5, search_share=0, on_plan=seen.append, exact_nodes=0)
    assert result.status == "OPTIMAL"
    assert result.plan.method == "cp-sat"
    exact = solve(problem, time_limit=5, search_share=0)  # the sortie-level model proves it
    assert exact.status == "optimal" and exact.optimal and exact.gap is not None
    assert exact.plan.objective.closure == pytest.approx(result.plan.objective.closure,
                                                         abs=2 / 60)
    assert result.plan.objective.closure < result.greedy.objective.closure - 5
    assert all(check(problem, p) == [] for p in seen)
    by_req = {m.requirement: m for m in result.plan.movements}
    assert by_req["rb"].arrive_h < by_req["ra"].arrive_h
    for m in by_req.values():
        assert {s.aircraft for s in m.sorties} == {"il1", "il2"}
        assert sum(s.load_t for s in m.sorties) == pytest.approx(70.0)


def test_a_plan_at_the_lower_bound_ends_the_search_at_once() -> None:
    """Three aircraft at the unit's home carry its 100 t in one wave: the greedy plan
    meets the earliest-arrival bound, on time, so nothing can beat it and the time limit
    is not spent."""
    unit = Unit("ru-vdv", "RUS", "airborne", 500, MOSCOW, 6, 100)
    need = Requirement("r", "c", "airborne", 500, OSH, 48)
    fleet = tuple(Aircraft(f"a{i}", "Il-76", 40, 750, 4000, MOSCOW) for i in range(3))
    problem = Problem((unit,), (need,), fleet)
    result = solve(problem, time_limit=30)
    assert result.status == "at the bound"
    assert result.seconds < 5
    assert result.gap == pytest.approx(0.0)
    assert check(problem, result.plan) == []


@pytest.mark.parametrize("seed", range(6))
def test_improved_plans_with_mixed_fleets_stay_above_the_bounds(seed: int) -> None:
    """The improved plans come closest to the bounds: they must not cross them."""
    from tests.unit.test_planner import mixed

    problem = mixed(seed)
    result = solve(problem, time_limit=1.5, seed=seed)
    p, b = result.plan, result.bounds
    assert check(problem, p) == []
    if set(p.uncovered) == set(b.uncoverable):
        assert p.objective.closure >= b.closure - 1e-6
        assert result.gap is not None and result.gap >= 0


def test_an_aircraft_route_up_to_a_sortie_under_way_is_kept() -> None:
    """Unit ux's loads are shared by a0 and a1; a0 has left, a1 first carries uy, then
    ux's second load. At 2 h ux is moving, so a1's route up to ux's load (uy's sortie)
    is committed too; a1's sortie after ux's is not."""
    m_x = Movement("r1", "ux", "air", 9.0, (
        Sortie("a0", "ux", "r1", 1.0, 4.0, 40, MOSCOW),
        Sortie("a1", "ux", "r1", 7.0, 9.0, 40, OSH)))
    m_y = Movement("r2", "uy", "air", 5.0, (Sortie("a1", "uy", "r2", 3.0, 5.0, 40, KANT),))
    m_z = Movement("r3", "uz", "air", 14.0, (Sortie("a1", "uz", "r3", 12.0, 14.0, 40, OSH),))
    units = tuple(Unit(u, "RUS", "airborne", 500, MOSCOW, 0.5, 80) for u in ("ux", "uy", "uz"))
    problem = Problem(units, (), ())
    p = Plan((m_x, m_y, m_z), (), objective(problem, [], 0))
    assert set(under_way(problem, p, 2.0)) == {m_x, m_y}
    assert under_way(problem, p, 0.5) == ()


def test_a_withdrawal_mid_flight_is_repaired_into_a_checked_plan() -> None:
    """A unit withdrawn while one of its loads is in the air: the aircraft that carried it
    goes on with the movement it had already begun, and the repaired plan passes the
    checker (found by a sweep of withdrawals over random mixed fleets)."""
    from tests.unit.test_planner import mixed

    problem = mixed(24)
    first = plan(problem)
    moved = [m for m in first.movements if m.sorties][1]
    assert moved.unit == "u14"
    withdrawn = replace(problem, units=tuple(
        replace(u, available=False) if u.id == moved.unit else u for u in problem.units))
    result = repair(withdrawn, first, 9.404874068960407, time_limit=0.5)
    assert check(result.problem, result.plan) == []
    assert moved.unit not in {m.unit for m in result.plan.movements}


def test_the_neighbourhood_lets_one_aircraft_alternate_units() -> None:
    """One Il-76 at Moscow; unit x (80 t: two loads) is ready at once, unit y (one load)
    only when the aircraft is back from x's first load, and y's crisis weighs three
    times as much. The best plan flies x, then y, then x again: whole blocks per unit
    (x x y or y x x) close the crises later. Two blocks per unit and aircraft find it."""
    haul = distance_km(MOSCOW, OSH) / 750
    cycle = 2 * haul + 2.0
    ux = Unit("ux", "RUS", "airborne", 500, MOSCOW, 0.0, 80.0)
    uy = Unit("uy", "RUS", "special_police", 100, MOSCOW, cycle, 40.0)
    rx = Requirement("rx", "a", "airborne", 500, OSH, 72.0)
    ry = Requirement("ry", "b", "special_police", 100, OSH, 72.0)
    problem = Problem((ux, uy), (rx, ry), (Aircraft("il", "Il-76MD", 40, 750, 4000, MOSCOW),),
                      {"a": 1.0, "b": 3.0})
    alternating = 3 * (cycle + haul) + (2 * cycle + haul)
    kw = {"time_limit": 5, "search_share": 0.0, "exact_nodes": 0, "wall_clock": False}
    blocks = solve(problem, blocks=1, **kw)  # type: ignore[arg-type]
    assert blocks.plan.objective.closure > alternating + 5
    both = solve(problem, blocks=2, **kw)  # type: ignore[arg-type]
    assert check(problem, both.plan) == []
    assert both.plan.objective.closure == pytest.approx(alternating, abs=0.05)
    order = sorted((s.depart_h, s.unit) for m in both.plan.movements for s in m.sorties)
    assert [u for _d, u in order] == ["ux", "uy", "ux"]


def test_a_run_cancelled_while_cp_sat_searches_stops_with_the_cancellation() -> None:
    """CP-SAT searches on a thread of its own beside the bound: what the caller's report
    raises there (a run cancelled) ends the run with that exception, not a plan."""
    import threading

    class Stop(Exception):
        pass

    ua = Unit("ua", "RUS", "airborne", 500, KANT, 2.0, 70.0)
    ub = Unit("ub", "RUS", "special_police", 100, MOSCOW, 2.0, 70.0)
    ra = Requirement("ra", "a", "airborne", 500, BATKEN, 12.0)
    rb = Requirement("rb", "b", "special_police", 100, OSH, 24.0)
    fleet = tuple(Aircraft(f"il{i}", "Il-76MD", 40, 750, 4000, KANT) for i in (1, 2))
    problem = Problem((ua, ub), (ra, rb), fleet, {"a": 1.0, "b": 3.0})
    threads: list[str] = []

    def report(p: Plan) -> None:
        threads.append(threading.current_thread().name)
        if threading.current_thread().name == "cp-sat":
            raise Stop()

    with pytest.raises(Stop):
        solve(problem, time_limit=5, search_share=0, on_plan=report, exact_nodes=0)
    assert threads[-1] == "cp-sat"


def test_a_run_cancelled_during_the_searches_stops_the_bound_beside_them() -> None:
    """The time-space bound is searched on a thread of its own while the searches run:
    a cancellation raised by the caller's report during a search ends the run with that
    exception at once, and the bound's thread stops with it (no solve after it)."""
    import threading

    class Stop(Exception):
        pass

    problem = instance("small", 2)
    calls: list[str] = []

    def report(p: Plan) -> None:
        calls.append(threading.current_thread().name)
        if p.method == "priority-search":
            raise Stop()

    before = {t.name for t in threading.enumerate()}
    with pytest.raises(Stop):
        solve(problem, time_limit=30, seed=1, on_plan=report, exact_nodes=0,
              wall_clock=False)
    assert calls[-1] == "MainThread"
    for t in threading.enumerate():  # the bound's thread is over or ends at its next solve
        if t.name == "time-space" and t.name not in before:
            t.join(timeout=5)
            assert not t.is_alive()
