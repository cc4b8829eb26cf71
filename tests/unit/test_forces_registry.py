"""Who may be used for a crisis: the state's consent (all, some, none), certification,
the CRRF's use constraint and the peacekeepers' mandate rule; contradictions in consent
are named."""

from __future__ import annotations

from datetime import date

import pytest

from phalanx.domain.forces.registry import (
    Consent,
    CrisisFacts,
    Scope,
    UnitFacts,
    availability,
    conditions_problems,
    consent_problems,
    outside_response,
)

TODAY = date(2026, 11, 30)
UNITS = {
    "rus-vdv": UnitFacts("rus-vdv", "RUS", "crrf", "crrf", date(2027, 12, 31)),
    "kaz-daa": UnitFacts("kaz-daa", "KAZ", "crrf", "crrf", date(2027, 6, 30)),
    "kaz-pk": UnitFacts("kaz-pk", "KAZ", "peacekeeping", "peacekeeping", date(2027, 6, 30)),
    "kgz-mr": UnitFacts("kgz-mr", "KGZ", "crdf-car", "crrf", date(2026, 6, 30)),  # expired
    "arm-er": UnitFacts("arm-er", "ARM", "crrf", "crrf", None, withdrawn=True),
}


def test_no_answer_means_no_unit() -> None:
    ok, why = availability(UNITS.values(), [], CrisisFacts("c"), TODAY)
    assert ok == set()
    assert why["rus-vdv"] == "RUS has not made its units available for this crisis"


def test_all_some_and_none() -> None:
    consents = [Consent("RUS", Scope.ALL), Consent("KAZ", Scope.SOME, frozenset({"kaz-daa"})),
                Consent("KGZ", Scope.NONE)]
    ok, why = availability(UNITS.values(), consents, CrisisFacts("c", official_request=True),
                           TODAY)
    assert ok == {"rus-vdv", "kaz-daa"}
    assert why["kaz-pk"] == "KAZ made other units available, not this one"
    assert why["kgz-mr"] == "KGZ declined to take part in this crisis"
    assert why["arm-er"] == "withdrawn by ARM"


def test_certification_expiry_bars_a_unit() -> None:
    ok, why = availability(UNITS.values(), [Consent("KGZ", Scope.ALL)], CrisisFacts("c"),
                           TODAY)
    assert "kgz-mr" not in ok and why["kgz-mr"] == "certification expired on 2026-06-30"
    ok, _ = availability(UNITS.values(), [Consent("KGZ", Scope.ALL)], CrisisFacts("c"),
                         date(2026, 6, 30))
    assert "kgz-mr" in ok


@pytest.mark.parametrize(("facts", "reason"), [
    (CrisisFacts("c", bilateral_dispute=True),
     "the CRRF is not used to solve a bilateral political problem between states"),
    (CrisisFacts("c", against_cis_or_neighbour=True),
     "the CRRF is not used against CIS partners or neighbouring states"),
])
def test_the_crrf_use_constraint(facts: CrisisFacts, reason: str) -> None:
    everyone = [Consent(s, Scope.ALL) for s in ("RUS", "KAZ", "KGZ", "ARM")]
    ok, why = availability(UNITS.values(), everyone, facts, TODAY)
    assert why["rus-vdv"] == reason and why["kaz-daa"] == reason
    assert "rus-vdv" not in ok


def test_peacekeepers_need_a_request_or_a_mandate() -> None:
    kaz = [Consent("KAZ", Scope.ALL)]
    _, why = availability(UNITS.values(), kaz, CrisisFacts("c"), TODAY)
    assert why["kaz-pk"] == "peacekeepers go to a member's territory only at its official request"
    ok, _ = availability(UNITS.values(), kaz, CrisisFacts("c", official_request=True), TODAY)
    assert "kaz-pk" in ok
    abroad = CrisisFacts("c", on_member_territory=False)
    _, why = availability(UNITS.values(), kaz, abroad, TODAY)
    assert "UN mandate" in why["kaz-pk"]
    ok, _ = availability(UNITS.values(), kaz, CrisisFacts("c", on_member_territory=False,
                                                          un_mandate=True), TODAY)
    assert "kaz-pk" in ok


def test_contradictory_consents_are_named() -> None:
    problems = consent_problems([
        Consent("KAZ", Scope.SOME, frozenset({"rus-vdv", "nope"})),
        Consent("KAZ", Scope.ALL),
        Consent("RUS", Scope.NONE, frozenset({"rus-vdv"})),
        Consent("KGZ", Scope.SOME),
    ], UNITS)
    assert problems == [
        "KAZ: unknown unit 'nope'",
        "KAZ: unit rus-vdv belongs to RUS, which alone may make it available",
        "KAZ answered twice for this crisis",
        "RUS: units are named only with 'some' (the answer is 'none')",
        "KGZ: 'some' names no unit",
    ]


@pytest.mark.parametrize(("status", "exempt", "reason"), [
    ("member", {"suspended"}, None),
    ("not_taking_part", {"suspended"}, None),
    ("suspended", set(), None),
    ("suspended", {"suspended"}, "UZB's participation is suspended: its units take no part"),
    ("not_taking_part", {"not_taking_part"},
     "UZB takes no part in the Organization's work: its units take no part"),
    (None, {"suspended"}, "UZB is not a member of the Organization: its units take no part"),
    ("signatory", set(), "UZB is not a member of the Organization: its units take no part"),
])
def test_who_is_outside_a_response(status: str | None, exempt: set[str],
                                   reason: str | None) -> None:
    assert outside_response("UZB", status, exempt) == reason


def test_a_state_outside_the_response_has_no_unit_used_whatever_it_answered() -> None:
    uzb = UnitFacts("uzb-mr", "UZB", "crdf-car", "crrf", None)
    why_out = "UZB's participation is suspended: its units take no part"
    ok, why = availability([uzb, UNITS["rus-vdv"]],
                           [Consent("UZB", Scope.ALL), Consent("RUS", Scope.ALL)],
                           CrisisFacts("c"), TODAY, {"UZB": why_out})
    assert ok == {"rus-vdv"} and why == {"uzb-mr": why_out}


def test_conditions_not_accepted_are_named_for_the_states_a_plan_moves() -> None:
    consents = [Consent("KAZ", Scope.SOME, frozenset({"kaz-daa"}), "rescue only"),
                Consent("TJK", Scope.ALL, conditions="no night movements",
                        conditions_accepted=True),
                Consent("KGZ", Scope.NONE, conditions="not now"),
                Consent("RUS", Scope.ALL, conditions="  ")]
    assert conditions_problems(consents, {"KAZ", "TJK", "KGZ", "RUS"}) == [
        "KAZ made its units available on conditions not yet accepted by the Joint Staff "
        "or the Secretariat: rescue only"]
    assert conditions_problems(consents, {"TJK", "RUS"}) == []  # KAZ's units do not move
