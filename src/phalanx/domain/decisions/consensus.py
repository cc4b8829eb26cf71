"""The decision rule: consensus as the organization practises it.

A draft is adopted when no member with a say formally objects and the quorum is met.

- Who has a say: members of the body on the date, less those suspended, not taking part
  in the organization's work (a member that stays away without leaving), or in arrears
  under the dataset's rules. Those without a say neither count nor block. Suspended and
  non-participating members are not bound and receive an adopted text for consideration;
  a member in arrears loses its vote, never its obligations: it is bound by a decision of
  the whole body (dataset settings: `arrears_years_to_lose_vote`; Charter, public).
- A member not taking part keeps its right to object: standing aside is its own
  declaration, not a suspension, which only the Council decides (DOMAIN.md §7), and it
  keeps "all its rights and obligations" (public: the Russian MFA's spokeswoman on
  Armenia's "freeze"; Armenia's Prime Minister, 2024-12-04: "we simply do not veto", a
  choice, not a loss of the right). Its absence blocks nothing and it is not counted,
  but its formal objection (`OBJECT`) blocks a decision taken by consensus like any
  other; it casts no vote on a question decided by majority. Whether it may still object
  (not in arrears: arrears cost the vote) is for the caller to say: such a stance
  reaches `decide` only if it may.
- Quorum: members present, plus members absent who declared a position in advance,
  against all members with a say (`all`, `two_thirds` or `majority`; or, where the
  file gives it so, a share such as `"3/5"` or a number of members: `QuorumOf`).
- An absent member's declared non-objection counts as no objection; a declared
  disagreement (a written objection, or a declaration that its absence means
  disagreement) blocks like an objection made in the room.
- Silence is not an objection: a member present who states nothing does not block;
  it is listed as `silent` so the chair can see it.
- Limited format (where the body's rule allows it: from the agreement that introduced
  it, for the questions the dataset names): a member may declare it does not take part,
  provided it does not object; it neither blocks nor is bound. The decision binds exactly
  the members with a say who took part (abstainers included). Fewer participants than
  the dataset's minimum (`min_participants`, setting), or none, make no decision; a
  member absent without a declaration is not bound, so it does not count towards it.
- Members absent without a declaration do not block; when the draft is adopted they
  receive the text for consideration (`for_consideration`), which they then read
  whatever the draft's marking (`policy.Classification.recipients`). On a question decided
  by consensus they are not listed as bound (DOMAIN.md §7: "members who missed a session
  receive the adopted texts for consideration"; a consensus binds those that did not
  object). On a question decided by majority or qualified majority the decision is the
  body's and binds every member with a say that takes part, the minority and the absent
  included (`Rule.absent_bound`; the rule's `absent_bound`, default true under those
  methods: no text of the organization's rules found, so a setting, after the general
  rule that a body's decision by majority binds all its members, e.g. UN Charter art. 25
  for the Security Council's decisions); an absent member so bound counts among those
  taking part (the limited format's minimum). Under consensus `absent_bound` is refused.
- A blocked draft is not voted down: it is returned for revision, with the objections.
- A question decided by `majority` (procedural questions, where the dataset says so)
  passes with more support than objection among those taking part. Where the rule gives
  the chair a casting vote (`casting_vote: true`, the file's source or setting), a tie
  (as many for as against, at least one each) carries when the state chairing the body
  that year voted for; otherwise, or where the chair voted against, abstained or was
  absent, it carries nothing.
- The state a decision concerns (its subject: the member whose suspension, expulsion or
  readmission is decided) has no say on it where the rule says so (`concerned_votes:
  false`, the dataset; e.g. UN Charter art. 27(3), a party to a dispute abstains): it
  neither counts towards the quorum nor blocks, and is bound by the decision.
- A question decided by a qualified majority (`qualified`, where the dataset says so:
  a share of the votes cast, of the members present or of all members, weighted or not,
  with a fewest number of states in favour) passes when the count reaches it
  (`majority.py` states the rule); a member not taking part in the work casts no vote.
  Every outcome carries the count (`Result.tally`): for, against, abstaining, silent,
  absent, with the weights and what the rule needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from phalanx.domain.decisions import majority
from phalanx.domain.decisions.majority import Qualified, Tally


class Position(StrEnum):
    SUPPORT = "support"
    NO_OBJECTION = "no_objection"
    ABSTAIN = "abstain"
    OBJECT = "object"
    NOT_TAKING_PART = "not_taking_part"
    NOT_STATED = "not_stated"


class Standing(StrEnum):
    FULL = "full"
    SUSPENDED = "suspended"
    IN_ARREARS = "in_arrears"
    NOT_PARTICIPATING = "not_participating"


class Quorum(StrEnum):
    ALL = "all"
    TWO_THIRDS = "two_thirds"
    MAJORITY = "majority"

    def met(self, represented: int, total: int) -> bool:
        if total == 0:
            return False
        # the shares compared exactly, in whole numbers: r/t = 1, r/t >= 2/3, r/t > 1/2
        if self is Quorum.ALL:
            return represented == total
        if self is Quorum.TWO_THIRDS:
            return 3 * represented >= 2 * total
        return 2 * represented > total

    def needed(self, total: int) -> int:
        return next(n for n in range(total + 1) if self.met(n, total)) if total else 0


@dataclass(frozen=True)
class QuorumOf:
    """A quorum the organization's file gives otherwise than by name (setting, or its
    rule's `source`): a share of the members with a say that must be present or declared
    (`"3/5"`: at least three fifths, reached, as `two_thirds` is), or a number of them
    (`5`: at least five; a body with fewer members with a say has no quorum)."""

    share: Fraction | None = None
    members: int = 0

    @property
    def value(self) -> str:
        s = self.share
        return f"{s.numerator}/{s.denominator}" if s is not None else str(self.members)

    def met(self, represented: int, total: int) -> bool:
        if total == 0:
            return False
        if self.share is not None:
            return Fraction(represented, total) >= self.share  # exactly, no rounding
        return represented >= self.members

    def needed(self, total: int) -> int:
        if total == 0:
            return 0
        if self.share is not None:
            return math.ceil(self.share * total)
        return self.members


def parse_quorum(value: object) -> Quorum | QuorumOf:
    """A rule's `quorum` as the file writes it: `all`, `two_thirds`, `majority`, a share
    such as `"3/5"`, or a whole number of members such as `5`; a ValueError saying what
    is allowed otherwise."""
    allowed = ("a quorum is all, two_thirds, majority, a share of the members with a say "
               "such as '3/5', or a number of them such as 5")
    if isinstance(value, bool):
        raise ValueError(f"{allowed}, not {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"{allowed} (at least 1), not {value}")
        return QuorumOf(members=value)
    if not isinstance(value, str):
        raise ValueError(f"{allowed}, not {value!r}")
    if value in {q.value for q in Quorum}:
        return Quorum(value)
    if "/" not in value:
        raise ValueError(f"{allowed}, not {value!r}")
    try:
        return QuorumOf(share=majority.parse_share(value))
    except ValueError as exc:
        raise ValueError(f"{allowed}: {exc}") from None


class Method(StrEnum):
    CONSENSUS = "no_objection"
    MAJORITY = "majority"
    QUALIFIED = "qualified"


@dataclass(frozen=True)
class Rule:
    quorum: Quorum | QuorumOf = Quorum.ALL
    method: Method = Method.CONSENSUS
    limited_format: bool = False  # whether members may opt out of the decision
    min_participants: int = 1  # the fewest members taking part in a limited-format decision
    # what a limited-format decision says of the format's basis (e.g. that the agreement
    # introducing it is counted from its signature, its entry into force not recorded)
    limited_basis: str = ""
    qualified: Qualified | None = None  # the terms where `method` is QUALIFIED
    weights: tuple[tuple[str, int], ...] = ()  # each state's weight in the body
    # the states the draft concerns that have no say on it (the rule's `concerned_votes:
    # false`: e.g. the member whose suspension is decided); they are bound by it
    concerned: frozenset[str] = frozenset()
    # the state chairing the body, whose vote decides a tie in a vote by majority (the
    # rule's `casting_vote: true`); empty: a tie carries nothing
    casting: str = ""
    # a member with a say absent without a declaration is bound by a decision taken by
    # majority or qualified majority (the rule's `absent_bound`); never under consensus
    absent_bound: bool = False


@dataclass(frozen=True)
class Stance:
    """One member's part in one draft."""

    state: str
    present: bool
    position: Position = Position.NOT_STATED
    standing: Standing = Standing.FULL

    @property
    def declared(self) -> bool:
        return self.position is not Position.NOT_STATED


class Outcome(StrEnum):
    ADOPTED = "adopted"
    RETURNED = "returned"  # blocked: back for revision with the objections
    NO_QUORUM = "no_quorum"
    NO_DECISION = "no_decision"  # limited format and nobody took part


class RuleError(ValueError):
    """The stances cannot be judged under this rule (e.g. an opt-out where the body
    does not allow the limited format)."""


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    reason: str
    binding: frozenset[str] = frozenset()
    objectors: frozenset[str] = frozenset()
    opted_out: frozenset[str] = frozenset()
    without_say: frozenset[str] = frozenset()
    for_consideration: frozenset[str] = frozenset()
    silent: frozenset[str] = frozenset()
    represented: int = 0
    with_say: int = 0
    quorum_needed: int = 0
    limited: bool = field(default=False)
    tally: Tally | None = None

    @property
    def adopted(self) -> bool:
        return self.outcome is Outcome.ADOPTED


def _names(states: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(states))


def _vote(s: Stance) -> str:
    """A stance as a vote in the count (`majority.count`)."""
    if s.position in (Position.SUPPORT, Position.NO_OBJECTION):
        return "for"
    if s.position is Position.OBJECT:
        return "against"
    if s.position is Position.ABSTAIN:
        return "abstaining"
    return "silent" if s.present else "absent"


def decide(stances: list[Stance], rule: Rule) -> Result:
    """The outcome of a draft under `rule`, with the reason in words."""
    seen: set[str] = set()
    for s in stances:
        if s.state in seen:
            raise RuleError(f"{s.state} has two stances")
        seen.add(s.state)
    concerned = frozenset(s.state for s in stances if s.state in rule.concerned
                          and s.standing is Standing.FULL)
    without_say = frozenset(s.state for s in stances if s.standing is not Standing.FULL) \
        | concerned
    voters = [s for s in stances if s.standing is Standing.FULL and s.state not in concerned]
    opted_out = frozenset(s.state for s in voters if s.position is Position.NOT_TAKING_PART)
    if opted_out and not rule.limited_format:
        raise RuleError(f"{_names(opted_out)}: this body does not decide in a limited format, "
                        "so a member cannot stay out of the decision")
    if rule.absent_bound and rule.method is Method.CONSENSUS:
        raise RuleError("under consensus a member absent without a declaration receives the "
                        "text for consideration and is not bound (absent_bound is for a "
                        "question decided by majority or qualified majority)")
    represented = sum(1 for s in voters if s.present or s.declared)
    needed = rule.quorum.needed(len(voters))
    taking_part = [s for s in voters if s.position is not Position.NOT_TAKING_PART]
    # a member not taking part in the work keeps its formal objection to a consensus
    aside = frozenset(s.state for s in stances if s.standing is Standing.NOT_PARTICIPATING
                      and s.position is Position.OBJECT) \
        if rule.method is Method.CONSENSUS else frozenset()
    objectors = frozenset(s.state for s in taking_part if s.position is Position.OBJECT) | aside
    absent_silent = frozenset(s.state for s in taking_part if not s.present and not s.declared)
    silent = frozenset(s.state for s in taking_part if s.present and not s.declared)
    # those absent without a declaration that the decision binds (by majority, where the
    # rule says so) are bound and counted as taking part; the others receive the text
    absent_bound = absent_silent if rule.absent_bound else frozenset()
    absent_sent = absent_silent - absent_bound
    if rule.method is Method.QUALIFIED and rule.qualified is None:
        raise RuleError("a qualified majority needs its terms (share, base)")
    try:
        tally = majority.count({s.state: _vote(s) for s in taking_part}, dict(rule.weights),
                               rule.qualified if rule.method is Method.QUALIFIED else None)
    except ValueError as exc:
        raise RuleError(str(exc)) from exc

    def result(outcome: Outcome, reason: str, binding: frozenset[str] = frozenset(),
               for_consideration: frozenset[str] = frozenset()) -> Result:
        return Result(outcome, reason, binding=binding, objectors=objectors,
                      opted_out=opted_out, without_say=without_say,
                      for_consideration=for_consideration, silent=silent,
                      represented=represented, with_say=len(voters), quorum_needed=needed,
                      limited=bool(opted_out), tally=tally)

    if not voters:
        return result(Outcome.NO_QUORUM, "no member has a say")
    if not rule.quorum.met(represented, len(voters)):
        return result(Outcome.NO_QUORUM,
                      f"quorum not met: {represented} of {len(voters)} members present or "
                      f"declared, {needed} needed ({rule.quorum.value})")
    if not taking_part:
        return result(Outcome.NO_DECISION, "every member declared it does not take part")
    took_part = len(taking_part) - len(absent_sent)  # those it would bind
    if opted_out and took_part < rule.min_participants:
        return result(Outcome.NO_DECISION,
                      f"limited format: {took_part} member(s) take part, "
                      f"{rule.min_participants} needed")
    if rule.method is Method.MAJORITY:
        support = sum(1 for s in taking_part
                      if s.position in (Position.SUPPORT, Position.NO_OBJECTION))
        casting = ""
        if support == len(objectors) and support and rule.casting:
            chair = next((s for s in taking_part if s.state == rule.casting), None)
            chair_for = chair is not None and _vote(chair) == "for"
            casting = (f"a tie of {support} to {support} decided by the casting vote of the "
                       f"chair ({rule.casting}), in favour" if chair_for else "")
            if not chair_for:
                return result(Outcome.RETURNED,
                              f"not carried: {support} in favour, {len(objectors)} against; "
                              f"the chair ({rule.casting}) did not vote in favour: its "
                              "casting vote does not carry the tie")
        if support <= len(objectors) and not casting:
            return result(Outcome.RETURNED,
                          f"not carried: {support} in favour, {len(objectors)} against")
    elif rule.method is Method.QUALIFIED:
        if not tally.carried:
            return result(Outcome.RETURNED, f"not carried; {majority.describe(tally)}")
    elif objectors:
        verb = "objects" if len(objectors) == 1 else "object"
        return result(Outcome.RETURNED,
                      f"returned for revision: {_names(objectors)} formally {verb}")
    binding = frozenset(s.state for s in taking_part) - absent_sent
    in_arrears = frozenset(s.state for s in stances if s.standing is Standing.IN_ARREARS)
    away = frozenset(s.state for s in stances
                     if s.standing in (Standing.SUSPENDED, Standing.NOT_PARTICIPATING))
    if not opted_out:  # arrears cost the vote, not the obligations
        binding |= in_arrears
    binding |= concerned  # the member the decision concerns is bound by it
    parts = ["adopted"]
    if rule.method is Method.CONSENSUS:
        parts.append("no member with a say objects")
    if rule.method is Method.QUALIFIED:
        parts.append(majority.describe(tally))
    if rule.method is Method.MAJORITY and casting:
        parts.append(casting)
    if opted_out:
        one = len(opted_out) == 1
        parts.append(f"limited format: {_names(opted_out)} stay{'s' if one else ''} out and "
                     f"{'is' if one else 'are'} not bound")
        if rule.limited_basis:
            parts.append(rule.limited_basis)
    if absent_sent:
        parts.append(f"sent for consideration to {_names(absent_sent)} (absent)")
    if absent_bound:
        parts.append(f"{_names(absent_bound)} absent, bound by the decision of the body")
    if away:
        parts.append(f"{_names(away)} without a say, sent the text for consideration")
    if concerned:
        parts.append(f"{_names(concerned)} concerned by the decision, without a vote and bound")
    if in_arrears:
        parts.append(f"{_names(in_arrears)} in arrears, without a vote"
                     + ("" if opted_out else " and bound"))
    return result(Outcome.ADOPTED, "; ".join(parts), binding, absent_sent | away)
