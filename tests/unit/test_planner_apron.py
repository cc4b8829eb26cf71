"""How many aircraft an airfield takes on the ground at once (`domain/forces/apron.py`):
a landing waits for a free place, the checker counts the aircraft on the ground, every
plan the planner keeps keeps the rule, and its bounds (which leave the places out) stay
below its plans."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.forces.apron import Aprons, crowded, landings, most_at_once
from phalanx.domain.forces.improve import repair, solve
from phalanx.domain.forces.planner import (
    Aircraft,
    Candidates,
    Problem,
    Requirement,
    Unit,
    best_greedy,
    bounds,
    check,
    distance_km,
    plan,
)
from phalanx.domain.forces.reflow import reflow
from phalanx.domain.forces.search import priority_search
from phalanx.domain.forces.timespace import LpWork
from tests.unit.test_planner import KANT, MOSCOW, OSH, mixed

NEAR_OSH = (OSH[0] + 0.02, OSH[1])  # about 2 km away: aircraft land at Osh


def _osh(places: int, planes: int = 4) -> Problem:
    """One 80 t unit at Kant, ready at once, for a requirement at Osh; `planes` An-12s of
    20 t at Kant (turnaround 2 h); Osh takes `places` aircraft on the ground at once."""
    return Problem(
        (Unit("u", "KGZ", "airborne", 400, KANT, 0.0, 80.0),),
        (Requirement("r", "c", "airborne", 300, NEAR_OSH, 48.0),),
        tuple(Aircraft(f"a{i}", "An-12", 20, 600, 3000, KANT, 2.0) for i in range(planes)),
        aprons=((OSH, places),))


def test_an_airfield_takes_no_more_aircraft_on_the_ground_at_once_than_its_places() -> None:
    free = replace(_osh(1), aprons=())
    unlimited = plan(free)
    haul = distance_km(KANT, NEAR_OSH) / 600
    # unlimited: the four loads land together
    assert sorted(s.arrive_h for m in unlimited.movements for s in m.sorties) == \
        pytest.approx([haul] * 4)
    one = _osh(1)
    assert check(one, unlimited) == [
        f"4 aircraft on the ground at once at {OSH[0]:.4f}, {OSH[1]:.4f}, which takes 1"]
    # one place: each lands as the one before leaves, two hours later, waiting at Kant
    p = plan(one)
    assert check(one, p) == []
    landed = sorted(s.arrive_h for m in p.movements for s in m.sorties)
    assert landed == pytest.approx([haul, haul + 2, haul + 4, haul + 6])
    assert all(s.arrive_h - s.depart_h == pytest.approx(haul)
               for m in p.movements for s in m.sorties)
    assert p.movements[0].arrive_h == pytest.approx(haul + 6)
    # two places: two by two
    two = _osh(2)
    landed = sorted(s.arrive_h for m in plan(two).movements for s in m.sorties)
    assert landed == pytest.approx([haul, haul, haul + 2, haul + 2])
    # a place more than 5 km away is not the airfield: not limited
    far = replace(one, requirements=(replace(one.requirements[0], place=(OSH[0] + 0.2,
                                                                          OSH[1])),))
    assert check(far, plan(replace(far, aprons=()))) == []


def test_a_unit_goes_by_ground_when_waiting_for_places_would_bring_it_later() -> None:
    """Four 80 t units for four requirements at Osh: their loads, each two hours on the
    ground at Osh's one place, would bring the last unit after 20 h; by road from Kant
    they take under 9 h. The greedy weighs the places as it goes."""
    one = _osh(1)
    crowded_osh = replace(one, units=tuple(replace(one.units[0], id=f"u{i}") for i in range(4)),
                          requirements=tuple(replace(one.requirements[0], id=f"r{i}")
                                             for i in range(4)))
    p = plan(crowded_osh)
    assert check(crowded_osh, p) == []
    by_road = max(m.arrive_h for m in p.movements if m.mode == "road")
    assert by_road < 9.0 and p.objective.closure < 9.0
    assert [m.mode for m in p.movements].count("road") >= 3
    # flown as though Osh took any number, then made to wait, they would close after 20 h
    flown = reflow(crowded_osh, best_greedy(replace(crowded_osh, aprons=()))[0])
    assert flown.objective.closure > 20.0


def test_other_plans_aircraft_keep_their_places() -> None:
    haul = distance_km(KANT, NEAR_OSH) / 600
    # another crisis's aircraft on the ground at Osh until an hour after the first landing
    taken = replace(_osh(1), apron_taken=((OSH, 0.0, haul + 1.0),))
    p = plan(taken)
    assert check(taken, p) == []
    assert min(s.arrive_h for m in p.movements for s in m.sorties) == pytest.approx(haul + 1)
    assert check(taken, plan(replace(taken, apron_taken=()))) != []


def test_the_ground_is_counted_at_each_moment() -> None:
    assert most_at_once([(0, 2), (2, 4), (4, 6)]) == 1  # one leaves as the next lands
    assert most_at_once([(0, 3), (1, 2), (2.5, 4)]) == 2
    assert most_at_once([]) == 0
    aprons = Aprons(replace(_osh(2), apron_taken=((OSH, 0.0, 4.0), (OSH, 1.0, 2.0))))
    assert aprons.field(NEAR_OSH) == 0 and aprons.field(MOSCOW) is None
    # two places: busy while both stays last (1 to 2 h); a 1.5 h stay fits from 2 h
    assert aprons.first_free(0, 0.5, 1.5) == pytest.approx(2.0)
    assert aprons.first_free(0, 0.0, 1.0) == pytest.approx(0.0)
    assert aprons.first_free(0, 4.5, 1.0) == pytest.approx(4.5)


def test_a_plan_that_keeps_the_rule_is_kept_as_it_is() -> None:
    roomy = _osh(4)
    p = best_greedy(roomy)[0]
    assert reflow(roomy, p) is p
    assert crowded(roomy, landings(roomy, p)) == []


def test_the_improved_plan_keeps_the_rule_and_the_bound_stays_below_it() -> None:
    one = _osh(1)
    result = solve(one, time_limit=3, seed=0, wall_clock=False)
    assert check(one, result.plan) == []
    haul = distance_km(KANT, NEAR_OSH) / 600
    assert result.plan.objective.closure == pytest.approx(haul + 6)
    # the bound leaves the places out: no more than the plan, and no "optimal" claimed
    # for a plan the places delay past it
    assert result.bounds.closure <= result.plan.objective.closure + 1e-6
    assert not result.optimal


def test_a_repair_keeps_the_places_of_the_loads_under_way() -> None:
    one = _osh(1)
    first = plan(one)
    later = repair(one, first, 0.5, time_limit=2, seed=0, wall_clock=False)
    assert check(later.problem, later.plan) == []
    assert later.plan.objective.closure == pytest.approx(first.objective.closure)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_with_limited_airfields_plans_check_and_bounds_stay_below(seed: int) -> None:
    problem = mixed(seed)
    rng = random.Random(seed)
    places = sorted({r.drop for r in problem.requirements})
    limited = tuple((p, rng.choice([1, 2])) for p in places if rng.random() < 0.7)
    problem = replace(problem, aprons=limited)
    cands = Candidates(problem)
    first, order = best_greedy(problem, cands)
    better = priority_search(problem, cands, first, order, 20_000, float("inf"), seed,
                             lambda _p: None)
    cheap = bounds(problem)
    tight = bounds(problem, first, LpWork(2 * 10**5))
    # the greedy weighs the places as it goes: its plans keep the rule as they are
    assert check(problem, first) == [] and check(problem, better) == []
    for p in (reflow(problem, first), reflow(problem, better)):
        assert check(problem, p) == []
        for b in (cheap, tight):
            if b.gap(p) is not None:  # every requirement that can be, covered
                assert p.objective.closure >= b.closure - 1e-6
                assert max(m.arrive_h for m in p.movements) >= b.makespan - 1e-6


def test_a_load_in_the_air_when_its_unit_is_withdrawn_keeps_its_place() -> None:
    """Osh takes one aircraft at once: the first load leaves at once, the second waits its
    turn at Kant. The first load's unit is withdrawn while it flies: the re-plan no longer
    moves it, but the aircraft still lands at Osh and stays its turnaround, so the other
    unit's load still waits for it to leave."""
    problem = Problem(
        (Unit("vdv", "KGZ", "airborne", 400, KANT, 0.0, 20.0),
         Unit("med", "KGZ", "medical", 200, KANT, 0.0, 20.0)),
        (Requirement("r0", "c", "airborne", 300, NEAR_OSH, 48.0),
         Requirement("r1", "c", "medical", 200, NEAR_OSH, 48.0)),
        tuple(Aircraft(f"a{i}", "An-12", 20, 600, 3000, KANT, 2.0) for i in range(2)),
        {"c": 1.0}, aprons=((OSH, 1),))
    first = plan(problem)
    gone = min((s for m in first.movements for s in m.sorties), key=lambda s: s.depart_h)
    assert gone.depart_h == pytest.approx(0.0)
    withdrawn = replace(problem, units=tuple(replace(u, available=False) if u.id == gone.unit
                                             else u for u in problem.units))
    later = repair(withdrawn, first, 0.1, time_limit=1, seed=0, wall_clock=False)
    assert [m.unit for m in later.plan.movements] != [gone.unit]
    (other,) = [s for m in later.plan.movements for s in m.sorties]
    assert other.arrive_h >= gone.arrive_h + 2.0 - 1e-6
    assert other.arrive_h - other.depart_h == pytest.approx(gone.arrive_h - gone.depart_h)
    assert check(later.problem, later.plan) == []


def test_a_re_plan_keeps_other_plans_places_at_their_times() -> None:
    """A re-plan runs in the hours of the crisis's decided plan (which started `shift`
    hours before now): another crisis's aircraft on the ground at Osh from 1 h to 3 h
    from now are there from 1 + shift to 3 + shift in those hours, as the aircraft it
    holds are free then."""
    from phalanx.services.forces.planning import _shifted

    taken = replace(_osh(1), apron_taken=((OSH, 1.0, 3.0),),
                    aircraft_start={"a0": (3.0, OSH)})
    shifted = _shifted(taken, 5.0)
    assert shifted.aircraft_start == {"a0": (8.0, OSH)}
    assert shifted.apron_taken == ((OSH, 6.0, 8.0),)


def test_a_plan_waits_where_other_plans_already_crowd_an_airfield() -> None:
    """Two other crises' plans, proposed side by side and then both decided, put two
    aircraft at once on Osh's one place: a new plan is not wrong for them (the planner
    stopped with "the greedy plan fails the checker" for any crisis, wherever it
    landed); its own landings there wait until both have left."""
    haul = distance_km(KANT, NEAR_OSH) / 600
    one = _osh(1)  # (a unit of one load: by air, it still comes sooner than by road)
    both = replace(one, units=(replace(one.units[0], weight_t=20.0),),
                   apron_taken=((OSH, 0.0, haul + 3.0), (OSH, 0.0, haul + 4.0)))
    p = plan(both)
    assert check(both, p) == []
    assert min(s.arrive_h for m in p.movements for s in m.sorties) == \
        pytest.approx(haul + 4.0)
    result = solve(both, time_limit=1, seed=0, wall_clock=False)
    assert check(both, result.plan) == []
    # elsewhere, nothing waits
    far = replace(both, requirements=(replace(both.requirements[0],
                                              place=(OSH[0] + 0.2, OSH[1])),))
    assert check(far, solve(far, time_limit=1, seed=0, wall_clock=False).plan) == []
    # a landing among them is still wrong
    crowd = replace(p, movements=tuple(
        replace(m, sorties=tuple(replace(s, depart_h=s.depart_h - 3, arrive_h=s.arrive_h - 3)
                                 for s in m.sorties)) for m in p.movements))
    assert any("3 aircraft on the ground at once" in e for e in check(both, crowd))


def test_a_re_plan_keeps_loads_under_way_that_crowd_an_airfield() -> None:
    """A plan decided as though Osh took any number (before the places were counted): its
    four loads are in the air to Osh's one place. The re-plan keeps them as they fly, and
    is not wrong for them (it stopped with "the greedy plan fails the checker")."""
    one = _osh(1)
    before = plan(replace(one, aprons=()))
    later = repair(one, before, 0.1, time_limit=1, seed=0, wall_clock=False)
    assert check(later.problem, later.plan) == []
    assert later.plan.movements == before.movements
