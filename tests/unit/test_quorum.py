"""A quorum the organization's file gives as a share ("3/5") or a number of members
(`consensus.QuorumOf`, `parse_quorum`): met exactly at its edge, the number needed the
fewest that meet it, and anything else refused saying what is allowed."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phalanx.domain.decisions.consensus import (
    Position,
    Quorum,
    QuorumOf,
    Rule,
    Stance,
    decide,
    parse_quorum,
)

shares = st.tuples(st.integers(1, 12), st.integers(1, 12)).filter(lambda t: t[0] <= t[1])


@given(shares, st.integers(1, 60))
def test_a_share_needs_the_fewest_members_that_reach_it(share: tuple[int, int],
                                                        total: int) -> None:
    num, den = share
    q = parse_quorum(f"{num}/{den}")
    assert isinstance(q, QuorumOf)
    needed = q.needed(total)
    # reached exactly: needed/total >= num/den, and one fewer falls short
    assert needed * den >= num * total
    assert (needed - 1) * den < num * total
    assert q.met(needed, total) and not q.met(needed - 1, total)


@given(st.integers(1, 30), st.integers(0, 40), st.integers(0, 40))
def test_a_number_of_members_is_met_from_that_number_on(n: int, represented: int,
                                                        total: int) -> None:
    q = parse_quorum(n)
    assert q.met(represented, total) is (total > 0 and represented >= n)
    assert q.value == str(n)


@given(st.integers(1, 40))
def test_the_named_quorums_are_the_shares_they_name(total: int) -> None:
    # "two_thirds" is "2/3" reached; "all" is "1/1"
    assert Quorum.TWO_THIRDS.needed(total) == parse_quorum("2/3").needed(total)
    assert Quorum.ALL.needed(total) == parse_quorum("1/1").needed(total)


def test_a_quorum_of_three_fifths_in_a_session_of_five() -> None:
    rule = Rule(quorum=parse_quorum("3/5"))
    members = ("AUT", "HUN", "SVK", "SVN", "CHE")

    def outcome(present: int) -> str:
        return decide([Stance(s, i < present, Position.SUPPORT if i < present
                              else Position.NOT_STATED) for i, s in enumerate(members)],
                      rule).outcome.value

    assert outcome(3) == "adopted"
    assert outcome(2) == "no_quorum"
    r = decide([Stance(s, i < 2, Position.SUPPORT) for i, s in enumerate(members[:4])],
               Rule(quorum=parse_quorum(3)))
    # two present and two declared in advance: four of four, three needed
    assert r.outcome.value == "adopted" and r.quorum_needed == 3


@pytest.mark.parametrize(("value", "words"), [
    ("two-thirds", "not 'two-thirds'"), ("3/0", "above 0 and at most 1"),
    ("5/3", "above 0 and at most 1"), ("0.6", "not '0.6'"), (0, "at least 1"),
    (True, "not True"), (2.5, "not 2.5"), ("three/five", "fraction of whole numbers"),
])
def test_anything_else_is_refused_saying_what_is_allowed(value: object, words: str) -> None:
    with pytest.raises(ValueError, match="a quorum is all, two_thirds, majority") as info:
        parse_quorum(value)
    assert words in str(info.value)


def test_the_share_is_kept_as_written() -> None:
    assert parse_quorum("3/5") == QuorumOf(share=Fraction(3, 5))
    assert parse_quorum("6/10").value == "3/5"
    assert parse_quorum("majority") is Quorum.MAJORITY
