"""Rules of procedure around the decision rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from phalanx.domain.decisions.consensus import Method, Position, Quorum, Standing
from phalanx.domain.decisions.procedure import (
    Answer,
    Mode,
    SessionKind,
    Signature,
    WrittenProcedure,
    WrittenStatus,
    diff,
    limited_format_problems,
    position_problems,
    rule_for,
    session_problems,
    signatories,
    still_signing,
)

REGULAR_ONLY = {"session_kinds": ["regular"], "video_conference": False}


def test_a_body_holds_only_the_sessions_its_rules_allow() -> None:
    assert session_problems(REGULAR_ONLY, SessionKind.REGULAR, Mode.IN_PERSON, None) == []
    problems = session_problems(REGULAR_ONLY, SessionKind.EMERGENCY, Mode.VIDEO, None)
    assert "does not hold emergency sessions" in problems[0]
    assert "does not meet by video conference" in problems[1]
    assert "needs its link" in problems[2]


def test_rules_per_kind_of_question_fall_back_to_default() -> None:
    rules = {"decision_rules": {"default": {"quorum": "all", "limited_format": True},
                                "procedural": {"quorum": "two_thirds",
                                               "consensus": "majority"}}}
    assert rule_for(rules, "default").limited_format
    assert rule_for(rules, "procedural").quorum is Quorum.TWO_THIRDS
    assert rule_for(rules, "procedural").method is Method.MAJORITY
    assert rule_for(rules, "budget").quorum is Quorum.ALL
    day = date(2026, 1, 1)
    assert not position_problems(Position.NOT_TAKING_PART, rules, "default", day, None)
    assert position_problems(Position.NOT_TAKING_PART, rules, "procedural", day, None) == [
        "this body does not decide 'procedural' questions in a limited format"]


def test_the_limited_format_exists_from_the_agreement_that_introduced_it() -> None:
    """The 2010 reform introduced decisions in a limited format (seeds): a member cannot
    stay out of a decision of 2009, and the body's minimum of participants applies."""
    rules = {"decision_rules": {"default": {"limited_format": True}},
             "limited_format": {"introduced_by": "charter-amendment-2010",
                                "min_participants": 2}}
    since = date(2010, 12, 10)
    assert limited_format_problems(rules, "default", date(2009, 6, 1), since) == [
        "the limited format exists from 2010-12-10; this draft is of 2009-06-01"]
    assert not rule_for(rules, "default", date(2009, 6, 1), since).limited_format
    rule = rule_for(rules, "default", date(2011, 1, 1), since)
    assert rule.limited_format and rule.min_participants == 2


def test_written_procedure_goes_in_turn_until_the_deadline() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wp = WrittenProcedure(("RUS", "ARM"), (), now + timedelta(days=1))
    assert wp.next_signatory() == "RUS"
    assert wp.answer_problems("ARM", Answer.SIGN, now) == ["it is RUS's turn to sign"]
    assert wp.status(now + timedelta(days=2)) is WrittenStatus.LAPSED
    assert wp.reason(now + timedelta(days=2)).endswith("not signed by RUS, ARM")
    done = WrittenProcedure(("RUS", "ARM"), (Signature("RUS", Answer.SIGN),
                                             Signature("ARM", Answer.RESERVATION, "art. 3")),
                            now)
    assert done.status(now + timedelta(days=9)) is WrittenStatus.ADOPTED
    assert "with reservations: ARM (art. 3)" in done.reason(now)


def test_an_objection_returns_the_draft_at_once_and_need_not_wait_its_turn() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wp = WrittenProcedure(("RUS", "ARM", "KAZ"), (), now + timedelta(days=1))
    assert wp.answer_problems("KAZ", Answer.OBJECT, now) == []
    objected = WrittenProcedure(wp.order, (Signature("KAZ", Answer.OBJECT),), wp.deadline)
    assert objected.status(now) is WrittenStatus.RETURNED
    assert objected.answer_problems("RUS", Answer.SIGN, now) == ["the procedure is returned"]


def test_a_member_not_taking_part_signs_nothing_but_may_object() -> None:
    """Its silence lapses nothing (it is not on the list); its objection returns the draft
    like a signatory's."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wp = WrittenProcedure(("BLR", "KAZ"), (), now + timedelta(days=1), aside=("ARM",))
    assert wp.answer_problems("ARM", Answer.SIGN, now) == [
        "ARM takes no part in the work: it signs nothing, but may formally object"]
    assert wp.answer_problems("ARM", Answer.OBJECT, now) == []
    assert wp.answer_problems("UZB", Answer.OBJECT, now) == [
        "UZB is not among the signatories (members with a say)"]
    signed = WrittenProcedure(wp.order, (Signature("BLR", Answer.SIGN),
                                         Signature("KAZ", Answer.SIGN)), wp.deadline, ("ARM",))
    assert signed.status(now) is WrittenStatus.ADOPTED  # ARM's silence blocks nothing
    objected = WrittenProcedure(wp.order, (Signature("BLR", Answer.SIGN),
                                           Signature("ARM", Answer.OBJECT)), wp.deadline,
                                ("ARM",))
    assert objected.status(now) is WrittenStatus.RETURNED
    assert objected.reason(now) == ("returned for revision: ARM objects in the written "
                                    "procedure")


def test_the_signing_list_is_every_member_with_a_say() -> None:
    """Suspended members and members not taking part sign nothing; members in arrears only
    where the dataset says so (setting)."""
    standings = {"ARM": Standing.NOT_PARTICIPATING, "BLR": Standing.FULL,
                 "KGZ": Standing.IN_ARREARS, "UZB": Standing.SUSPENDED, "RUS": Standing.FULL}
    assert signatories(standings, in_arrears_sign=False) == ("BLR", "RUS")
    assert signatories(standings, in_arrears_sign=True) == ("BLR", "KGZ", "RUS")


def test_diff_shows_the_change() -> None:
    d = diff("a\nb\n", "a\nc\n", "v1", "v2")
    assert "-b" in d and "+c" in d


def test_a_member_that_lost_its_say_during_circulation_is_no_longer_awaited() -> None:
    order = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")
    now = {"ARM": Standing.FULL, "BLR": Standing.IN_ARREARS, "KAZ": Standing.FULL,
           "KGZ": Standing.NOT_PARTICIPATING, "RUS": Standing.SUSPENDED, "TJK": None,
           "UZB": Standing.FULL}  # UZB was not on the list: nobody is added
    assert still_signing(order, now, in_arrears_sign=False) == ("ARM", "KAZ")
    assert still_signing(order, now, in_arrears_sign=True) == ("ARM", "BLR", "KAZ")
