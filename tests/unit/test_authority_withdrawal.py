"""The affected state may withdraw its official request (`domain/crisis/authority.py`,
`domain/crisis/workflow.py`): a withdrawn request covers nothing decided, linked or
deployed from its withdrawal on, and the guards name it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from phalanx.domain.crisis.authority import (
    DecisionBasis,
    OfficialRequest,
    authority_problems,
    covering_requests,
    request_problems,
    withdrawals,
)
from phalanx.domain.crisis.workflow import (
    Category,
    Measure,
    Situation,
    Stage,
    military_refusals,
    refusals,
    response_refusals,
    withdrawal_refusals,
)

PK, CRRF = Measure.MILITARY_PEACEKEEPING, Measure.MILITARY_CRRF
MADE = datetime(2022, 1, 5, 21, 0, tzinfo=UTC)
GONE = datetime(2022, 1, 13, 7, 0, tzinfo=UTC)  # the President: the mission is accomplished
ASKED = OfficialRequest("KAZ", MADE, "Treaty art. 4", frozenset({PK}))
WITHDRAWN = replace(ASKED, withdrawn_at=GONE)
NAMED = ("military_peacekeeping: the official request of KAZ of 2022-01-05 21:00 UTC was "
         "withdrawn on 2022-01-13 07:00 UTC: nothing decided, linked or deployed after that "
         "answers it")


def decision(**kw: object) -> DecisionBasis:
    data: dict[str, object] = dict(
        number="CSC-2022-001", kind="decision", body="csc", adopted_on=date(2022, 1, 6),
        binding=frozenset({"KAZ", "RUS"}), exercise=False, measures=frozenset({PK}),
        adopted_at=datetime(2022, 1, 6, 8, tzinfo=UTC))
    return DecisionBasis(**(data | kw))  # type: ignore[arg-type]


def problems(requests: list[OfficialRequest], at: datetime | None,
             d: DecisionBasis | None = None) -> list[str]:
    return authority_problems(d or decision(), affected=["KAZ"],
                              reported_at=datetime(2022, 1, 5, 12, tzinfo=UTC),
                              requests=requests, competent={"military_peacekeeping": ["csc"]},
                              exercise=False, on_member_territory=True, at=at)


# --- a withdrawn request ----------------------------------------------------------------


def test_a_request_stands_until_the_minute_of_its_withdrawal() -> None:
    assert WITHDRAWN.stands(GONE - timedelta(minutes=1))
    assert not WITHDRAWN.stands(GONE)
    assert not WITHDRAWN.stands()  # as things stand
    assert ASKED.stands() and ASKED.stands(GONE)
    assert covering_requests([WITHDRAWN], ["KAZ"], PK, GONE - timedelta(hours=1)) == [WITHDRAWN]
    assert covering_requests([WITHDRAWN], ["KAZ"], PK) == []


def test_a_decision_linked_after_the_withdrawal_is_refused_naming_it() -> None:
    assert problems([WITHDRAWN], at=GONE + timedelta(hours=1)) == [NAMED]
    assert problems([WITHDRAWN], at=GONE) == [NAMED]
    assert problems([WITHDRAWN], at=None) == [NAMED]
    # linked before it was withdrawn: what was decided then stands
    assert problems([WITHDRAWN], at=GONE - timedelta(hours=1)) == []


def test_a_new_request_after_a_withdrawal_counts_for_decisions_after_it() -> None:
    again = OfficialRequest("KAZ", GONE + timedelta(days=1), "Treaty art. 4", frozenset({PK}))
    later = decision(adopted_on=date(2022, 1, 15), adopted_at=datetime(2022, 1, 15, tzinfo=UTC))
    assert problems([WITHDRAWN, again], at=GONE + timedelta(days=3), d=later) == []
    # the decision taken on the withdrawn request does not answer the new one
    assert problems([WITHDRAWN, again], at=GONE + timedelta(days=3)) == [
        "military_peacekeeping: CSC-2022-001 was adopted before the request of "
        "2022-01-14 07:00 UTC"]
    assert withdrawals([WITHDRAWN, again], ["KAZ"]) == {}


def test_request_problems_name_the_withdrawal() -> None:
    assert request_problems([PK], [WITHDRAWN], ["KAZ"], on_member_territory=True) == [NAMED]
    assert request_problems([PK], [WITHDRAWN], ["KAZ"], on_member_territory=True,
                            at=GONE - timedelta(minutes=1)) == []
    # peacekeeping outside the members' territory needs no request (a UN mandate instead)
    assert request_problems([PK], [WITHDRAWN], ["KAZ"], on_member_territory=False) == []


# --- the guards, once the request is withdrawn ------------------------------------------

CAT = Category("threat_to_security", "Threat", "", "2010", ("csc",),
               frozenset({Measure.POLITICAL, PK, CRRF}), "assist", "volunteers")


def under_way(stage: Stage, requests: list[OfficialRequest], **kw: object) -> Situation:
    covered = frozenset(m for m in (PK, CRRF) if covering_requests(requests, ["KAZ"], m))
    return Situation(CAT, stage, consultations_convened=True, decision_adopted=True,
                     decision_authorizes=frozenset({PK}), measures=frozenset({PK}),
                     units_committed=3, review="done", requested=covered,
                     official_request=PK in covered,
                     withdrawn=withdrawals(requests, ["KAZ"]), **kw)  # type: ignore[arg-type]


def test_the_guards_name_the_withdrawal_once_under_way() -> None:
    s = under_way(Stage.RESPONSE, [WITHDRAWN])
    assert military_refusals(s) == [NAMED]
    assert response_refusals(s) == [NAMED]  # a change of decision or measures is refused
    assert refusals(s, Stage.DEPLOYED) == [NAMED]  # no new deployment
    assert refusals(s, Stage.MONITORING) == []  # the mission winds down
    assert refusals(replace(s, stage=Stage.DEPLOYED), Stage.MONITORING) == []
    assert withdrawal_refusals(s) == [NAMED]
    assert withdrawal_refusals(s, [Measure.POLITICAL]) == []
    # dropping the military measure is not refused
    assert response_refusals(replace(s, measures=frozenset({Measure.POLITICAL}))) == []


def test_a_standing_request_leaves_the_guards_as_they_were() -> None:
    s = under_way(Stage.RESPONSE, [ASKED])
    assert military_refusals(s) == [] and refusals(s, Stage.DEPLOYED) == []
    # never asked for at all: the old message, which names no withdrawal
    bare = under_way(Stage.RESPONSE, [])
    assert military_refusals(bare) == [
        "peacekeepers go to a member's territory only at its official request"]
    # outside the members' territory, with a UN mandate, peacekeeping needs no request
    abroad = under_way(Stage.RESPONSE, [WITHDRAWN], on_member_territory=False, un_mandate=True)
    assert military_refusals(abroad) == [] and refusals(abroad, Stage.DEPLOYED) == []
