"""What makes a response lawful (`domain/crisis/authority.py`): the affected state's
official request, and a decision that can authorize the measures (and answers one crisis)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from phalanx.domain.crisis.authority import (
    Answered,
    DecisionBasis,
    OfficialRequest,
    authority_problems,
    request_problems,
    reuse_problems,
)
from phalanx.domain.crisis.workflow import Measure

PK = Measure.MILITARY_PEACEKEEPING
COMPETENT = {"military_peacekeeping": ["csc"], "military_crrf": ["csc"],
             "humanitarian": ["csc", "permanent-council"]}
REQUEST = OfficialRequest("KGZ", datetime(2010, 6, 12, 9, tzinfo=UTC), "Treaty art. 4",
                          frozenset({PK}))


def basis(**kw: object) -> DecisionBasis:
    data: dict[str, object] = dict(
        number="CSC-2010-004", kind="decision", body="csc", adopted_on=date(2010, 6, 14),
        binding=frozenset({"KGZ", "KAZ", "RUS"}), exercise=False, measures=frozenset({PK}))
    return DecisionBasis(**(data | kw))  # type: ignore[arg-type]


def problems(d: DecisionBasis, requests: list[OfficialRequest] | None = None,
             exercise: bool = False) -> list[str]:
    return authority_problems(d, affected=["KGZ"], reported_at=datetime(2010, 6, 11, tzinfo=UTC),
                              requests=[REQUEST] if requests is None else requests,
                              competent=COMPETENT, exercise=exercise,
                              on_member_territory=True)


def test_a_council_decision_after_the_request_binding_the_state_authorizes() -> None:
    assert problems(basis()) == []


def test_each_failed_condition_is_named() -> None:
    assert problems(basis(kind="statement")) == [
        "CSC-2010-004 is a statement: only a decision authorizes measures"]
    assert problems(basis(body="permanent-council")) == [
        "military_peacekeeping: permanent-council is not competent (the dataset names csc)"]
    assert problems(basis(adopted_on=date(2010, 6, 1))) == [
        "CSC-2010-004 was adopted on 2010-06-01, before the crisis was reported "
        "(2010-06-11 00:00 UTC)",
        "military_peacekeeping: CSC-2010-004 was adopted before the request of "
        "2010-06-12 09:00 UTC"]
    assert problems(basis(binding=frozenset({"KAZ", "RUS"}))) == [
        "CSC-2010-004 does not bind KGZ (the affected state)"]
    assert problems(basis(), requests=[]) == [
        "military_peacekeeping: no official request of KGZ asks for it"]
    assert problems(basis(exercise=True)) == [
        "CSC-2010-004 is an exercise decision and the crisis is real"]
    assert problems(basis(measures=frozenset())) == [
        "CSC-2010-004 authorizes no measure (its text names none)"]


def test_military_measures_on_a_member_territory_need_a_request() -> None:
    # the refusal cites the collective-defence article the organization's file names
    assert request_problems([Measure.MILITARY_CRRF, Measure.HUMANITARIAN], [REQUEST], ["KGZ"],
                            on_member_territory=True, article="Treaty art. 4") == [
        "military_crrf: no official request of KGZ asks for it (Treaty art. 4 assistance and "
        "peacekeeping on a member's territory are given at the affected state's request)"]
    assert request_problems([Measure.MILITARY_CRRF], [REQUEST], ["KGZ"],
                            on_member_territory=True) == [
        "military_crrf: no official request of KGZ asks for it (military assistance and "
        "peacekeeping on a member's territory are given at the affected state's request)"]
    assert request_problems([PK], [REQUEST], ["KGZ"], on_member_territory=True) == []
    assert request_problems([PK], [], ["KGZ"], on_member_territory=False) == []


def test_a_request_counts_whatever_the_requesters_standing() -> None:
    """Armenia, not taking part in the work, is bound by no decision taken without it,
    but its own official request is still its request."""
    d = basis()
    asked = authority_problems(d, affected=[], reported_at=datetime(2010, 6, 11, tzinfo=UTC),
                               requests=[REQUEST], competent={"military_peacekeeping": ["csc"]},
                               exercise=False, on_member_territory=True, requesters=["KGZ"])
    assert asked == []
    unasked = authority_problems(d, affected=[], reported_at=datetime(2010, 6, 11, tzinfo=UTC),
                                 requests=[], competent={"military_peacekeeping": ["csc"]},
                                 exercise=False, on_member_territory=True,
                                 requesters=["ARM"])
    assert unasked == ["military_peacekeeping: no official request of ARM asks for it"]


def test_a_decision_that_answers_another_crisis_is_refused_naming_it() -> None:
    assert reuse_problems("CSC-2022-001", 2, [Answered(1, "Unrest in Almaty")]) == [
        "CSC-2022-001 already answers crisis 1 (Unrest in Almaty): a decision on a collective "
        "response answers the situation it was taken on"]
    # a crisis the reader may not see is named by neither its number nor its title
    assert reuse_problems("CSC-2022-001", 2, [Answered(1)]) == [
        "CSC-2022-001 already answers another crisis: a decision on a collective response "
        "answers the situation it was taken on"]


def test_linking_again_to_the_same_crisis_is_no_reuse() -> None:
    assert reuse_problems("CSC-2022-001", 1, [Answered(1, "Unrest in Almaty")]) == []
    assert reuse_problems("CSC-2022-001", 1, []) == []
