"""The search over crisis deadlines: every plan it builds passes the checker, whatever the
deadlines; its timelines let one aircraft carry loads of several units in turn; it never
returns a plan worse than the one it started from, and the same seed gives the same
plan."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from phalanx.domain.forces.deadlines import build, deadline_search
from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.greedy import Candidates, best_greedy
from phalanx.domain.forces.improve import solve
from phalanx.domain.forces.model import Aircraft, Plan, Problem, Requirement, Unit, closures
from phalanx.domain.forces.planner import check, distance_km
from phalanx.domain.forces.timelines import Timelines, airlift_by

MOSCOW = (55.88, 38.06)
OSH = (40.61, 72.79)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_plan_built_for_any_deadlines_passes_the_checker(seed: int) -> None:
    problem = instance("operational", seed, units=150, crises=3, aircraft=8, per_crisis=4)
    cands = Candidates(problem)
    greedy, _order = best_greedy(problem, cands)
    close = closures(problem, greedy.movements)
    rng = random.Random(seed)
    for _ in range(6):
        due = {c: t * rng.uniform(0.3, 1.2) for c, t in close.items()}
        rank = {r.id: rng.random() for r in problem.requirements}
        built = build(problem, cands, due, rank)
        assert check(problem, built) == []
        assert built.objective.uncovered == greedy.objective.uncovered


def test_one_aircraft_carries_loads_of_two_units_in_turn() -> None:
    """One Il-76 at Moscow; x (80 t: two loads) is ready at once, y (one load) only when
    the aircraft is back from x's first load, and y's crisis comes first. y's load takes
    the aircraft when y is ready; x's first load fits in the gap before it, its second
    after it: x, y, x."""
    haul = distance_km(MOSCOW, OSH) / 750
    cycle = 2 * haul + 2.0
    ux = Unit("ux", "RUS", "airborne", 500, MOSCOW, 0.0, 80.0)
    uy = Unit("uy", "RUS", "special_police", 100, MOSCOW, cycle, 40.0)
    rx = Requirement("rx", "a", "airborne", 500, OSH, 72.0)
    ry = Requirement("ry", "b", "special_police", 100, OSH, 72.0)
    problem = Problem((ux, uy), (rx, ry), (Aircraft("il", "Il-76MD", 40, 750, 4000, MOSCOW),),
                      {"a": 1.0, "b": 3.0})
    built = build(problem, Candidates(problem), {"b": cycle + haul, "a": 3 * cycle}, {})
    assert check(problem, built) == []
    order = sorted((s.depart_h, s.unit) for m in built.movements for s in m.sorties)
    assert [u for _d, u in order] == ["ux", "uy", "ux"]
    alternating = 3 * (cycle + haul) + (2 * cycle + haul)
    assert built.objective.closure == pytest.approx(alternating, abs=1e-6)


@pytest.mark.parametrize("seed", [1, 3])
def test_the_search_never_returns_worse_and_is_reproducible(seed: int) -> None:
    problem = instance("small", seed)
    cands = Candidates(problem)
    greedy, _order = best_greedy(problem, cands)
    kept: list[Plan] = []
    found = deadline_search(problem, cands, greedy, 150_000, seed, kept.append)
    assert found.objective.key() <= greedy.objective.key()
    assert all(check(problem, p) == [] for p in kept)
    keys = [p.objective.key() for p in kept]
    assert keys == sorted(keys, reverse=True)
    again = deadline_search(problem, cands, greedy, 150_000, seed, lambda p: None)
    assert again == found


def test_the_search_improves_on_greedy_where_crises_compete() -> None:
    problem = instance("small", 1)
    cands = Candidates(problem)
    greedy, _order = best_greedy(problem, cands)
    found = deadline_search(problem, cands, greedy, 300_000, 1, lambda p: None)
    assert found.objective.closure < 0.95 * greedy.objective.closure


def test_plans_built_under_way_keep_what_is_moving() -> None:
    problem = instance("operational", 2, units=150, crises=3, aircraft=8, per_crisis=4)
    first = solve(problem, time_limit=0.1).plan
    moving = tuple(m for m in first.movements if m.sorties)[:2]
    fixed = replace(problem, fixed=moving)
    cands = Candidates(fixed)
    close = closures(problem, first.movements)
    built = build(fixed, cands, {c: t * 0.8 for c, t in close.items()}, {})
    assert check(fixed, built) == []
    assert set(moving) <= set(built.movements)


def test_no_unit_lands_by_air_before_the_soonest_first_load() -> None:
    """The build skips a unit late by ground when its first load could not land in time
    (`Timelines.soonest`): that must be a true bound on its air arrival, also on busy
    timelines, and the remembered gaps must be what a fresh look finds."""
    problem = instance("operational", 2, units=200, crises=3, aircraft=6, per_crisis=6)
    cands = Candidates(problem)
    lines = Timelines(problem)
    rng = random.Random(2)
    checked = 0
    for req in problem.requirements:
        for _lb, unit in cands.by_req[req.id][:8]:
            flown = airlift_by(problem, lines, unit, req, rng.uniform(5.0, 40.0))
            if flown is None:
                continue
            assert lines.soonest(problem, unit, req, None) <= flown[0] + 1e-9
            for a in problem.aircraft:  # remembered before the last commit, or fresh
                if distance_km(unit.home, req.place) <= a.range_km:
                    fresh = lines.place(a, unit, req, lines.legs[a.id])
                    assert lines.gap(a, unit, req, None, None)[:3] == fresh
            checked += 1
            lines.commit(flown[1])  # each unit weighed flies: the timelines fill up
    assert checked > 20
    assert sum(len(v) for v in lines.legs.values()) > 20  # busy timelines


@pytest.mark.parametrize(("crises", "large"), [(2, False), (4, False), (13, True)])
def test_large_instances_give_the_deadline_search_most_of_the_time(
        monkeypatch: pytest.MonkeyPatch, crises: int, large: bool) -> None:
    """From `LARGE` requirements on, the searches take `LARGE_SEARCH_SHARE` of the time
    limit and the deadline search `LARGE_DEADLINE_SHARE` of that, starting from the greedy
    plan; below `SMALL` the deadline search takes `SMALL_DEADLINE_SHARE` of the searches'
    share, after the priority search; in between, the searches take `MEDIUM_SEARCH_SHARE`
    and the deadline search `DEADLINE_SHARE` of it."""
    from phalanx.domain.forces import improve
    problem = instance("operational", 1, units=300, crises=crises, aircraft=6, per_crisis=8)
    assert (len(problem.requirements) >= improve.LARGE) is large
    small = len(problem.requirements) < improve.SMALL
    assert small is (crises == 2)
    steps: list[int] = []
    starts: list[Plan] = []
    calls: list[str] = []

    def spy(problem: Problem, cands: Candidates, start: Plan, n: int, *a: object,
            **kw: object) -> Plan:
        steps.append(n)
        starts.append(start)
        calls.append("deadlines")
        return start

    def priority(*a: object, **kw: object) -> None:
        calls.append("priority")

    monkeypatch.setattr(improve, "deadline_search", spy)
    monkeypatch.setattr(improve, "priority_search", priority)
    monkeypatch.setattr(improve, "_round", lambda *a, **kw: ("UNKNOWN", 1e9, 0.0))
    improve.solve(problem, time_limit=2.0, wall_clock=False, exact_nodes=0)
    search, share = ((improve.LARGE_SEARCH_SHARE, improve.LARGE_DEADLINE_SHARE) if large
                     else (improve.SEARCH_SHARE, improve.SMALL_DEADLINE_SHARE) if small
                     else (improve.MEDIUM_SEARCH_SHARE, improve.DEADLINE_SHARE))
    assert steps == [int(2.0 * search * share * improve.DEADLINE_STEPS)]
    assert calls == (["deadlines", "priority"] if large else ["priority", "deadlines"])
    assert starts == [best_greedy(problem)[0]]


@pytest.mark.parametrize("crises", [2, 4])
def test_on_medium_instances_the_joint_bound_runs_beside_the_deadline_search(
        monkeypatch: pytest.MonkeyPatch, crises: int) -> None:
    """From `SMALL` requirements on, the joint bound is handed the priority search's best
    plan before the deadline search starts (so that it runs beside it); below, it waits
    for the deadline search's."""
    from phalanx.domain.forces import beside, improve
    problem = instance("operational", 1, units=300, crises=crises, aircraft=6, per_crisis=8)
    medium = len(problem.requirements) >= improve.SMALL
    assert medium is (crises == 4)
    calls: list[str] = []
    handed: list[Plan] = []
    starts: list[Plan] = []

    def deadlines(problem: Problem, cands: Candidates, start: Plan, *a: object,
                  **kw: object) -> Plan:
        calls.append("deadlines")
        starts.append(start)
        return start

    def priority(*a: object, **kw: object) -> None:
        calls.append("priority")

    original = beside.Tightener.searched

    def searched(self: beside.Tightener, plan: Plan) -> None:
        if not handed:
            calls.append("joint")
            handed.append(plan)
        original(self, plan)

    monkeypatch.setattr(improve, "deadline_search", deadlines)
    monkeypatch.setattr(improve, "priority_search", priority)
    monkeypatch.setattr(beside.Tightener, "searched", searched)
    monkeypatch.setattr(improve, "_round", lambda *a, **kw: ("UNKNOWN", 1e9, 0.0))
    improve.solve(problem, time_limit=1.0, wall_clock=False, exact_nodes=0)
    assert calls == (["priority", "joint", "deadlines"] if medium
                     else ["priority", "deadlines", "joint"])
    assert handed[0] is starts[0]  # the best plan when the deadline search starts


def test_a_crisis_no_unit_may_serve_does_not_stop_the_search() -> None:
    """A crisis planned with others whose every requirement no unit can meet (no state
    has answered for it yet) has no closure: the search over deadlines lowers the others'
    and leaves it uncovered, instead of failing on its infinite closure."""
    dushanbe, moscow, kant, osh = (38.56, 68.78), (55.75, 37.62), (42.85, 74.85), (40.53, 72.8)
    units = (Unit("u0", "RUS", "airborne", 500, dushanbe, 22.0, 67.0),
             Unit("u1", "RUS", "airborne", 500, moscow, 2.3, 104.0))
    reqs = (Requirement("r0", "c0", "airborne", 300, dushanbe, 48),
            Requirement("r1", "c1", "medical", 300, moscow, 48),
            Requirement("r2", "c2", "medical", 300, dushanbe, 48),
            Requirement("r3", "c0", "airborne", 300, dushanbe, 48))
    planes = (Aircraft("a0", "Il-76", 40, 750, 4000, kant), Aircraft("a1", "Il-76", 40, 750,
                                                                       4000, osh))
    problem = Problem(units, reqs, planes, {"c0": 3.0, "c1": 1.0, "c2": 2.0})
    result = solve(problem, time_limit=0.6, exact_nodes=0, wall_clock=False)
    assert check(problem, result.plan) == []
    assert set(result.plan.uncovered) == {"r1", "r2"}
    assert set(closures(problem, result.plan.movements)) == {"c0"}
