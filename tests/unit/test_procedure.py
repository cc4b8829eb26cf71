"""Rules of procedure around the decision rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phalanx.domain.decisions.consensus import Method, Position, Quorum
from phalanx.domain.decisions.procedure import (
    Mode,
    SessionKind,
    WrittenProcedure,
    WrittenStatus,
    diff,
    position_problems,
    rule_for,
    session_problems,
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
    assert position_problems(Position.NOT_TAKING_PART, rule_for(rules, "default"), False)
    assert not position_problems(Position.NOT_TAKING_PART, rule_for(rules, "default"), True)


def test_written_procedure_goes_in_turn_until_the_deadline() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    wp = WrittenProcedure(("RUS", "ARM"), (), now + timedelta(days=1))
    assert wp.next_signatory() == "RUS"
    assert wp.sign_problems("ARM", now) == ["it is RUS's turn to sign"]
    assert wp.status(now + timedelta(days=2)) is WrittenStatus.LAPSED
    done = WrittenProcedure(("RUS", "ARM"), ("RUS", "ARM"), now)
    assert done.status(now + timedelta(days=9)) is WrittenStatus.ADOPTED


def test_diff_shows_the_change() -> None:
    d = diff("a\nb\n", "a\nc\n", "v1", "v2")
    assert "-b" in d and "+c" in d
