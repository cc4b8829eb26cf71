"""Where a unit boards aircraft (`domain/forces/boarding.py`): the rule over the kinds of
the dataset's bases, and the planner, its checker and its bounds with units that go by
ground to an airfield before they fly (by ground to a crisis they still leave from their
garrison)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.forces import withdrawal
from phalanx.domain.forces.boarding import Base, boarding, boardings
from phalanx.domain.forces.greedy import Candidates
from phalanx.domain.forces.improve import priority_search, solve
from phalanx.domain.forces.model import ROAD_FACTOR, ROAD_KMH
from phalanx.domain.forces.planner import (
    Aircraft,
    Plan,
    Problem,
    Requirement,
    Unit,
    best_greedy,
    bounds,
    check,
    distance_km,
    objective,
    plan,
    under_way,
)
from phalanx.domain.forces.timespace import LpWork
from tests.unit.test_planner import ALMATY, DUSHANBE, KANT, MOSCOW, OSH, mixed
from tests.unit.test_planner_improve import _exact_optimum

CHKALOVSKY = (55.88, 38.06)
IVANOVO = (57.06, 40.98)
PSKOV = (57.78, 28.40)
TALDYKORGAN = (45.02, 78.37)
BASES = [Base("moscow", "RUS", "garrison", MOSCOW), Base("chkalovsky", "RUS", "airbase",
                                                         CHKALOVSKY),
         Base("ivanovo", "RUS", "airbase", IVANOVO),
         Base("taldykorgan", "KAZ", "garrison", TALDYKORGAN),
         Base("almaty", "KAZ", "airfield", ALMATY), Base("kant", "KGZ", "airbase", KANT),
         Base("nowhere", "ARM", "node", (40.2, 44.5))]


def test_a_garrison_with_an_airfield_boards_there_and_one_without_goes_to_one() -> None:
    assert boarding("chkalovsky", BASES, {}) is None  # boards at its garrison
    assert boarding("kant", BASES, {}) is None
    assert boarding("unknown", BASES, {}) is None  # no place known: at its own home
    # no listed time: the nearest of its own state's, by the road estimate
    b = boarding("moscow", BASES, {})
    assert b is not None and b.base == "chkalovsky" and b.place == CHKALOVSKY
    assert b.hours == pytest.approx(distance_km(MOSCOW, CHKALOVSKY) * ROAD_FACTOR / ROAD_KMH)
    # a listed time wins over the estimate, the quickest of them over the nearest
    listed = {("moscow", "chkalovsky"): 3.0, ("moscow", "ivanovo"): 2.5}
    b = boarding("moscow", BASES, listed)
    assert b is not None and (b.base, b.hours) == ("ivanovo", 2.5)
    assert boarding("taldykorgan", BASES, {}).base == "almaty"  # type: ignore[union-attr]
    # a Kazakh garrison by Kant: Almaty, its own state's, though Kant is nearer
    border = Base("border", "KAZ", "garrison", (42.9, 74.6))
    assert distance_km(border.place, KANT) < distance_km(border.place, ALMATY)
    b = boarding("border", [*BASES, border], {})
    assert b is not None and b.base == "almaty"
    # a state with no airfield of its own: the nearest of any state's
    b = boarding("nowhere", BASES, {})
    assert b is not None and b.base == min(
        ("chkalovsky", "ivanovo", "almaty", "kant"),
        key=lambda k: distance_km((40.2, 44.5), next(x.place for x in BASES if x.key == k)))
    assert set(boardings(BASES, listed)) == {"moscow", "taldykorgan", "nowhere"}


def _one_unit(need_by_road: bool = False) -> Problem:
    """A Moscow garrison's 35 t unit ready in 4 h, boarding at Chkalovsky an hour away;
    an Il-76 waiting there; a requirement at Osh (or, by road, at Moscow itself)."""
    unit = Unit("sf", "RUS", "special_forces", 300, MOSCOW, 4.0, 35.0, garrison="moscow",
                boards_at=CHKALOVSKY, boards_h=1.0)
    place = MOSCOW if need_by_road else OSH
    return Problem((unit,), (Requirement("r", "c", "special_forces", 300, place, 48.0),),
                   (Aircraft("a", "Il-76", 40, 750, 4000, CHKALOVSKY, 2.0),))


def test_a_unit_boards_where_it_goes_by_ground_and_flies_from_there() -> None:
    problem = _one_unit()
    p = plan(problem)
    (m,) = p.movements
    haul = distance_km(CHKALOVSKY, OSH) / 750
    assert m.mode == "air"
    (s,) = m.sorties
    assert s.depart_h == pytest.approx(5.0)  # ready at 4 h, at the airfield an hour later
    assert s.arrive_h == pytest.approx(5.0 + haul)
    assert check(problem, p) == []
    # a sortie leaving before the unit has reached the airfield fails the checker, as one
    # flown from its garrison's town
    early = replace(m, sorties=(replace(s, depart_h=4.0, arrive_h=4.0 + haul),),
                    arrive_h=4.0 + haul)
    found = check(problem, Plan((early,), (), objective(problem, [early], 0)))
    assert any("leaves before sf is ready" in e for e in found)
    # boarding at Pskov, farther from Osh than Moscow: a sortie timed from the town flies
    # faster than it can
    pskov = replace(problem, units=(replace(problem.units[0], boards_at=PSKOV),))
    from_town = distance_km(MOSCOW, OSH) / 750
    assert from_town < distance_km(PSKOV, OSH) / 750
    quick = replace(m, sorties=(replace(s, arrive_h=5.0 + from_town),),
                    arrive_h=5.0 + from_town)
    assert check(problem, Plan((quick,), (), objective(problem, [quick], 0))) == []
    assert any("flies faster" in e
               for e in check(pskov, Plan((quick,), (), objective(pskov, [quick], 0))))
    # an aircraft elsewhere flies to the airfield, not to the town
    away = replace(problem, aircraft=(replace(problem.aircraft[0], base=KANT,
                                              speed_kmh=400),))
    (s2,) = plan(away).movements[0].sorties
    assert distance_km(KANT, CHKALOVSKY) / 400 > 5.0
    assert s2.depart_h == pytest.approx(distance_km(KANT, CHKALOVSKY) / 400)
    # the bounds stay below the plan and see the hour to the airfield
    b = bounds(problem, p, LpWork(10**6))
    assert 5.0 + haul - 48 / 96 * 2 <= b.closure <= p.objective.closure + 1e-6


def test_a_unit_on_its_way_to_where_it_boards_is_under_way() -> None:
    """Its first load leaves Chkalovsky at 5 h, an hour after it set off from Moscow: a
    re-plan at 4.5 h keeps it moving; at 3.9 h it has not set off."""
    problem = _one_unit()
    p = plan(problem)
    assert under_way(problem, p, 4.5) == p.movements
    assert under_way(problem, p, 3.9) == ()


def test_by_ground_a_unit_leaves_from_its_garrison() -> None:
    problem = _one_unit(need_by_road=True)
    (m,) = plan(problem).movements
    assert m.mode == "road" and m.arrive_h == pytest.approx(4.0)


KHUJAND = (40.28, 69.62)
BATKEN = (40.06, 70.82)


def test_on_the_way_home_by_ground_a_unit_goes_straight_to_its_garrison() -> None:
    """A Khujand unit (boarding at Dushanbe, 6 h by road) deployed at Batken, 3 h from
    Khujand by the listed road: home by ground in 3 h, not by way of Dushanbe; by air it
    lands at Dushanbe and is home 6 h later."""
    listed = {("batken", "khujand"): 3.0, ("khujand", "batken"): 3.0,
              ("dushanbe", "khujand"): 6.0, ("khujand", "dushanbe"): 6.0}
    unit = Unit("er", "TJK", "emergency_rescue", 150, KHUJAND, 4.0, 38.0, garrison="khujand",
                boards_at=DUSHANBE, boards_h=6.0)
    deployed = [withdrawal.Deployed(unit, BATKEN, "batken", 1.0)]
    problem = withdrawal.problem(deployed, (), "c", 48.0, listed)
    (m,) = plan(problem).movements
    assert m.mode == "road" and withdrawal.home_h(unit, m.arrive_h) == pytest.approx(4.0)
    (r,) = problem.requirements
    assert r.place == DUSHANBE and r.needed_by_h == pytest.approx(42.0)
    assert check(problem, plan(problem)) == []
    # deployed at Almaty, a long road from Khujand: by air to Dushanbe, home 6 h after
    far = withdrawal.problem([withdrawal.Deployed(unit, ALMATY, "almaty", 1.0)],
                             (Aircraft("a", "Il-76", 40, 750, 4000, DUSHANBE),), "c", 48.0,
                             listed)
    p = plan(far)
    (m,) = p.movements
    (s,) = m.sorties
    assert m.mode == "air" and s.arrive_h - s.depart_h == pytest.approx(
        distance_km(ALMATY, DUSHANBE) / 750)
    assert withdrawal.home_h(unit, m.arrive_h) == pytest.approx(s.arrive_h + 6.0)
    assert check(far, p) == []


def boarding_mixed(seed: int) -> Problem:
    """`mixed`, with a third of its units boarding at another place, 0.5 to 6 h away."""
    rng = random.Random(seed * 7 + 1)
    base = mixed(seed)
    return replace(base, units=tuple(
        replace(u, boards_at=rng.choice([KANT, DUSHANBE, ALMATY, CHKALOVSKY]),
                boards_h=rng.uniform(0.5, 6.0)) if rng.random() < 0.35 else u
        for u in base.units))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_plans_check_and_every_bound_stays_below_them_with_units_boarding_away(
        seed: int) -> None:
    plans_check_and_bounds_stay_below(boarding_mixed(seed), seed)


def plans_check_and_bounds_stay_below(problem: Problem, seed: int) -> None:
    """The greedy's plan and the priority search's pass the checker, and neither the cheap
    bounds nor the time-space bound exceed them."""
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
    better = priority_search(problem, cands, first, order, 20_000, float("inf"), seed,
                             lambda _p: None)
    cheap = bounds(problem)
    tight = bounds(problem, first, LpWork(2 * 10**5))
    for p in (first, better):
        assert check(problem, p) == []
        for b in (cheap, tight):
            if b.gap(p) is not None:  # every requirement that can be, covered
                assert p.objective.closure >= b.closure - 1e-6
                assert max(m.arrive_h for m in p.movements) >= b.makespan - 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_with_units_boarding_away_the_bound_never_exceeds_the_exact_optimum(
        seed: int) -> None:
    rng = random.Random(seed)
    homes = [MOSCOW, KANT, DUSHANBE, OSH]
    units = tuple(Unit(f"u{i}", "RUS", "airborne", 400, rng.choice(homes),
                       rng.choice([2.0, 6.0]), rng.choice([30.0, 70.0]),
                       boards_at=CHKALOVSKY if i % 2 else None, boards_h=1.5 if i % 2 else 0)
                  for i in range(4))
    reqs = tuple(Requirement(f"r{i}", f"c{i % 2}", "airborne", 300, OSH, 24.0)
                 for i in range(3))
    the_bound_stays_below_the_exact_optimum(units, reqs, seed)


def the_bound_stays_below_the_exact_optimum(units: tuple[Unit, ...],
                                            reqs: tuple[Requirement, ...], seed: int) -> None:
    """With one Il-76 at Kant: the planner's plan checks, its bound is no more than the
    optimum found by trying every assignment and order, and its plan no less."""
    problem = Problem(units, reqs, (Aircraft("a", "Il-76", 40, 750, 4000, KANT, 2.0),),
                      {"c0": 2.0, "c1": 1.0})
    optimum = _exact_optimum(problem)
    result = solve(problem, time_limit=5, seed=seed, wall_clock=False)
    assert check(problem, result.plan) == []
    assert result.bounds.closure <= optimum[1] + 1e-6
    assert result.plan.objective.closure >= optimum[1] - 1e-6
