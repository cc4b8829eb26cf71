"""Joining a decision later: a member outside an adopted decision declares that it joins
it, or that it does not.

The rule (sources: the seeds, a member that "abstained from the 2009 CRRF agreement,
reserving the right to join later", DOMAIN.md §1, the dataset's note on that agreement;
"members who missed a session receive the adopted texts for consideration", DOMAIN.md
§7; the rest a setting):

- Who may declare: a member that received the decision for consideration (absent from
  its adoption, or without a say on it), or one that stood aside from a decision taken in
  a limited format (declared it does not take part). No other: a member the decision
  already binds, one that joined or declined before (one declaration closes its record),
  a state that is not a member of the organization on the day of the declaration.
- When: on or after the day of the adoption, never in the future, and only while the
  decision has effect: not on or after the day it ended for good (repealed, or past its
  last day in force), where the register knows it.
- By whom, for a past day (setting): a member's representative declares in its state's
  name on the day it does so, as who acts for a state is known today only (an
  appointment may have lapsed, or been made, since: `domain/representation.py`); a
  declaration made earlier (a letter) is recorded by the Secretariat with its day.
- What it does: a member that joins is bound from the day of its declaration
  (`bound_from`), not before; a member that declares it does not join stays unbound, and
  its declaration is recorded all the same: its record is closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Declaration:
    """One member's declaration on a decision adopted without it."""

    state: str
    joins: bool
    on: date


@dataclass(frozen=True)
class Outside:
    """A decision as the rule reads it: whom it bound on its adoption, and who was
    outside it in a way that lets it join later."""

    adopted_on: date
    binding: frozenset[str]
    for_consideration: frozenset[str] = frozenset()
    stood_aside: frozenset[str] = frozenset()  # limited format: declared not taking part
    ended_on: date | None = None  # the first day it has no effect (repealed or expired)

    @property
    def may_join(self) -> frozenset[str]:
        return (self.for_consideration | self.stood_aside) - self.binding


def problems(decision: Outside, new: Declaration, earlier: Iterable[Declaration],
             members_on_day: frozenset[str], today: date,
             by_state: bool = False) -> list[tuple[str, str]]:
    """(field, why) the declaration `new` cannot be recorded; [] when it can.
    `by_state`: made by the state's own user, not recorded by the Secretariat."""
    out: list[tuple[str, str]] = []
    s, day = new.state, new.on
    before = {d.state: d for d in earlier}
    if day < decision.adopted_on:
        out.append(("on", f"a declaration is made on or after the adoption "
                          f"({decision.adopted_on.isoformat()}), not on {day.isoformat()}"))
    if day > today:
        out.append(("on", f"a declaration is recorded once made: {day.isoformat()} is after "
                          f"today ({today.isoformat()})"))
    if by_state and day < today:
        out.append(("on", f"a state's representative declares in its name on the day it "
                          f"does so ({today.isoformat()}), not on {day.isoformat()}: a "
                          "declaration made earlier is recorded by the Secretariat"))
    if decision.ended_on is not None and day >= decision.ended_on:
        out.append(("on", f"the decision has had no effect since "
                          f"{decision.ended_on.isoformat()}: no member joins it"))
    if s not in members_on_day:
        out.append(("state", f"{s} is not a member of the organization on {day.isoformat()}"))
    if s in decision.binding:
        out.append(("state", f"{s} is already bound by the decision since its adoption"))
    elif s in before:
        prior = before[s]
        out.append(("state", f"{s} already declared on {prior.on.isoformat()} that it "
                             f"{'joins' if prior.joins else 'does not join'} the decision: "
                             "its record is closed"))
    elif s not in decision.may_join:
        out.append(("state", f"{s} neither received the decision for consideration nor "
                             "stood aside from it in a limited format: it has nothing to "
                             "join"))
    return out


def bound_from(declarations: Iterable[Declaration]) -> dict[str, date]:
    """The members that joined later, each with the day it is bound from."""
    return {d.state: d.on for d in declarations if d.joins}


def bound_on(binding: Iterable[str], joined: Mapping[str, date], day: date) -> frozenset[str]:
    """The members the decision binds on `day`: those it bound on its adoption, and those
    that joined it by that day."""
    return frozenset(binding) | {s for s, since in joined.items() if since <= day}


def task_problems(state: str, members: Iterable[str], states: Iterable[str],
                  bound: Iterable[str]) -> list[str]:
    """Why a decision's implementation task may not be assigned to `state` (empty: it may).
    A decision of the Organization's bodies asks its implementation of its members
    (`members`: those on the day it was adopted, suspended ones included): a state of the
    dataset that is no member (a partner, an observer, a neighbour named in a crisis) is
    not given its tasks. Nor is a member the decision does not bind on the day the task
    is assigned (`bound`: `bound_on`): one that received it for consideration only
    (absent, suspended, not taking part in the work, as Armenia from February 2024) or
    stood aside from it in a limited format owes it no implementation until it joins it
    (DOMAIN.md §7: "members who missed a session receive the adopted texts for
    consideration"; the limited format binds only those who took part)."""
    if state not in set(states):
        return [f"unknown state {state!r}"]
    if state not in set(members):
        return [f"{state} is not a member state"]
    if state not in set(bound):
        return [f"{state} is not bound by the decision (it received it for consideration "
                "or stood aside from it, and has not joined it): it is given no task "
                "implementing it"]
    return []
