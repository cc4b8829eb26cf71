"""The chair's casting vote (`consensus.decide`, a rule's `casting_vote`): a tie in a vote
by majority carries where the state chairing the body voted for, and only a tie; a file
giving it under another method, or to a body without a chair, is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain.decisions.consensus import Method, Position, Quorum, Rule, Stance, decide

STATES = tuple(f"S{i:02d}" for i in range(30))
FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"


def _vote(n_for: int, n_against: int, n_abstain: int, chair_votes: str,
          casting: bool = True) -> tuple[str, bool]:
    """The outcome of a vote where the chair (the first state) votes `chair_votes`."""
    positions = {"for": Position.SUPPORT, "against": Position.OBJECT,
                 "abstain": Position.ABSTAIN}
    order = ([Position.SUPPORT] * n_for + [Position.OBJECT] * n_against
             + [Position.ABSTAIN] * n_abstain)
    chair = positions[chair_votes]
    order.remove(chair)  # the chair's own vote is one of them
    stances = [Stance(STATES[0], True, chair)] + [
        Stance(s, True, p) for s, p in zip(STATES[1:], order, strict=False)]
    r = decide(stances, Rule(quorum=Quorum.MAJORITY, method=Method.MAJORITY,
                             casting=STATES[0] if casting else ""))
    return r.reason, r.adopted


@given(st.integers(1, 10), st.integers(0, 5), st.sampled_from(["for", "against", "abstain"]))
def test_a_tie_carries_only_with_the_chairs_vote_for(n: int, abstain: int, chair: str) -> None:
    if chair == "abstain" and abstain == 0:
        abstain = 1
    reason, adopted = _vote(n, n, abstain, chair)
    assert adopted is (chair == "for")
    if adopted:
        assert f"a tie of {n} to {n} decided by the casting vote of the chair (S00)" in reason
    else:
        assert "its casting vote does not carry the tie" in reason
    # without a casting vote a tie carries nothing, whatever the chair voted
    assert _vote(n, n, abstain, chair, casting=False)[1] is False


@given(st.integers(0, 10), st.integers(0, 10), st.sampled_from(["for", "against"]))
def test_outside_a_tie_the_casting_vote_changes_nothing(n_for: int, n_against: int,
                                                        chair: str) -> None:
    if n_for == n_against or (chair == "for" and n_for == 0) or \
            (chair == "against" and n_against == 0):
        return
    with_casting = _vote(n_for, n_against, 0, chair)
    assert with_casting == _vote(n_for, n_against, 0, chair, casting=False)
    assert with_casting[1] is (n_for > n_against)


TEXT = FILE.read_text(encoding="utf-8")
CASTING = "      default: {quorum: two_thirds, consensus: majority, casting_vote: true,"


def _problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(DatasetError) as info:
        parse(text, "danube.yaml")
    return [(p.line, p.path, p.message) for p in info.value.problems]


def test_a_casting_vote_outside_a_vote_by_majority_is_refused_at_its_line() -> None:
    text = TEXT.replace(CASTING, CASTING.replace("consensus: majority",
                                                 "consensus: no_objection"))
    ((line, path, message),) = _problems(text)
    assert (line, path) == (text[:text.index("      default: {quorum: two_thirds, consensus: "
                                             "no_objection, casting")].count("\n") + 1,
                            "bodies.0.decision_rules.default")
    assert "decides a tie in a vote by majority" in message


def test_a_casting_vote_in_a_body_without_a_chair_is_refused_at_its_line() -> None:
    board = ("      default: {quorum: 2, consensus: no_objection, setting: true, "
             "note: example values}")
    assert TEXT.count(board) == 1
    text = TEXT.replace(board, "      default: {quorum: 2, consensus: majority, casting_vote: "
                               "true, setting: true, note: example values}")
    ((line, path, message),) = _problems(text)
    assert path == "bodies.1.decision_rules.default.casting_vote"
    assert line == text[:text.index("casting_vote: true, setting: true, note: example "
                                    "values}")].count("\n") + 1
    assert "no chair" in message
