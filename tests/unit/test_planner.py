"""The deployment planner's first part: every plan it returns passes the independent
checker, broken plans do not, consent is respected, bounds hold and are reproducible."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.forces import generate
from phalanx.domain.forces.flying import Work
from phalanx.domain.forces.greedy import Candidates, Trace
from phalanx.domain.forces.planner import (
    Aircraft,
    Plan,
    Problem,
    Requirement,
    Unit,
    bounds,
    check,
    distance_km,
    eligible,
    objective,
    plan,
    taken,
)

KANT = (42.85, 74.85)
OSH = (40.53, 72.80)
DUSHANBE = (38.56, 68.78)
ALMATY = (43.24, 76.89)
MOSCOW = (55.75, 37.62)


def instance(seed: int, units: int = 20, reqs: int = 6, planes: int = 3) -> Problem:
    rng = random.Random(seed)
    caps = ["airborne", "motorized_rifle", "special_police", "medical"]
    homes = [KANT, OSH, DUSHANBE, ALMATY, MOSCOW]
    return Problem(
        units=tuple(Unit(f"u{i}", rng.choice(["RUS", "KAZ", "KGZ", "TJK"]), rng.choice(caps),
                         rng.choice([300, 500, 800]), rng.choice(homes),
                         rng.uniform(2, 24), rng.uniform(20, 200), rng.random() > 0.15)
                    for i in range(units)),
        requirements=tuple(Requirement(f"r{i}", f"c{i % 2}", rng.choice(caps),
                                       rng.choice([300, 500]), rng.choice([OSH, DUSHANBE]),
                                       rng.uniform(12, 72)) for i in range(reqs)),
        aircraft=tuple(Aircraft(f"a{i}", "Il-76", 40, 750, 4000, KANT) for i in range(planes)),
        crisis_weight={"c0": 2.0, "c1": 1.0})


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_every_plan_passes_the_checker_and_respects_its_bounds(seed: int) -> None:
    problem = instance(seed)
    p = plan(problem)
    assert check(problem, p) == []
    b = bounds(problem)
    assert p.objective.uncovered >= b.min_uncovered
    assert set(b.uncoverable) <= set(p.uncovered)
    if p.objective.uncovered == 0:
        assert p.objective.closure >= b.closure - 1e-6
    assert plan(problem) == p  # same inputs, same plan


def test_units_not_made_available_are_never_used() -> None:
    problem = instance(3)
    withheld = {u.id for u in problem.units if not u.available}
    assert withheld
    assert not withheld & {m.unit for m in plan(problem).movements}


def test_the_checker_catches_broken_plans() -> None:
    problem = instance(7, units=30, reqs=8)
    good = plan(problem)
    assert check(problem, good) == []
    air = next(m for m in good.movements if m.mode == "air" and m.sorties)
    faster = replace(air, sorties=tuple(replace(s, arrive_h=s.depart_h + 0.01)
                                        for s in air.sorties),
                     arrive_h=air.sorties[0].depart_h + 0.01)
    broken = Plan(tuple(faster if m is air else m for m in good.movements), good.uncovered,
                  good.objective)
    problems = check(problem, broken)
    assert any("faster" in e for e in problems)
    twice = Plan((*good.movements, replace(good.movements[0], requirement=good.uncovered[0]
                                           if good.uncovered else "r0")),
                 good.uncovered, good.objective)
    assert check(problem, twice)
    withheld = next(u for u in problem.units if not u.available)
    stolen = replace(good.movements[0], unit=withheld.id)
    assert any("not made available" in e
               for e in check(problem, Plan((stolen, *good.movements[1:]), good.uncovered,
                                            good.objective)))


def test_an_uncoverable_requirement_is_proven_so() -> None:
    problem = instance(1)
    impossible = Requirement("rx", "c0", "submarine", 10, OSH, 24)
    problem = replace(problem, requirements=(*problem.requirements, impossible))
    b = bounds(problem)
    assert "rx" in b.uncoverable
    assert "rx" in plan(problem).uncovered


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_every_requirement_left_uncovered_that_a_unit_could_meet_says_who_took_its_units(
        seed: int) -> None:
    """Scarce units of each kind: the plan leaves requirements uncovered, and for each one
    some unit could meet, `taken` names every such unit with the requirement it serves."""
    problem = instance(seed, units=6, reqs=8)
    p = plan(problem)
    took = taken(problem, p)
    serving = {m.unit: m.requirement for m in p.movements}
    for r in problem.requirements:
        usable = {u.id for u in problem.units if eligible(u, r, problem.barred)}
        if r.id not in p.uncovered or not usable:
            assert r.id not in took
            continue
        assert {u for u, _by in took[r.id]} == usable
        assert all(serving[u] == by and by != r.id for u, by in took[r.id])


def test_a_requirement_whose_only_unit_serves_another_is_said_so() -> None:
    unit = Unit("u1", "KGZ", "medical", 100, KANT, 2, 20, True)
    first = Requirement("r1", "c0", "medical", 100, OSH, 12)
    second = Requirement("r2", "c1", "medical", 100, DUSHANBE, 48)
    nobody = Requirement("r3", "c1", "submarine", 10, OSH, 24)
    problem = Problem(units=(unit,), requirements=(first, second, nobody), aircraft=(),
                      crisis_weight={"c0": 2.0, "c1": 1.0})
    p = plan(problem)
    assert set(p.uncovered) == {"r2", "r3"}
    assert taken(problem, p) == {"r2": [("u1", "r1")]}


def test_air_beats_road_over_long_distances_and_heavy_units_need_several_sorties() -> None:
    far = Unit("ru-vdv", "RUS", "airborne", 500, MOSCOW, 6, 100)
    need = Requirement("r", "c", "airborne", 500, OSH, 48)
    problem = Problem((far,), (need,), (Aircraft("a", "Il-76", 40, 750, 4000, KANT),))
    p = plan(problem)
    (m,) = p.movements
    assert m.mode == "air" and len(m.sorties) == 3  # 100 t in 40 t loads
    assert check(problem, p) == []


@pytest.mark.parametrize("units", [60, 200])
def test_larger_instances_still_check(units: int) -> None:
    problem = instance(42, units=units, reqs=units // 10, planes=8)
    assert check(problem, plan(problem)) == []


def test_several_aircraft_share_a_heavy_unit_and_the_checker_holds_them_to_it() -> None:
    """100 t with three Il-76 at hand: three aircraft fly one load each at once, instead
    of one aircraft flying three sorties; the last load lands one sortie after the unit
    is ready. A plan whose loads fall short of the unit's weight fails the checker."""
    far = Unit("ru-vdv", "RUS", "airborne", 500, MOSCOW, 6, 100)
    need = Requirement("r", "c", "airborne", 500, OSH, 48)
    fleet = tuple(Aircraft(f"a{i}", "Il-76", 40, 750, 4000, MOSCOW) for i in range(3))
    problem = Problem((far,), (need,), fleet)
    p = plan(problem)
    (m,) = p.movements
    assert m.mode == "air" and sorted(s.aircraft for s in m.sorties) == ["a0", "a1", "a2"]
    assert sorted(s.load_t for s in m.sorties) == [20, 40, 40]
    haul = distance_km(MOSCOW, OSH) / 750
    assert m.arrive_h == pytest.approx(6 + haul)
    assert check(problem, p) == []
    short = replace(m, sorties=m.sorties[:2])
    broken = Plan((short,), (), objective(problem, [short], 0))
    assert any("carried of 100" in e for e in check(problem, broken))
    b = bounds(problem)  # the earliest-arrival bound allows for the sharing
    assert b.closure <= p.objective.closure + 1e-6
    assert b.closure == pytest.approx(6 + haul)


FLEET = [("Il-76", 40, 750, 4000, 2.0), ("An-124", 120, 800, 4800, 3.0),
         ("An-26", 5.5, 440, 1100, 1.0), ("Mi-8", 4, 230, 580, 0.75),
         ("Mi-26", 20, 255, 670, 1.5)]


def mixed(seed: int) -> Problem:
    """A mixed fleet at several bases, units of all weights: every bound must stay below
    every plan the planner can fly."""
    rng = random.Random(seed)
    base = instance(seed, units=16, reqs=5)
    planes = []
    for i in range(rng.randint(1, 5)):
        kind, payload, speed, range_km, turn = rng.choice(FLEET)
        planes.append(Aircraft(f"m{i}", kind, payload, speed, range_km,
                               rng.choice([KANT, MOSCOW, DUSHANBE, ALMATY]), turn))
    return replace(base, aircraft=tuple(planes))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_the_bounds_stay_below_plans_with_mixed_fleets(seed: int) -> None:
    problem = mixed(seed)
    p = plan(problem)
    assert check(problem, p) == []
    b = bounds(problem)
    if set(p.uncovered) == set(b.uncoverable):  # every requirement that can be, covered
        assert b.gap(p) is not None
        assert p.objective.closure >= b.closure - 1e-6
        for crisis, close in b.crisis_closure.items():
            reached = [m.arrive_h for m in p.movements if m.requirement.startswith("r")
                       and int(m.requirement[1:]) % 2 == int(crisis[1:])]
            if reached:
                assert max(reached) >= close - 1e-6
    else:  # the closure bound assumes them covered: no gap is claimed
        assert b.gap(p) is None


def test_the_flow_bound_sees_one_aircraft_serving_two_requirements() -> None:
    """Two 40 t units at Moscow for one crisis at Osh, one Il-76 there: each alone lands
    one sortie after it is ready, but the aircraft carries them one after the other, so
    the crisis closes no sooner than a second landing (a round trip later, counting the
    haul and the turnaround; the empty flight back is not counted)."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 500, MOSCOW, 6, 40) for i in range(2))
    reqs = tuple(Requirement(f"r{i}", "c", "airborne", 500, OSH, 72) for i in range(2))
    problem = Problem(units, reqs, (Aircraft("a", "Il-76", 40, 750, 4000, MOSCOW, 2.0),))
    haul = distance_km(MOSCOW, OSH) / 750
    b = bounds(problem)
    assert max(b.earliest.values()) == pytest.approx(6 + haul)
    assert b.crisis_closure["c"] == pytest.approx(6 + 2 * haul + 2.0, abs=1e-2)
    p = plan(problem)
    assert p.objective.closure == pytest.approx(6 + 3 * haul + 2.0)  # and back for the second


def test_the_order_bound_sees_crises_closing_one_after_another() -> None:
    """Three crises at Osh, each wanting one 40 t unit from Moscow, one Il-76: whichever
    closes first, the second waits for a second landing and the third for a third, so
    the closures add up to at least three crises' worth of waiting — more than the
    per-crisis bounds with the last one raised to the fleet's makespan."""
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 500, MOSCOW, 6, 40) for i in range(3))
    reqs = tuple(Requirement(f"r{i}", f"c{i}", "airborne", 500, OSH, 72) for i in range(3))
    problem = Problem(units, reqs, (Aircraft("a", "Il-76", 40, 750, 4000, MOSCOW, 2.0),))
    haul = distance_km(MOSCOW, OSH) / 750
    b = bounds(problem)
    alone = 6 + haul
    assert b.makespan == pytest.approx(6 + 3 * haul + 4.0, abs=1e-2)
    per_crisis = 3 * alone + (b.makespan - alone)
    assert b.closure == pytest.approx(alone + (alone + haul + 2) + (alone + 2 * haul + 4),
                                      abs=3e-2)
    assert b.closure > per_crisis + haul
    assert plan(problem).objective.closure >= b.closure - 1e-6


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_a_greedy_resumed_from_a_shared_start_is_the_greedy_run_afresh(a: int, b: int) -> None:
    """The priority search resumes the greedy where two orders part: the plan and the
    work counted are those of a run from the start."""
    problem = generate.instance("small", 3)
    if a % 2:  # and with airfields taking one or two aircraft on the ground at once
        places = sorted({r.drop for r in problem.requirements})
        problem = replace(problem, aprons=tuple((p, 1 + i % 2) for i, p in enumerate(places)))
    cands = Candidates(problem)
    ids = sorted(r.id for r in problem.requirements)
    first_order = random.Random(a).sample(ids, len(ids))
    second = list(first_order)  # one requirement moved ahead, as the search does
    k = random.Random(b).randrange(len(ids))
    second.insert(random.Random(b + 1).randrange(k + 1), second.pop(k))
    before = Trace(problem, cands, first_order, Work())
    resumed_work, fresh_work = Work(), Work()
    resumed = Trace(problem, cands, second, resumed_work, before)
    fresh = Trace(problem, cands, second, fresh_work)
    assert resumed.plan == fresh.plan
    assert resumed_work.steps == fresh_work.steps > 0
    assert resumed.states == fresh.states
    assert check(problem, resumed.plan) == []
