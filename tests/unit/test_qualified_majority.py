"""The qualified and weighted majority (`domain/decisions/majority.py`), and the third
organization's file that decides by it (`tests/fixtures/north-sea-league.yaml`)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Method,
    Outcome,
    Position,
    Quorum,
    Rule,
    Stance,
    Standing,
    decide,
)
from phalanx.domain.decisions.majority import Base, Qualified

FILE = Path(__file__).parents[1] / "fixtures" / "north-sea-league.yaml"
TEXT = FILE.read_text(encoding="utf-8")
SEVEN = ("BEL", "DNK", "ISL", "LUX", "NLD", "NOR", "SWE")
WEIGHTS = {"BEL": 4, "DNK": 3, "ISL": 1, "LUX": 1, "NLD": 5, "NOR": 3, "SWE": 4}


def _rule(question: str) -> Rule:
    _, org = parse(TEXT, "north-sea-league.yaml")
    return proc.rule_for(org.bodies["league-council"].rules, question)


def _votes(**positions: str) -> list[Stance]:
    """Every member present, each with the position given (`not_stated` otherwise)."""
    return [Stance(s, True, Position(positions.get(s, "not_stated"))) for s in SEVEN]


def _split(n_for: int, n_against: int, n_abstain: int = 0) -> list[Stance]:
    kinds = ["support"] * n_for + ["object"] * n_against + ["abstain"] * n_abstain
    return _votes(**dict(zip(SEVEN, kinds, strict=False)))


def test_the_file_s_rules_are_read_as_written() -> None:
    default, admission, appointment = (_rule(q) for q in ("default", "admission",
                                                          "appointment"))
    assert default.method is Method.QUALIFIED and default.quorum is Quorum.MAJORITY
    assert default.qualified == Qualified(Fraction(2, 3), Base.CAST)
    assert admission.qualified == Qualified(Fraction(2, 3), Base.MEMBERS, weighted=True,
                                            min_states=5)
    assert dict(admission.weights) == WEIGHTS
    assert appointment.qualified == Qualified(Fraction(1, 2), Base.MEMBERS, above=True)


def test_one_vote_short_is_not_adopted_and_one_more_is() -> None:
    rule = _rule("default")  # two thirds of the votes cast: 5 of 7
    short = decide(_split(4, 3), rule)
    assert short.outcome is Outcome.RETURNED
    assert short.tally is not None and (short.tally.weight_for, short.tally.base,
                                        short.tally.needed) == (4, 7, 5)
    assert short.reason == ("not carried; qualified majority, 2/3 of votes cast: 4 of 7 "
                            "votes in favour, 5 needed")
    carried = decide(_split(5, 2), rule)
    assert carried.adopted and carried.binding == frozenset(SEVEN)
    assert "qualified majority, 2/3 of votes cast: 5 of 7 votes in favour" in carried.reason


def test_abstentions_are_not_votes_cast() -> None:
    # 4 for, 2 against, 1 abstaining: 4 of 6 cast is two thirds
    result = decide(_split(4, 2, 1), _rule("default"))
    assert result.adopted, result.reason
    assert result.tally is not None and result.tally.abstaining == ("SWE",)
    # the same votes against all members (the appointment's base) count the abstention
    members = Rule(Quorum.MAJORITY, Method.QUALIFIED,
                   qualified=Qualified(Fraction(2, 3), Base.MEMBERS))
    assert not decide(_split(4, 2, 1), members).adopted
    # nobody casting a vote carries nothing
    assert decide(_split(0, 0, 7), _rule("default")).outcome is Outcome.RETURNED


def test_a_quorum_not_met_adopts_nothing() -> None:
    # a majority of 7 is 4: three members present, all in favour, decide nothing
    stances = [Stance(s, s in SEVEN[:3], Position.SUPPORT if s in SEVEN[:3]
                      else Position.NOT_STATED) for s in SEVEN]
    result = decide(stances, _rule("default"))
    assert result.outcome is Outcome.NO_QUORUM and not result.binding
    stances[3] = Stance(SEVEN[3], True, Position.SUPPORT)
    assert decide(stances, _rule("default")).adopted


def test_more_than_half_of_all_members_is_four_of_seven() -> None:
    rule = _rule("appointment")
    # absent members count in the base: 3 for of 7 members is not more than half
    stances = [Stance(s, i < 4, Position.SUPPORT if i < 3 else Position.OBJECT)
               for i, s in enumerate(SEVEN)]
    assert not decide(stances, rule).adopted
    assert decide(_split(4, 3), rule).adopted


def test_members_without_a_say_cast_no_vote() -> None:
    stances = [Stance(s, True, Position.OBJECT if s == "SWE" else Position.SUPPORT,
                      Standing.SUSPENDED if s == "SWE" else Standing.FULL) for s in SEVEN]
    result = decide(stances, _rule("admission"))
    assert result.tally is not None and "SWE" not in result.tally.against
    assert result.tally.base == sum(WEIGHTS.values()) - WEIGHTS["SWE"]


def test_weight_reached_by_too_few_states_is_not_enough() -> None:
    # NLD, BEL, SWE, DNK: 16 of 21 weight, over two thirds (14), but 4 states, not 5
    four = _votes(NLD="support", BEL="support", SWE="support", DNK="support",
                  NOR="object", ISL="object", LUX="object")
    result = decide(four, _rule("admission"))
    assert result.outcome is Outcome.RETURNED
    assert "4 states in favour, at least 5 needed" in result.reason
    five = _votes(NLD="support", BEL="support", SWE="support", DNK="support",
                  LUX="support", NOR="object", ISL="object")
    assert decide(five, _rule("admission")).adopted


@given(num=st.integers(1, 12), den=st.integers(1, 12), base=st.integers(0, 500),
       above=st.booleans())
def test_the_weight_needed_is_the_least_that_reaches_the_share(num: int, den: int,
                                                                base: int, above: bool) -> None:
    if num > den or (above and num == den):
        return
    q = Qualified(Fraction(num, den), Base.CAST, above=above)
    need = q.needed(base)
    if base == 0:
        assert need == 0
        return

    def reaches(w: int) -> bool:  # w / base against num / den, in whole numbers
        return w * den > num * base if above else w * den >= num * base

    assert reaches(need) and not reaches(need - 1) and need <= base


@given(weights=st.lists(st.integers(1, 9), min_size=7, max_size=7),
       votes=st.lists(st.sampled_from(["support", "object", "abstain"]), min_size=7,
                      max_size=7),
       min_states=st.integers(0, 7))
def test_weighted_votes_at_their_edges(weights: list[int], votes: list[str],
                                       min_states: int) -> None:
    rule = Rule(Quorum.ALL, Method.QUALIFIED,
                qualified=Qualified(Fraction(2, 3), Base.MEMBERS, weighted=True,
                                    min_states=min_states),
                weights=tuple(zip(SEVEN, weights, strict=True)))
    stances = [Stance(s, True, Position(v)) for s, v in zip(SEVEN, votes, strict=True)]
    w_for = sum(w for w, v in zip(weights, votes, strict=True) if v == "support")
    n_for = votes.count("support")
    expected = 3 * w_for >= 2 * sum(weights) and n_for >= min_states
    assert decide(stances, rule).adopted is expected
    # one state of the smallest weight against switching to for never loses the vote
    against = [i for i, v in enumerate(votes) if v != "support"]
    if expected and against:
        i = min(against, key=lambda j: weights[j])
        more = [*stances[:i], Stance(SEVEN[i], True, Position.SUPPORT), *stances[i + 1:]]
        assert decide(more, rule).adopted


def _line(text: str, fragment: str) -> int:
    assert text.count(fragment) == 1, fragment
    return text[:text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "path", "words"), [
    ('qualified: {share: "2/3", of: cast}', 'qualified: {share: "3/2", of: cast}',
     "bodies.0.decision_rules.default.qualified.share", "at most 1"),
    ('qualified: {share: "2/3", of: cast}', 'qualified: {share: "two thirds", of: cast}',
     "bodies.0.decision_rules.default.qualified.share", "fraction of whole numbers"),
    ('qualified: {share: "2/3", of: cast}', 'qualified: {share: "2/3", of: voting}',
     "bodies.0.decision_rules.default.qualified.of", "'cast', 'present' or 'members'"),
    ('        qualified: {share: "2/3", of: cast}\n', "",
     "bodies.0.decision_rules.default", "needs its terms"),
    ("BEL: 4, DNK: 3,", "BEL: 4, DNK: 0,", "bodies.0.vote_weights.weights",
     "1 or more: DNK"),
    ("BEL: 4, DNK: 3,", "BEL: 4,", "bodies.0.vote_weights.weights", "no weight for DNK"),
    ("BEL: 4, DNK: 3,", "BEL: 4, DNK: 3, DEU: 9,", "bodies.0.vote_weights.weights.DEU",
     "unknown state 'DEU'"),
    ("weighted: true, min_states: 5", "weighted: true, min_states: 8",
     "bodies.0.decision_rules.admission.qualified.min_states", "only 7 states ever join"),
])
def test_a_slip_in_the_majority_is_refused_at_its_line(old: str, new: str, path: str,
                                                       words: str) -> None:
    text = TEXT.replace(old, new)
    assert text != TEXT
    with pytest.raises(DatasetError) as info:
        parse(text, "league.yaml")
    found = [p for p in info.value.problems if words in p.message]
    assert [(p.file, p.path) for p in found] == [("league.yaml", path)], info.value.problems
    # the line of the field, or the first of the rule whose terms are left out
    at = old if new else "        quorum: majority\n        consensus: qualified\n        " \
        "qualified: {share: \"2/3\""
    assert found[0].line == _line(TEXT, at)


def test_weighted_votes_need_the_body_s_weights() -> None:
    start = TEXT.index("    vote_weights:")
    end = TEXT.index("    decision_rules:", start)
    with pytest.raises(DatasetError) as info:
        parse(TEXT[:start] + TEXT[end:], "league.yaml")
    assert [p.path for p in info.value.problems] == [
        "bodies.0.decision_rules.admission.qualified.weighted"]
