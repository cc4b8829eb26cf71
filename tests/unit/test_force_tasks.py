"""Requirements by task (sites, strength), parts of units, a preferred or required state,
and the withdrawal's reverse problem: expanded into the planner's terms, planned, and
checked by the planner's own checker."""

from __future__ import annotations

import pytest

from phalanx.domain.forces import tasks as tk
from phalanx.domain.forces import withdrawal as wd
from phalanx.domain.forces.planner import Aircraft, Problem, Unit, check, plan

ALMATY = (43.24, 76.89)
SAMARA = (53.50, 50.16)
BISHKEK = (43.06, 74.48)
DUSHANBE = (38.56, 68.78)


def pk(uid: str, state: str, strength: int, home: tuple[float, float] = BISHKEK) -> Unit:
    return Unit(uid, state, "motorized_rifle", strength, home, 6, strength * 0.4)


UNITS = (pk("pk-rus-1", "RUS", 600, SAMARA), pk("pk-rus-2", "RUS", 600, SAMARA),
         pk("pk-kaz-1", "KAZ", 400, ALMATY), pk("pk-kgz-1", "KGZ", 300),
         pk("pk-tjk-1", "TJK", 300, DUSHANBE), pk("crrf-rus-1", "RUS", 1000, SAMARA))
DETACH = {u.id: 100 for u in UNITS if u.id.startswith("pk-")}  # crrf: whole units only
PLANES = (Aircraft("il76", "Il-76", 40, 750, 4000, BISHKEK),)


def task(**kw: object) -> tk.Task:
    base: dict[str, object] = {"id": "7", "crisis": "3", "capability": "motorized_rifle",
                               "strength": 100, "place": ALMATY, "needed_by_h": 48}
    return tk.Task(**{**base, **kw})  # type: ignore[arg-type]


def solved(e: tk.Expanded) -> tuple[Problem, object]:
    problem = Problem(e.units, e.requirements, PLANES, e.weights, e.barred)
    p = plan(problem)
    assert check(problem, p) == []
    return problem, p


def test_parts_are_cut_to_the_detachment_with_proportional_weight() -> None:
    cut = tk.parts(pk("u", "RUS", 650), 100)
    assert [p.id for p in cut] == [f"u#{i}" for i in range(1, 7)]
    assert [p.strength for p in cut] == [100] * 5 + [150]
    assert sum(p.weight_t for p in cut) == 650 * 0.4
    assert tk.parts(pk("u", "RUS", 150), 100) == (pk("u", "RUS", 150),)
    assert tk.whole_of("u#3") == "u"


def test_slices_cover_a_strength_with_the_fewest_candidates() -> None:
    assert tk.slices(1885, [1000] * 3 + [800]) == ([1000, 885], True)
    assert tk.slices(1885, [100] * 19) == ([100] * 18 + [85], True)
    assert tk.slices(500, [100, 100]) == ([100, 100, 300], False)


def test_a_unit_is_planned_whole_or_as_parts_never_both() -> None:
    e = tk.expand(UNITS, [task(kind="strength", strength=1885)], {}, {"3": 1.0}, DETACH)
    ids = {u.id for u in e.units}
    assert not ids & set(DETACH)  # the whole units that send detachments are gone
    assert "crrf-rus-1" in ids and {"pk-rus-1#6", "pk-kgz-1#3"} <= ids
    assert e.parent["pk-tjk-1#2"] == "pk-tjk-1"
    # a capability asked only as whole units keeps every unit whole
    whole = tk.expand(UNITS, [task(strength=300)], {}, {"3": 1.0}, DETACH)
    assert {u.id for u in whole.units} == {u.id for u in UNITS}


def test_on_a_replan_a_unit_keeps_the_form_the_decided_plan_gave_it() -> None:
    tasks = [task(kind="strength", strength=300)]
    e = tk.expand(UNITS, tasks, {}, {"3": 1.0}, DETACH, whole=["pk-kaz-1"])
    ids = {u.id for u in e.units}
    assert "pk-kaz-1" in ids and not any(i.startswith("pk-kaz-1#") for i in ids)
    kept = tk.expand(UNITS, [task(strength=100)], {}, {"3": 1.0}, DETACH, cut=["pk-kgz-1"])
    ids = {u.id for u in kept.units}
    assert "pk-kgz-1#1" in ids and "pk-rus-1" in ids and "pk-kgz-1" not in ids


def test_a_strength_is_covered_by_parts_without_moving_a_whole_battalion() -> None:
    """1,885 needed: the parts move 1,900, not 5,620."""
    e = tk.expand(UNITS, [task(kind="strength", strength=1885)], {("crrf-rus-1", "3"): "x"},
                  {"3": 1.0}, DETACH)
    problem, p = solved(e)
    strength = {u.id: u.strength for u in problem.units}
    moved = sum(strength[m.unit] for m in p.movements)
    assert not p.uncovered
    assert 1885 <= moved < 1885 + 100
    assert all("#" in m.unit for m in p.movements)
    wholes = {tk.whole_of(m.unit) for m in p.movements}
    assert not wholes & {m.unit for m in p.movements}


def test_fourteen_sites_are_guarded_by_parts_and_labelled() -> None:
    e = tk.expand(UNITS, [task(kind="sites", sites=14, strength=100)],
                  {("crrf-rus-1", "3"): "x"}, {"3": 1.0}, DETACH)
    assert len(e.requirements) == 14
    assert e.pieces["7.3.1"].label() == "requirement 7, site 3 of 14"
    _problem, p = solved(e)
    assert not p.uncovered and len(p.movements) == 14


def test_a_site_larger_than_a_part_is_held_by_several() -> None:
    e = tk.expand(UNITS, [task(kind="sites", sites=2, strength=250)],
                  {("crrf-rus-1", "3"): "x"}, {"3": 1.0}, DETACH)
    assert [r.strength for r in e.requirements] == [100, 100, 50, 100, 100, 50]
    assert e.pieces["7.2.3"].label() == "requirement 7, site 2 of 2, part 3 of 3"


def test_a_whole_unit_task_among_parts_says_how_to_state_it() -> None:
    e = tk.expand(UNITS, [task(id="7", kind="sites", sites=2), task(id="8", strength=300)],
                  {("crrf-rus-1", "3"): "x"}, {"3": 1.0}, DETACH)
    assert any(n.startswith("requirement 8: one whole unit") for n in e.notes)


def test_a_required_state_bars_the_others_for_that_task_only() -> None:
    e = tk.expand(UNITS, [task(id="7", kind="sites", sites=2, state="KGZ",
                               state_rule="required"), task(id="8", strength=100)],
                  {}, {"3": 2.0}, DETACH)
    reqs = {r.id: r for r in e.requirements}
    # the task's bars are its own; it closes with its crisis, whose weight counts once
    assert reqs["7.1.1"].bar_key == "3/KGZ" and reqs["8"].bar_key == "3"
    assert reqs["7.1.1"].crisis == reqs["8"].crisis == "3"
    assert e.weights == {"3": 2.0}
    assert ("pk-rus-1#1", "3/KGZ") in e.barred and ("pk-kgz-1#1", "3/KGZ") not in e.barred
    problem, p = solved(e)
    by_req = {m.requirement: m.unit for m in p.movements}
    assert by_req["7.1.1"].startswith("pk-kgz-1#") and by_req["7.2.1"].startswith("pk-kgz-1#")
    # the objective: the crisis's weight times its closure (its last arrival), once
    last = max(m.arrive_h for m in p.movements)
    assert p.objective.closure == pytest.approx(2.0 * last)
    assert check(problem, p) == []  # re-flown: no unit of another state in task 7


def test_a_required_state_without_units_leaves_the_task_uncovered() -> None:
    e = tk.expand(UNITS, [task(kind="strength", strength=200, state="UZB",
                               state_rule="required")], {}, {"3": 1.0}, DETACH)
    _problem, p = solved(e)
    assert len(p.uncovered) == 1 and not p.movements


def test_a_preferred_state_serves_first_and_others_when_it_cannot() -> None:
    # TJK is farther from Almaty than KGZ; preferred, it serves while its parts suffice
    served = tk.expand(UNITS, [task(kind="strength", strength=300, state="TJK",
                                    state_rule="preferred")], {}, {"3": 1.0}, DETACH)
    _problem, p = solved(served)
    assert {tk.whole_of(m.unit) for m in p.movements} == {"pk-tjk-1"}
    assert "TJK's units suffice" in served.notes[0]
    short = tk.expand(UNITS, [task(kind="strength", strength=500, state="TJK",
                                   state_rule="preferred")], {}, {"3": 1.0}, DETACH)
    _problem, p = solved(short)
    assert not p.uncovered
    assert "do not suffice" in short.notes[0]
    assert all(r.crisis == "3" for r in short.requirements)


def test_the_way_home_is_planned_by_the_same_planner_and_checker() -> None:
    arrived = [wd.Deployed(u, ALMATY, "almaty", ready) for u, ready in
               ((pk("pk-kgz-1#1", "KGZ", 100), 0.0), (pk("pk-rus-1#2", "RUS", 100, SAMARA), 5.0))]
    problem = wd.problem(arrived, PLANES, "3", needed_by_h=72)
    p = plan(problem)
    assert check(problem, p) == [] and not p.uncovered
    homes = {r.id: r.place for r in problem.requirements}
    assert homes[wd.requirement_id("pk-rus-1#2")] == SAMARA
    assert {m.unit: m.requirement for m in p.movements} == {
        "pk-kgz-1#1": "home:pk-kgz-1#1", "pk-rus-1#2": "home:pk-rus-1#2"}
    rus = next(m for m in p.movements if m.unit == "pk-rus-1#2")
    assert min((s.depart_h for s in rus.sorties), default=5.0) >= 5.0  # not before it may leave
    assert wd.span([(0.0, 10.0), (5.0, 30.0)]) == (0.0, 30.0)
