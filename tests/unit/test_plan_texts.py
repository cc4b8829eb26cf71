"""The planner's lines in Russian: every line the planner, the registry's rules and the
decision's authority write (why each unit was chosen or passed over, the warnings before
a run, the reasons a unit may not serve) is written again from a Russian text, with the
language's numbers and the capabilities' names; in English too, the capabilities, units
and aircraft are named, not shown by their ids."""

from __future__ import annotations

import re
from datetime import date

import pytest

from phalanx.domain.crisis.authority import Authorization, unauthorized_units
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces import tasks as tk
from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.registry import (
    Consent,
    CrisisFacts,
    Scope,
    UnitFacts,
    availability,
    consent_problems,
)
from phalanx.web.i18n.plantexts import plan_text

# words of the English lines: none may be left in a Russian one
ENGLISH = re.compile(r"\b(serves|arrives|by air|by ground|sortie|in time|late|needed|passed|"
                     r"barred|requirement|crisis|withdrawn|made|available|declined|"
                     r"certification|authorizes|names|units?|asks|small|registry|range|"
                     r"suffice|answered|belongs|unknown|some|peacekeepers|CRRF|decision)\b")


def russian(line: str) -> str:
    out = plan_text(line, "ru")
    assert not ENGLISH.search(out), f"{line!r} -> {out!r}"
    return out


@pytest.fixture(scope="module")
def operational() -> tuple[pl.Problem, pl.Plan]:
    problem = instance("operational", 1)  # withdrawn, expired, barred and declined units
    return problem, pl.plan(problem)


def test_why_each_unit_was_chosen_or_passed_over(operational: tuple[pl.Problem, pl.Plan]
                                                 ) -> None:
    problem, plan = operational
    lines = pl.explain(problem, plan)
    kinds = {line.split(":")[0].split(" ")[0] for line in lines.values()}
    assert {"serves", "barred", "passed", "not", "no", "too"} <= kinds, kinds
    for line in lines.values():
        russian(line)
    chosen = next(line for line in lines.values() if line.startswith("serves")
                  and "by air" in line)
    out = russian(chosen)
    assert out.startswith("закрывает ") and "по воздуху, вылетов: " in out
    assert re.search(r"прибывает через \d+,\d ч", out), out  # a decimal comma
    assert re.search(r"вылетов: \d+ \(a\d\d", out), out  # the aircraft, as named


def test_the_warnings_before_a_run(operational: tuple[pl.Problem, pl.Plan]) -> None:
    problem, _plan = operational
    far = pl.Requirement("far", "c00", "airborne", 100, (0.0, -150.0), 10.0)
    huge = pl.Requirement("huge", "c00", "airborne", 99_999, (40.0, 70.0), 10.0)
    barred = pl.Requirement("pk", "c99", "medical", 1, (40.0, 70.0), 10.0)
    lines = pl.input_warnings(pl.Problem(
        problem.units, (far, huge, barred), problem.aircraft, {"c00": 1.0, "c99": 1.0},
        {(u.id, "c99"): "peacekeepers go to a member's territory only at its official "
         "request" for u in problem.units}))
    assert len(lines) >= 3, lines
    assert any("только наземным транспортом" in russian(line) for line in lines)
    assert any("нет подразделения" in russian(line) for line in lines)
    assert any("ни одно доступное" in russian(line) for line in lines)
    # a requirement no unit can serve is not said to be out of the aircraft's range
    assert [line for line in lines if "by ground only" in line] == [
        "requirement far (airborne 100): every available unit that could serve it is "
        "farther from where aircraft land for it than any aircraft flies loaded: by ground "
        "only"]
    # as a plan stored before aircraft landed away from a place said it, still in Russian
    assert "дальше, чем любое" in russian(
        "requirement 3 (airborne 100): every available unit that could serve it is farther "
        "from the place than any aircraft flies loaded: by ground only")


def test_a_site_no_unit_is_left_for_is_not_said_to_have_none_in_the_registry() -> None:
    """Three sites of 300 and two units of 200: the third site gets no unit because the
    first two took both, which the warning says; none says the registry has no such unit
    or that the site is out of the aircraft's range."""
    units = (pl.Unit("a", "KAZ", "airborne", 200, (43.0, 76.0), 2.0, 10.0),
             pl.Unit("b", "RUS", "airborne", 200, (55.0, 37.0), 2.0, 10.0))
    plane = pl.Aircraft("il", "Il-76", 40.0, 750.0, 4000.0, (55.0, 37.0))
    e = tk.expand(units, [tk.Task("1", "c", "airborne", 300, (40.0, 70.0), 10.0,
                                  kind="sites", sites=3)], {}, {"c": 1.0}, {})
    assert e.short, e.pieces
    lines = pl.input_warnings(pl.Problem(e.units, e.requirements, (plane,), e.weights,
                                         e.barred), e.short)
    assert lines and all("already assigned to the other sites or parts" in line
                         for line in lines), lines
    assert not any("registry" in line or "by ground only" in line for line in lines)
    assert "уже назначены на другие объекты или части" in russian(lines[0])


def test_the_reasons_a_unit_may_not_serve() -> None:
    crrf = UnitFacts("crrf-a", "ARM", "crrf", "crrf")
    pk = UnitFacts("pk-a", "KAZ", "pk", "peacekeeping", certified_until=date(2020, 1, 1))
    units = [crrf, pk, UnitFacts("w", "BLR", "crrf", "crrf", withdrawn=True),
             UnitFacts("x", "RUS", "crrf", "crrf"), UnitFacts("y", "TJK", "crrf", "crrf"),
             UnitFacts("z", "KGZ", "crrf", "crrf")]
    consents = [Consent("ARM", Scope.ALL), Consent("KAZ", Scope.ALL),
                Consent("TJK", Scope.NONE), Consent("KGZ", Scope.SOME, frozenset({"q"}))]
    _ok, why = availability(units, consents, CrisisFacts("c", bilateral_dispute=True),
                            date(2026, 12, 1))
    _ok, abroad = availability([UnitFacts("p", "KAZ", "pk", "peacekeeping")],
                               [Consent("KAZ", Scope.ALL)],
                               CrisisFacts("c", on_member_territory=False), date(2026, 12, 1))
    decision = Authorization("No. 7", frozenset({Measure.MILITARY_CRRF}), frozenset({"crrf"}),
                             frozenset({"RUS"}))
    authority = unauthorized_units([("a", "KAZ", "pk"), ("b", "KAZ", "crrf")], decision, {})
    problems = consent_problems(
        [Consent("ARM", Scope.SOME), Consent("ARM", Scope.ALL, frozenset({"x"})),
         Consent("KAZ", Scope.SOME, frozenset({"nope", "crrf-a"}))],
        {u.key: u for u in units})
    lines = [*why.values(), *abroad.values(), *authority.values(), *problems]
    assert len(lines) >= 11, lines
    for line in lines:
        russian(line)
    assert russian("barred: " + "; ".join(why.values())).startswith("не допускается: ")
    assert russian("certification expired on 2020-01-01") == "сертификация истекла 01.01.2020"


def test_the_notes_on_a_state_rule_and_parts() -> None:
    units = (pl.Unit("k1", "KAZ", "airborne", 100, (43.0, 76.0), 2.0, 10.0),
             pl.Unit("r1", "RUS", "airborne", 500, (55.0, 37.0), 2.0, 50.0))
    tasks = [tk.Task("1", "c", "airborne", 300, (40.0, 70.0), 10.0, kind="strength",
                     state="KAZ", state_rule="preferred"),
             tk.Task("2", "c", "airborne", 50, (40.0, 70.0), 10.0, state="KAZ",
                     state_rule="preferred")]
    e = tk.expand(units, tasks, {}, {"c": 1.0}, {})
    assert len(e.notes) == 2 and len(e.barred) == 1, (e.notes, e.barred)
    out = [russian(line) for line in [*e.notes, *e.barred.values()]]
    assert "недостаточно" in out[0] and "достаточно, они её и закрывают" in out[1], out
    assert out[2] == "потребность 2 предпочитает подразделения KAZ", out
    for line in ("requirement 1, site 3 of 14", "requirement 2, part 1 of 3",
                 "requirement 2, site 1 of 2, part 1 of 3"):
        assert russian(line).startswith("потребность ")


def test_numbers_and_names_follow_the_language() -> None:
    line = ("serves requirement 7, site 3 of 14 (special_police 200) of crisis 2: arrives at "
            "12.5 h by ground, 1.5 h late (needed by 11.0 h)")
    assert plan_text(line, "en") == (  # the capability by its label in English too
        "serves requirement 7, site 3 of 14 (Special police, 200) of crisis 2: arrives at "
        "12.5 h by ground, 1.5 h late (needed by 11.0 h)")
    assert plan_text(line, "ru") == (
        "закрывает потребность 7, объект 3 из 14 (Спецподразделение полиции, 200) кризиса 2:"
        " прибывает через 12,5 ч наземным транспортом, опоздание 1,5 ч (требуется к 11,0 ч)")
    assert plan_text("something the planner never wrote", "ru") == \
        "something the planner never wrote"


def test_units_and_aircraft_are_named_not_shown_by_their_ids() -> None:
    names = {"crrf-kaz-sp-1": "Special police unit 1 (KAZ)", "blr-il76-1": "BLR Il-76MD",
             "blr-il76-2": "BLR Il-76MD", "vta-il76-1": "RUS Il-76MD"}
    chosen = ("serves requirement 1 (special_police 200) of crisis 2: arrives at 6.6 h by "
              "air, 3 sortie(s) of blr-il76-1, blr-il76-2, vta-il76-1, in time (needed by "
              "11.3 h)")
    assert plan_text(chosen, "en", None, names) == (
        "serves requirement 1 (Special police, 200) of crisis 2: arrives at 6.6 h by air, "
        "sorties: 3 (BLR Il-76MD, RUS Il-76MD), in time (needed by 11.3 h)")
    assert "(BLR Il-76MD, RUS Il-76MD)" in plan_text(chosen, "ru", None, names)
    passed = ("passed over: crrf-kaz-sp-1 reaches requirement 1 at 6.6 h; this unit by "
              "ground at 20.0 h at the earliest")
    assert plan_text(passed, "en", None, names).startswith(
        "passed over: Special police unit 1 (KAZ) reaches requirement 1 at 6.6 h")
    warning = ("requirement 8, site 5 of 6 (motorized_rifle 600): no unit in the registry "
               "has that capability and strength")
    assert plan_text(warning, "en").startswith("requirement 8, site 5 of 6 (Motorized "
                                               "rifle, 600): ")
    assert plan_text(warning, "ru").startswith("потребность 8, объект 5 из 6 "
                                               "(Мотострелковое, 600): ")


def test_an_aircraft_held_by_another_crisis_s_plan() -> None:
    line = ("crisis 7: aircraft vta-il76-1 is committed to its decided plan until "
            "2026-12-11 14:05: this plan has it from there")
    out = russian(line)
    assert out.startswith("кризис 7: воздушное судно vta-il76-1 занято "), out
    assert "11.12.2026 14:05" in out, out
    named = plan_text(line, "en", names={"vta-il76-1": "Il-76MD No. 1"})
    assert "aircraft Il-76MD No. 1 is committed" in named, named


@pytest.mark.parametrize(("english", "russian_text"), [
    ("requirement 12, 4 of its 12 sites (special_police 40): every available unit of that "
     "capability is already assigned to the other sites or parts of the requirement",
     "потребность 12, объектов: 4 из 12 (Спецподразделение полиции, 40): все доступные "
     "подразделения с такими возможностями уже назначены на другие объекты или части этой "
     "потребности"),
    ("requirement 7, 1 of its 3 parts (motorized_rifle 200): every available unit of that "
     "capability is already assigned to the other sites or parts of the requirement",
     "потребность 7, частей: 1 из 3 (Мотострелковое, 200): все доступные подразделения "
     "с такими возможностями уже назначены на другие объекты или части этой потребности"),
])
def test_the_sites_or_parts_left_without_a_unit_counted(english: str,
                                                        russian_text: str) -> None:
    assert russian(english) == russian_text


def test_the_command_line_says_why_a_requirement_is_uncovered() -> None:
    from phalanx.cli.forces import _why_uncovered

    base = {"crisis_id": 3, "proven": False, "short": False}
    took = {**base, "taken": True,
            "taken_by": [{"unit": "KGZ-1", "requirement": 7, "crisis_id": 3},
                         {"unit": "RUS-2", "requirement": 9, "crisis_id": 4}]}
    assert _why_uncovered(took) == (
        " — every unit able to meet it serves another requirement of this plan: "
        "KGZ-1 serves requirement 7; RUS-2 serves requirement 9 (crisis 4)")
    # the units serving crises the reader may not read are not named
    assert _why_uncovered({**took, "taken_by": []}).endswith("of this plan")
    assert _why_uncovered({**base, "proven": True}) == " — no available unit can meet it"
    assert _why_uncovered(base) == ""
