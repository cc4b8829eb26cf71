"""The rules in force on a day: a crisis category, a body's video conferences and its
decisions by consultation exist from the agreement that made them; an agreement the file
does not hold is refused where it is named; and what a request asked for and the decision
on the crisis did not give."""

from __future__ import annotations

from datetime import UTC, date, datetime

from phalanx.dataset.loader import parse
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import Category, Measure, category_problem
from phalanx.domain.decisions import consultation, procedure
from tests.unit.test_dataset_errors import VALID, problems, replace_once

REFORM = date(2010, 12, 10)
RULES = {"session_kinds": ["regular", "extraordinary"], "video_conference": True,
         "video_conference_from": "reform",
         "consultation": {"questions": ["default"], "introduced_by": "reform"}}


def _category() -> Category:
    return Category("armed_attack", "Armed attack", "", "basis", ("council",),
                    frozenset({Measure.POLITICAL}), "obligation", "all_members",
                    introduced_by="reform")


def test_a_category_exists_from_the_agreement_that_made_it() -> None:
    assert category_problem(_category(), REFORM, date(2010, 12, 10)) is None
    assert category_problem(_category(), None, date(2010, 6, 12)) is None
    assert category_problem(_category(), REFORM, date(2010, 6, 12)) == (
        "the category 'armed_attack' exists from 2010-12-10 (reform); a crisis of "
        "2010-06-12 is one of the categories in force that day")


def test_video_conferences_and_consultations_exist_from_the_reform() -> None:
    video, person = procedure.Mode.VIDEO, procedure.Mode.IN_PERSON
    kind = procedure.SessionKind.EXTRAORDINARY
    assert not procedure.meets_by_video(RULES, date(2010, 6, 14), REFORM)
    assert procedure.meets_by_video(RULES, REFORM, REFORM)
    assert procedure.session_problems(RULES, kind, video, "https://vc", date(2010, 6, 14),
                                      REFORM) == [
        "this body meets by video conference from 2010-12-10 (reform); this session is of "
        "2010-06-14"]
    assert procedure.session_problems(RULES, kind, person, None, date(2010, 6, 14),
                                      REFORM) == []
    assert consultation.consultation_problems(RULES, "default", date(2010, 6, 12),
                                              REFORM) == [
        "decisions by consultation exist from 2010-12-10 (reform); this draft is of "
        "2010-06-12"]
    assert consultation.consultation_problems(RULES, "default", REFORM, REFORM) == []


def test_an_unknown_agreement_is_refused_where_it_is_named() -> None:
    text = replace_once(VALID, "    seat: head\n",
                        "    seat: head\n    video_conference: true\n"
                        "    video_conference_from: no-such-act\n")
    assert [(p, m) for _, p, m in problems(text)] == [
        ("bodies.0.video_conference_from", "unknown agreement 'no-such-act'")]
    ds, _ = parse(replace_once(text, "no-such-act", "t"), "org.yaml")
    assert ds.bodies[0].video_conference_from == "t"


def test_what_a_request_asked_for_and_the_decision_did_not_give() -> None:
    asked = authority.OfficialRequest(
        "KGZ", datetime(2010, 6, 12, 6, tzinfo=UTC), "Treaty art. 2",
        frozenset({Measure.MILITARY_PEACEKEEPING, Measure.LOGISTIC}))
    given = {Measure.LOGISTIC, Measure.POLITICAL}
    assert authority.not_granted([asked], ["KGZ"], given) == [Measure.MILITARY_PEACEKEEPING]
    assert authority.not_granted([asked], ["KAZ"], given) == []  # not the affected state
    gone = authority.OfficialRequest(asked.state, asked.at, asked.article, asked.measures,
                                     withdrawn_at=datetime(2010, 6, 13, tzinfo=UTC))
    assert authority.not_granted([gone], ["KGZ"], given) == []  # withdrawn: asks nothing
