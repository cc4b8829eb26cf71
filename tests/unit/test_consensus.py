"""The decision rule, checked against a second, independent statement of it: every
combination of positions of seven members, and random presence, standing and rules."""

from __future__ import annotations

import itertools

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

SEVEN = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]


def oracle(stances: list[Stance], rule: Rule) -> tuple[str, frozenset[str]]:
    """The rule as the organization states it, written without the engine's structure:
    'if one member does not agree, there is no decision'."""
    voting = [s for s in stances if s.standing == Standing.FULL]
    if not rule.limited_format and any(s.position == "not_taking_part" for s in voting):
        return "error", frozenset()
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
    against = len([s for s in taking if s.position == "object"])
    if rule.method == Method.CONSENSUS and against > 0:
        return "returned", frozenset()
    if rule.method == Method.MAJORITY:
        in_favour = len([s for s in taking if s.position in ("support", "no_objection")])
        if in_favour <= against:
            return "returned", frozenset()
    return "adopted", frozenset(s.state for s in taking
                                if s.present or s.position != "not_stated")


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
rules_strategy = st.builds(Rule, st.sampled_from(list(Quorum)), st.sampled_from(list(Method)),
                           st.booleans())


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
