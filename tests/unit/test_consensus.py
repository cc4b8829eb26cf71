"""The decision rule, checked against a second, independent statement of it: every
combination of positions of seven members, and random presence, standing and rules."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.decisions.consensus import (
    Method,
    Outcome,
    Position,
    Quorum,
    Rule,
    RuleError,
    Stance,
    Standing,
    decide,
)
from phalanx.domain.decisions.majority import Base, Qualified

SEVEN = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]


def oracle(stances: list[Stance], rule: Rule) -> tuple[str, frozenset[str]]:
    """The rule as the organization states it, written without the engine's structure:
    'if one member does not agree, there is no decision'."""
    voting = [s for s in stances if s.standing == Standing.FULL]
    if not rule.limited_format and any(s.position == "not_taking_part" for s in voting):
        return "error", frozenset()
    if rule.absent_bound and rule.method == Method.CONSENSUS:
        return "error", frozenset()  # the absent receive a consensus, bound by none
    if len(voting) == 0:
        return "no_quorum", frozenset()
    here = len([s for s in voting if s.present or s.position != "not_stated"])
    enough = {"all": here == len(voting), "two_thirds": 3 * here >= 2 * len(voting),
              "majority": 2 * here > len(voting)}[rule.quorum.value]
    if not enough:
        return "no_quorum", frozenset()
    taking = [s for s in voting if s.position != "not_taking_part"]
    if not taking:
        return "no_decision", frozenset()
    someone_out = len(taking) < len(voting)
    # those who took part: present, or having declared; an absent member who said
    # nothing is not bound (unless a majority's rule binds the absent), so it does not
    # count towards the minimum either
    took_part = [s for s in taking
                 if s.present or s.position != "not_stated" or rule.absent_bound]
    if someone_out and len(took_part) < rule.min_participants:
        return "no_decision", frozenset()
    against = len([s for s in taking if s.position == "object"])
    # a member not taking part in the work keeps its formal objection to a consensus
    aside = [s for s in stances
             if s.standing == Standing.NOT_PARTICIPATING and s.position == "object"]
    if rule.method == Method.CONSENSUS and (against > 0 or aside):
        return "returned", frozenset()
    if rule.method == Method.MAJORITY:
        in_favour = len([s for s in taking if s.position in ("support", "no_objection")])
        if in_favour <= against:
            return "returned", frozenset()
    if rule.method == Method.QUALIFIED and rule.qualified is not None:
        q = rule.qualified
        in_favour = len([s for s in taking if s.position in ("support", "no_objection")])
        stated = [s for s in taking if s.position != "not_stated" or s.present]
        base = {"cast": in_favour + against, "present": len(stated),
                "members": len(taking)}[q.base.value]
        reached = (in_favour * q.share.denominator > q.share.numerator * base if q.above
                   else in_favour * q.share.denominator >= q.share.numerator * base)
        if base == 0 or not reached or in_favour < q.min_states:
            return "returned", frozenset()
    # arrears cost the vote, never the obligations: bound unless the format was limited
    in_arrears = set() if someone_out else {s.state for s in stances
                                            if s.standing == Standing.IN_ARREARS}
    return "adopted", frozenset(s.state for s in took_part) | in_arrears


def check(stances: list[Stance], rule: Rule) -> None:
    expected, binding = oracle(stances, rule)
    if expected == "error":
        with pytest.raises(RuleError):
            decide(stances, rule)
        return
    result = decide(stances, rule)
    assert result.outcome.value == expected, result.reason
    assert result.binding == binding
    if result.outcome is Outcome.RETURNED and rule.method is Method.CONSENSUS:
        assert result.objectors and all(o in result.reason for o in result.objectors)


def test_every_combination_of_positions_of_seven_present_members() -> None:
    rule = Rule(quorum=Quorum.ALL, limited_format=True)
    n = 0
    for combo in itertools.product(list(Position), repeat=len(SEVEN)):
        check([Stance(s, True, p) for s, p in zip(SEVEN, combo, strict=True)], rule)
        n += 1
    assert n == len(Position) ** 7


stances_strategy = st.lists(
    st.tuples(st.booleans(), st.sampled_from(list(Position)),
              st.sampled_from(list(Standing))),
    min_size=len(SEVEN), max_size=len(SEVEN),
).map(lambda xs: [Stance(s, *x) for s, x in zip(SEVEN, xs, strict=True)])
qualified_strategy = st.builds(
    Qualified, st.sampled_from([Fraction(1, 2), Fraction(3, 5), Fraction(2, 3)]),
    st.sampled_from(list(Base)), st.booleans(), st.just(False), st.integers(0, 4))
rules_strategy = st.builds(Rule, st.sampled_from(list(Quorum)), st.sampled_from(list(Method)),
                           st.booleans(), st.integers(min_value=1, max_value=4),
                           st.just(""), qualified_strategy, absent_bound=st.booleans())


@settings(max_examples=3000, deadline=None)
@given(stances=stances_strategy, rule=rules_strategy)
def test_random_presence_standing_and_rules(stances: list[Stance], rule: Rule) -> None:
    check(stances, rule)


def test_the_reasons_read_as_a_secretary_would_write_them() -> None:
    r = decide([Stance("ARM", True, Position.SUPPORT), Stance("BLR", False, Position.OBJECT),
                Stance("KAZ", True)], Rule())
    assert r.reason == "returned for revision: BLR formally objects"
    r = decide([Stance("ARM", True, Position.SUPPORT),
                Stance("BLR", False, Position.NO_OBJECTION),
                Stance("KAZ", True, Position.NOT_TAKING_PART),
                Stance("UZB", False, standing=Standing.SUSPENDED)], Rule(limited_format=True))
    assert r.adopted
    assert r.binding == {"ARM", "BLR"}
    assert "KAZ stays out" in r.reason and "UZB without a say" in r.reason
    r = decide([Stance("ARM", True), Stance("BLR", False)], Rule())
    assert r.outcome is Outcome.NO_QUORUM and "1 of 2" in r.reason


def test_arrears_cost_the_vote_not_the_obligations() -> None:
    """Two years unpaid cost the vote (setting `arrears_years_to_lose_vote`, Charter as
    stated publicly), never the obligations: the member is bound by the whole body's
    decision, but not by a limited-format one it had no say in."""
    whole = decide([Stance("ARM", True, Position.SUPPORT), Stance("BLR", True, Position.SUPPORT),
                    Stance("KGZ", True, Position.OBJECT, Standing.IN_ARREARS)], Rule())
    assert whole.adopted and whole.binding == {"ARM", "BLR", "KGZ"}
    assert "KGZ in arrears, without a vote and bound" in whole.reason
    limited = decide([Stance("ARM", True, Position.SUPPORT),
                      Stance("BLR", True, Position.NOT_TAKING_PART),
                      Stance("KGZ", True, standing=Standing.IN_ARREARS)],
                     Rule(limited_format=True))
    assert limited.binding == {"ARM"}


def test_a_member_not_taking_part_in_the_work_neither_blocks_nor_is_bound() -> None:
    """A member that stays away from the organization's work without leaving (Armenia from
    February 2024, public statements) has no say, and receives the adopted text."""
    r = decide([Stance("ARM", False, standing=Standing.NOT_PARTICIPATING),
                Stance("BLR", True, Position.SUPPORT), Stance("KAZ", True, Position.SUPPORT)],
               Rule(quorum=Quorum.ALL))
    assert r.adopted and r.binding == {"BLR", "KAZ"}
    assert r.for_consideration == {"ARM"}


def test_a_member_not_taking_part_keeps_its_formal_objection() -> None:
    """Standing aside is the member's own declaration, not a suspension by the Council
    (DOMAIN.md §7): Armenia "simply does not veto" (2024-12-04) and keeps "all its rights
    and obligations" (the Russian MFA). Its absence blocks nothing and it is not counted,
    but a formal objection it makes blocks a consensus; on a question decided by majority
    it casts no vote."""
    stances = [Stance("ARM", False, Position.OBJECT, Standing.NOT_PARTICIPATING),
               Stance("BLR", True, Position.SUPPORT), Stance("KAZ", True, Position.SUPPORT)]
    r = decide(stances, Rule(quorum=Quorum.ALL))
    assert r.outcome is Outcome.RETURNED and r.objectors == {"ARM"}
    assert r.reason == "returned for revision: ARM formally objects"
    assert (r.with_say, r.represented) == (2, 2)  # still not counted
    majority = decide(stances, Rule(quorum=Quorum.ALL, method=Method.MAJORITY))
    assert majority.adopted and majority.objectors == frozenset()
    # a suspended member's objection is nobody's: the Council suspended its participation
    suspended = decide([Stance("UZB", False, Position.OBJECT, Standing.SUSPENDED),
                        *stances[1:]], Rule(quorum=Quorum.ALL))
    assert suspended.adopted


def test_a_limited_format_decision_needs_the_minimum_of_participants() -> None:
    """One interested member cannot make a decision of the body (min_participants, setting)."""
    stances = [Stance("ARM", True, Position.SUPPORT), Stance("BLR", True, Position.NOT_TAKING_PART),
               Stance("KAZ", True, Position.NOT_TAKING_PART)]
    r = decide(stances, Rule(limited_format=True, min_participants=2))
    assert r.outcome is Outcome.NO_DECISION and "1 member(s) take part, 2 needed" in r.reason
    assert decide(stances, Rule(limited_format=True)).adopted


def test_an_absent_member_that_said_nothing_does_not_make_up_the_minimum() -> None:
    """A limited-format decision binds those who took part; one present supporter and
    one silent absentee are one participant, not two."""
    stances = [Stance("RUS", True, Position.SUPPORT),
               Stance("KAZ", True, Position.NOT_TAKING_PART),
               Stance("TJK", False, Position.NOT_STATED)]
    r = decide(stances, Rule(quorum=Quorum.TWO_THIRDS, limited_format=True,
                             min_participants=2))
    assert r.outcome is Outcome.NO_DECISION and "1 member(s) take part" in r.reason


def test_the_state_concerned_has_no_say_where_the_rule_says_so() -> None:
    # a consensus on a suspension: the member concerned objects; without a say it
    # neither blocks nor counts towards the quorum, and it is bound
    stances = [Stance(s, True, Position.OBJECT if s == "BLR"
                      else Position.SUPPORT) for s in SEVEN]
    assert decide(stances, Rule(Quorum.ALL)).outcome is Outcome.RETURNED
    result = decide(stances, Rule(Quorum.ALL, concerned=frozenset({"BLR"})))
    assert result.adopted and "BLR" in result.binding and "BLR" in result.without_say
    assert result.with_say == len(SEVEN) - 1
    absent = [Stance(s, s != "BLR", Position.NOT_STATED if s == "BLR" else Position.SUPPORT)
              for s in SEVEN]
    assert decide(absent, Rule(Quorum.ALL)).outcome is Outcome.NO_QUORUM
    assert decide(absent, Rule(Quorum.ALL, concerned=frozenset({"BLR"}))).adopted


def test_a_majority_binds_the_absent_a_consensus_sends_them_the_text() -> None:
    """DOMAIN.md §7: members who missed a session receive the adopted texts for
    consideration (consensus); a body's decision by majority binds all its members, the
    minority and the absent included, where its rule says so (`absent_bound`, setting)."""
    stances = [Stance("ARM", True, Position.SUPPORT), Stance("BLR", True, Position.SUPPORT),
               Stance("KAZ", True, Position.OBJECT), Stance("KGZ", False),
               Stance("UZB", False, standing=Standing.SUSPENDED)]
    bound = decide(stances, Rule(quorum=Quorum.MAJORITY, method=Method.MAJORITY,
                                 absent_bound=True))
    assert bound.adopted and bound.binding == {"ARM", "BLR", "KAZ", "KGZ"}
    assert bound.for_consideration == {"UZB"}  # suspended: without a say, not bound
    assert "KGZ absent, bound by the decision of the body" in bound.reason
    sent = decide(stances, Rule(quorum=Quorum.MAJORITY, method=Method.MAJORITY))
    assert sent.binding == {"ARM", "BLR", "KAZ"} and sent.for_consideration == {"KGZ", "UZB"}
    with pytest.raises(RuleError, match="consideration"):
        decide(stances, Rule(quorum=Quorum.MAJORITY, absent_bound=True))


def test_an_absent_member_a_majority_binds_makes_up_the_limited_formats_minimum() -> None:
    stances = [Stance("RUS", True, Position.SUPPORT),
               Stance("KAZ", True, Position.NOT_TAKING_PART),
               Stance("TJK", False, Position.NOT_STATED)]
    r = decide(stances, Rule(quorum=Quorum.TWO_THIRDS, method=Method.MAJORITY,
                             limited_format=True, min_participants=2, absent_bound=True))
    assert r.adopted and r.binding == {"RUS", "TJK"} and r.opted_out == {"KAZ"}
