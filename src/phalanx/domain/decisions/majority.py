"""The count of a vote, and the qualified (or weighted) majority.

A body's file may decide a kind of question by a qualified majority (the dataset's
`decision_rules`: `consensus: qualified` with its `qualified` terms, each rule citing its
source or marked `setting`):

- The votes: a member with a say that takes part is `for` (support, no objection),
  `against` (a formal objection), `abstaining`, `silent` (present, stating nothing) or
  `absent` (neither present nor declared). Members without a say (suspended, not taking
  part in the work, in arrears) and members staying out of a limited-format decision
  cast no vote and are in no base.
- The base the share is taken of (`of`): `cast`, the votes cast, for and against
  (abstentions are not votes cast: the "members present and voting" of the UN Charter
  art. 18, members abstaining being considered as not voting, rule 86 of the General
  Assembly's rules of procedure); `present`, the members present or declared
  (abstaining and silent members counted); `members`, every member with a say taking
  part (absent ones too).
- The share (`share: "2/3"`): the votes for must reach it (`for / base >= share`), or
  exceed it (`above: true`: "more than half"), compared in whole numbers, never in
  floating point.
- Weighted votes (`weighted: true`): each state counts with its weight in the body
  (the body's `vote_weights`, every member listed, each weight a whole number >= 1);
  otherwise every state counts one. `min_states`: besides the weight, at least this many
  states must vote for (the double majority of weighted systems).
- No vote in the base (nobody voted, or every member abstained under `cast`) carries
  nothing. The quorum is the rule's own (`consensus.Quorum`), checked before the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class Base(StrEnum):
    CAST = "cast"
    PRESENT = "present"
    MEMBERS = "members"


@dataclass(frozen=True)
class Qualified:
    """The terms of a qualified majority (dataset: a rule's `qualified`)."""

    share: Fraction = Fraction(2, 3)
    base: Base = Base.CAST
    above: bool = False  # strictly more than the share
    weighted: bool = False
    min_states: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise ValueError(f"a share is above 0 and at most 1, not {self.share}")
        if self.above and self.share == 1:
            raise ValueError("no vote is more than all of its base")
        if self.min_states < 0:
            raise ValueError("min_states is a number of states, 0 or more")

    def needed(self, base: int) -> int:
        """The fewest votes (or weight) for that carry a base of `base`: the smallest
        whole w with w/base >= share (> share when `above`); 0 for an empty base."""
        if base <= 0:
            return 0
        exact = self.share * base
        whole = exact.numerator // exact.denominator
        if self.above or whole < exact:
            return whole + 1
        return whole

    @property
    def share_text(self) -> str:
        return f"{self.share.numerator}/{self.share.denominator}"


def parse_share(text: str) -> Fraction:
    """"2/3" as a fraction; a ValueError saying what is wrong otherwise."""
    parts = text.split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"a share is written as a fraction of whole numbers, e.g. '2/3', "
                         f"not {text!r}")
    num, den = int(parts[0]), int(parts[1])
    if den == 0 or not 0 < num <= den:
        raise ValueError(f"a share is above 0 and at most 1, e.g. '2/3', not {text!r}")
    return Fraction(num, den)


@dataclass(frozen=True)
class Tally:
    """Who voted how, with each side's weight (one a state where the vote is not
    weighted), and what the rule needed."""

    for_: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    abstaining: tuple[str, ...] = ()
    silent: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    weight_for: int = 0
    weight_against: int = 0
    weight_abstaining: int = 0
    base: int = 0  # the weight of the base the share is taken of
    needed: int = 0  # the weight for that carries it (0: no qualified rule)
    min_states: int = 0
    share: str = ""  # "2/3" (empty: no qualified rule)
    of: str = ""  # the base: cast, present, members
    above: bool = False
    weighted: bool = False

    @property
    def carried(self) -> bool:
        return (self.base > 0 and self.weight_for >= self.needed
                and len(self.for_) >= self.min_states)


def count(votes: dict[str, str], weights: dict[str, int],
          rule: Qualified | None = None) -> Tally:
    """The tally of `votes` ({state: for, against, abstaining, silent or absent}: the
    members with a say taking part), weighted by `weights` where `rule` says so, and what
    `rule` needs (None: only the count)."""
    def weight(s: str) -> int:
        if rule is None or not rule.weighted:
            return 1
        if s not in weights:
            raise ValueError(f"{s} has no weight in this body's vote_weights")
        return weights[s]

    side: dict[str, list[str]] = {k: [] for k in ("for", "against", "abstaining", "silent",
                                                   "absent")}
    for state in sorted(votes):
        side[votes[state]].append(state)

    def total(*kinds: str) -> int:
        return sum(weight(s) for k in kinds for s in side[k])

    if rule is None:
        return Tally(tuple(side["for"]), tuple(side["against"]), tuple(side["abstaining"]),
                     tuple(side["silent"]), tuple(side["absent"]), total("for"),
                     total("against"), total("abstaining"))
    base = {Base.CAST: total("for", "against"),
            Base.PRESENT: total("for", "against", "abstaining", "silent"),
            Base.MEMBERS: total("for", "against", "abstaining", "silent", "absent")}[rule.base]
    return Tally(tuple(side["for"]), tuple(side["against"]), tuple(side["abstaining"]),
                 tuple(side["silent"]), tuple(side["absent"]), total("for"),
                 total("against"), total("abstaining"), base, rule.needed(base),
                 rule.min_states, rule.share_text, rule.base.value, rule.above,
                 rule.weighted)


BASE_WORDS = {"cast": "votes cast", "present": "members present", "members": "all members"}


def describe(t: Tally) -> str:
    """The tally in words: what was needed and what the vote gave (each part of a
    reason's "; "-separated list)."""
    unit = "weighted votes" if t.weighted else "votes"
    more = "more than " if t.above else ""
    text = (f"qualified majority, {more}{t.share} of {BASE_WORDS[t.of]}: "
            f"{t.weight_for} of {t.base} {unit} in favour, {t.needed} needed")
    if t.min_states:
        text += f"; {len(t.for_)} states in favour, at least {t.min_states} needed"
    return text
