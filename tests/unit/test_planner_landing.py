"""Where aircraft land for a place (`domain/forces/boarding.py`, `landing`): the rule over
the kinds and states of the dataset's bases, and the planner, its checker and its bounds
with requirements whose place has no airfield, so that aircraft land at one nearby and
the unit goes on by ground (it has arrived when it gets to the place)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.forces import withdrawal
from phalanx.domain.forces.boarding import Base, landing
from phalanx.domain.forces.model import ROAD_FACTOR, ROAD_KMH
from phalanx.domain.forces.planner import (
    Aircraft,
    Plan,
    Problem,
    Requirement,
    Unit,
    bounds,
    check,
    distance_km,
    objective,
    plan,
)
from phalanx.domain.forces.timespace import LpWork, deadline_bound
from tests.unit.test_planner import ALMATY, DUSHANBE, KANT, OSH, mixed
from tests.unit.test_planner_boarding import (
    plans_check_and_bounds_stay_below,
    the_bound_stays_below_the_exact_optimum,
)

KHUJAND = (40.28, 69.62)
BATKEN = (40.06, 70.82)
ISFANA = (39.84, 69.53)
MANAS = (43.06, 74.48)
BASES = [Base("kant", "KGZ", "airbase", KANT), Base("osh", "KGZ", "airfield", OSH),
         Base("manas", "KGZ", "airfield", MANAS),
         Base("khujand", "TJK", "airfield", KHUJAND),
         Base("dushanbe", "TJK", "airfield", DUSHANBE),
         Base("batken", "KGZ", "node", BATKEN)]
LISTED = {("osh", "batken"): 4.0, ("khujand", "batken"): 3.0}


def test_aircraft_land_at_an_airfield_of_the_places_state_nearest_by_ground() -> None:
    assert landing(OSH, "osh", BASES, LISTED) is None  # an airfield: there
    assert landing((43.07, 74.50), "", BASES, LISTED) is None  # 2 km from Manas: at it
    # Batken: Osh, its own state's, 4 h by the listed road, though Khujand's listed road
    # (in Tajikistan) takes 3 h
    b = landing(BATKEN, "batken", BASES, LISTED)
    assert b is not None and (b.base, b.hours, b.place) == ("osh", 4.0, OSH)
    # no listed road from its own state's airfields: another state's listed one
    b = landing(BATKEN, "batken", BASES, {("khujand", "batken"): 3.0})
    assert b is not None and (b.base, b.hours) == ("khujand", 3.0)
    # none listed: its own state's nearest, at the road estimate
    b = landing(BATKEN, "batken", BASES, {})
    assert b is not None and b.base == "osh"
    assert b.hours == pytest.approx(distance_km(BATKEN, OSH) * ROAD_FACTOR / ROAD_KMH)
    # a place that is no node: the state the services name (Isfana lies in Kyrgyzstan,
    # nearer Khujand), else the nearest of any state's
    assert distance_km(ISFANA, KHUJAND) < distance_km(ISFANA, OSH)
    assert landing(ISFANA, "", BASES, LISTED, state="KGZ").base == "osh"  # type: ignore[union-attr]
    assert landing(ISFANA, "", BASES, LISTED).base == "khujand"  # type: ignore[union-attr]
    assert landing(ISFANA, "", [b for b in BASES if b.kind == "node"], LISTED) is None


def _batken(units: int = 1) -> Problem:
    """Kant's 30 t units, ready at once, for requirements at Batken, where aircraft land
    at Osh and the units go on 4 h by road; one Il-76 at Kant."""
    return Problem(
        tuple(Unit(f"u{i}", "KGZ", "airborne", 400, KANT, 0.0, 30.0, garrison="kant")
              for i in range(units)),
        tuple(Requirement(f"r{i}", "c", "airborne", 300, BATKEN, 48.0, "batken",
                          lands_at=OSH, lands_h=4.0) for i in range(units)),
        (Aircraft("a", "Il-76", 40, 750, 4000, KANT, 2.0),))


def test_the_unit_arrives_its_ground_time_after_its_aircraft_lands_nearby() -> None:
    problem = _batken()
    p = plan(problem)
    (m,) = p.movements
    (s,) = m.sorties
    haul = distance_km(KANT, OSH) / 750
    assert m.mode == "air" and s.arrive_h == pytest.approx(haul)  # landed at Osh
    assert m.arrive_h == pytest.approx(haul + 4.0)  # at Batken 4 h later
    assert check(problem, p) == []
    # an arrival at the landing itself fails the checker
    early = replace(m, arrive_h=s.arrive_h)
    found = check(problem, Plan((early,), (), objective(problem, [early], 0)))
    assert any("arrival is not its last sortie's" in e for e in found)
    # a sortie timed as though flown to Batken itself, farther from Kant than Osh
    assert distance_km(KANT, BATKEN) > distance_km(KANT, OSH)
    # every bound sees the 4 h by road, and none exceeds the plan: the cheap ones, and
    # the time-space relaxation's on its own (its grid of 96 steps up to 12 h)
    for b in (bounds(problem), bounds(problem, p, LpWork(10**6))):
        assert haul + 4.0 - 48 / 96 <= b.closure <= p.objective.closure + 1e-6
    alone = deadline_bound(problem, list(problem.requirements),
                           {"r0": list(problem.units)}, 0.0, 12.0, LpWork(10**6))
    assert haul + 4.0 - 2 * 12 / 96 <= alone <= m.arrive_h + 1e-6


def test_an_aircraft_flies_its_next_load_from_where_it_landed() -> None:
    problem = _batken(units=2)
    p = plan(problem)
    assert check(problem, p) == []
    first, second = sorted((s for m in p.movements for s in m.sorties),
                           key=lambda s: s.depart_h)
    assert second.start == OSH  # not Batken, where no aircraft lands
    back = distance_km(OSH, KANT) / 750
    assert second.depart_h == pytest.approx(first.arrive_h + 2.0 + back)
    # a second sortie flown as though the aircraft had been at Batken fails the checker
    moved = [replace(m, sorties=tuple(replace(s, start=BATKEN) if s == second else s
                                      for s in m.sorties)) for m in p.movements]
    found = check(problem, Plan(tuple(moved), (), objective(problem, moved, 0)))
    assert any("starts away from where the last one ended" in e for e in found)


def test_on_the_way_home_a_unit_boards_where_its_aircraft_landed() -> None:
    unit = Unit("u", "KGZ", "airborne", 400, MANAS, 0.0, 30.0, garrison="manas")
    deployed = [withdrawal.Deployed(unit, BATKEN, "batken", 1.0, OSH, 4.0)]
    problem = withdrawal.problem(deployed, (Aircraft("a", "Il-76", 40, 750, 4000, OSH),),
                                 "c", 48.0, LISTED)
    p = plan(problem)
    (m,) = p.movements
    assert m.mode == "air" and check(problem, p) == []
    (s,) = m.sorties
    # ready at 1 h, at Osh 4 h later; flown from Osh to Manas
    assert s.depart_h == pytest.approx(5.0)
    assert s.arrive_h - s.depart_h == pytest.approx(distance_km(OSH, MANAS) / 750)


def landing_mixed(seed: int) -> Problem:
    """`mixed`, with a third of its requirements' places reached by ground from an
    airfield 0.5 to 6 h away."""
    rng = random.Random(seed * 11 + 3)
    base = mixed(seed)
    return replace(base, requirements=tuple(
        replace(r, lands_at=rng.choice([KANT, DUSHANBE, ALMATY, KHUJAND]),
                lands_h=rng.uniform(0.5, 6.0)) if rng.random() < 0.35 else r
        for r in base.requirements))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_plans_check_and_every_bound_stays_below_them_with_places_reached_by_ground(
        seed: int) -> None:
    plans_check_and_bounds_stay_below(landing_mixed(seed), seed)


@pytest.mark.parametrize("seed", range(4))
def test_with_places_reached_by_ground_the_bound_never_exceeds_the_exact_optimum(
        seed: int) -> None:
    rng = random.Random(seed)
    units = tuple(Unit(f"u{i}", "KGZ", "airborne", 400, rng.choice([KANT, DUSHANBE, ALMATY]),
                       rng.choice([2.0, 6.0]), rng.choice([30.0, 70.0]))
                  for i in range(4))
    reqs = tuple(Requirement(f"r{i}", f"c{i % 2}", "airborne", 300, BATKEN, 24.0, "batken",
                             lands_at=OSH if i % 2 else KHUJAND, lands_h=4.0 if i % 2 else 3.0)
                 for i in range(3))
    the_bound_stays_below_the_exact_optimum(units, reqs, seed)
