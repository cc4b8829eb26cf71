"""A dispute between members (`domain/crisis/parties.py`): the other party a report
names, the CRRF refused for it in the response and in the registry, in English and
Russian."""

from __future__ import annotations

from datetime import date

from phalanx.domain.crisis import parties
from phalanx.domain.crisis.workflow import Category, Measure, Situation, Stage, refusals
from phalanx.domain.forces.registry import Consent, CrisisFacts, Scope, UnitFacts, availability
from phalanx.web.i18n.errors import translate

MEMBERS = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
AGGRESSION = Category("aggression", "Aggression", "Агрессия", "Treaty art. 4", (),
                      frozenset(Measure), "all", "all_members")
WORDS = ("the CRRF is not used to settle a bilateral political problem between states: the "
         "report names TJK, a member, as the other party (a dispute between the members "
         "KGZ, TJK)")


def test_only_a_member_named_makes_a_dispute_between_members() -> None:
    assert parties.members_in_dispute(["TJK"], MEMBERS) == ["TJK"]
    assert parties.members_in_dispute(["AZE"], MEMBERS) == []  # a non-member aggressor
    assert parties.dispute_refusal(["KGZ"], []) == ""
    assert parties.dispute_refusal(["KGZ"], ["TJK"]) == WORDS


def test_the_named_parties_are_checked() -> None:
    known = MEMBERS | {"AZE"}
    assert parties.party_problems(["KGZ"], ["TJK"], known) == []
    assert parties.party_problems(["KGZ"], ["AZE"], known) == []
    assert parties.party_problems(["KGZ"], ["KGZ", "XYZ"], known) == [
        "KGZ cannot be both affected and the other party",
        "XYZ: not a state of the organization's dataset"]


def _response(dispute: str) -> list[str]:
    s = Situation(category=AGGRESSION, stage=Stage.DECISION, consultations_convened=True,
                  decision_adopted=True, decision_authorizes=frozenset({Measure.MILITARY_CRRF}),
                  measures=frozenset({Measure.MILITARY_CRRF}),
                  requested=frozenset({Measure.MILITARY_CRRF}), dispute=dispute)
    return refusals(s, Stage.RESPONSE)


def test_the_response_with_the_crrf_is_refused_in_a_dispute_between_members() -> None:
    assert _response("") == []
    assert _response(WORDS) == [WORDS]


def test_a_crrf_unit_takes_no_part_in_a_dispute_between_members() -> None:
    unit = UnitFacts("kgz-crrf", "KAZ", "crrf", "crrf")
    consent = [Consent("KAZ", Scope.ALL)]
    ok, _ = availability([unit], consent, CrisisFacts("1"), date(2022, 9, 16))
    assert ok == {"kgz-crrf"}
    ok, why = availability([unit], consent, CrisisFacts("1", dispute=WORDS), date(2022, 9, 16))
    assert ok == set() and why == {"kgz-crrf": WORDS}


def test_the_refusals_read_in_russian() -> None:
    assert translate(WORDS, "ru") == (
        "КСОР не используются для урегулирования двусторонних политических проблем между "
        "государствами: сообщение называет другой стороной TJK, государство-член (спор "
        "между государствами-членами KGZ, TJK)")
    assert translate("KGZ cannot be both affected and the other party", "ru") == (
        "KGZ не может быть одновременно пострадавшим и другой стороной")
    assert translate("TJK owes no answer on crisis 3 (only members other than the affected "
                     "ones and the other party, where the category obliges all members or "
                     "the affected state's request invokes collective defence)",
                     "ru").startswith("TJK не должно отвечать по кризису 3 (отвечают "
                                      "государства-члены, кроме пострадавших и другой стороны")


def test_the_crrf_is_refused_against_a_neighbouring_state_named() -> None:
    assert parties.neighbour_refusal({"AZE": ["ARM"], "HUN": []}) == (
        "the CRRF is not used against CIS partners or neighbouring states: the report names "
        "AZE, a neighbouring state (bordering ARM), as the other party")
    assert parties.neighbour_refusal({"USA": []}) == ""
