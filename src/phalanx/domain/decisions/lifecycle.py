"""A decision's life after its adoption: its entry into force, its end, and what later
decisions do to it (amend, extend, suspend, repeal).

The rules (each a setting unless a source is named):

- A decision enters into force on its adoption, on a date it states (a date already past
  at the adoption: on the adoption, as no decision acts before it exists), or once every
  member it binds has notified the Secretariat that its internal procedures are done (on
  the day of the last notification): the way the Organization's agreements enter into
  force "after ratification by all" (seeds: the Charter, in force 2003-09-18).
- It ends on the date it states (its last day in force), or after a term of days counted
  from its entry into force (the Treaty "for five years, with extension possible": seeds).
  A decision with neither stays in force until another repeals it. A last day comes on or
  after the adoption (no decision acts before it exists), and a decision whose last day
  (as extended) passes before its condition is met never enters into force: it is expired
  from the day after, and a notification later is too late.
- A later decision amends, extends (to a new last day), suspends or repeals an earlier
  one, from its own entry into force (as the 1999 protocol extended the Treaty: seeds,
  DOMAIN §1). An amendment, an extension or a repeal once in
  effect stays so: repealing the decision that made it revives nothing. A suspension lasts
  while the suspending decision is in force.
- Only an earlier decision is modified (one already in the register), never one already
  repealed, never by a decision of another register (an exercise's and the real one), and
  only by its own body, a body above it (`parent`), or the supreme body (the Collective
  Security Council, "supreme body": DOMAIN §2). A statement is no act of this kind: it
  neither modifies nor is modified.
- A decision in a limited format binds only the members that took part in it (DOMAIN,
  "Limited format (2010)": "the decision then binds only those who took part"), so it
  modifies no decision that binds a member staying out of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Effect(StrEnum):
    AMENDS = "amends"
    EXTENDS = "extends"
    SUSPENDS = "suspends"
    REPEALS = "repeals"


class Start(StrEnum):
    ADOPTION = "adoption"
    DATE = "date"
    NOTIFICATIONS = "notifications"


class Status(StrEnum):
    NOT_ADOPTED = "not_adopted"
    PENDING = "pending"  # adopted, not yet in force
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    REPEALED = "repealed"


@dataclass(frozen=True)
class Terms:
    """What a decision states of its own life, adopted with its text."""

    start: Start = Start.ADOPTION
    on: date | None = None  # the date it states (start DATE)
    ends_on: date | None = None  # its last day in force
    term_days: int | None = None  # or a term counted from its entry into force
    effect: Effect | None = None
    target: int | None = None  # the decision it modifies (its id)
    extends_to: date | None = None  # EXTENDS: the target's new last day

    def problems(self) -> list[tuple[str, str]]:
        """(field, what is wrong) for terms that cannot stand together."""
        out: list[tuple[str, str]] = []
        if self.start is Start.DATE and self.on is None:
            out.append(("on", "a decision entering into force on a date states the date"))
        if self.start is not Start.DATE and self.on is not None:
            out.append(("on", "a date of entry into force goes with the start 'date'"))
        if self.ends_on is not None and self.term_days is not None:
            out.append(("term_days", "a decision states its last day or a term, not both"))
        if self.term_days is not None and self.term_days < 1:
            out.append(("term_days", "a term is at least one day"))
        if self.on is not None and self.ends_on is not None and self.ends_on < self.on:
            out.append(("ends_on", f"the last day in force ({self.ends_on.isoformat()}) "
                                   f"comes before the entry into force ({self.on.isoformat()})"))
        if (self.effect is None) != (self.target is None):
            out.append(("target", "a modification names both what it does and the decision "
                                  "it does it to"))
        if self.effect is Effect.EXTENDS and self.extends_to is None:
            out.append(("extends_to", "an extension states the new last day"))
        if self.effect is not Effect.EXTENDS and self.extends_to is not None:
            out.append(("extends_to", "a new last day goes with an extension"))
        return out


@dataclass(frozen=True)
class Act:
    """A decision in the register, as its life needs it."""

    id: int
    number: str
    body: str
    adopted_on: date
    terms: Terms = field(default_factory=Terms)
    binding: frozenset[str] = frozenset()
    notified: Mapping[str, date] = field(default_factory=dict)  # state -> day notified
    kind: str = "decision"
    exercise: bool = False
    limited: bool = False  # adopted in a limited format: it binds only `binding`


@dataclass(frozen=True)
class Standing:
    """A decision's status on a day, from when it is in force and until when, and the
    later decisions that modified it with effect by that day (their ids)."""

    status: Status
    in_force_from: date | None
    until: date | None  # the last day in force as it stands that day (None: open-ended)
    amended_by: tuple[int, ...] = ()
    extended_by: tuple[int, ...] = ()
    suspended_by: tuple[int, ...] = ()
    repealed_by: tuple[int, ...] = ()
    scheduled: tuple[int, ...] = ()  # adopted by that day, taking effect later


def entry_into_force(act: Act) -> date | None:
    """The day the decision enters into force (None: its condition is not met yet)."""
    t = act.terms
    if t.start is Start.DATE and t.on is not None:
        return max(t.on, act.adopted_on)
    if t.start is Start.NOTIFICATIONS:
        if not act.binding or any(s not in act.notified for s in act.binding):
            return None
        return max([act.adopted_on, *(act.notified[s] for s in act.binding)])
    return act.adopted_on


def awaiting(act: Act) -> list[str]:
    """The members bound whose notification the decision still waits for."""
    if act.terms.start is not Start.NOTIFICATIONS:
        return []
    return sorted(s for s in act.binding if s not in act.notified)


def own_end(act: Act) -> date | None:
    """The last day in force the decision states (a date, or its term's last day)."""
    if act.terms.ends_on is not None:
        return act.terms.ends_on
    start = entry_into_force(act)
    if act.terms.term_days is not None and start is not None:
        return start + timedelta(days=act.terms.term_days - 1)
    return None


def _effective(m: Act, acts: Mapping[int, Act]) -> date | None:
    """The day a modifying decision took effect: its entry into force, unless it was
    repealed before or its last day passed first."""
    start = entry_into_force(m)
    if start is None:
        return None
    then = status_on(m, acts, start)
    if then.status is Status.REPEALED or then.in_force_from is None:
        return None
    return start


def adopted_too_late(terms: Terms, adopted_on: date) -> tuple[str, str] | None:
    """(field, why) where the last day in force a decision states comes before the day it
    is adopted (or tabled: `adopted_on` then today), as no decision acts before it exists."""
    if terms.ends_on is not None and terms.ends_on < adopted_on:
        return ("ends_on", "a decision is in force only from its adoption: its last day "
                           f"in force ({terms.ends_on.isoformat()}) may not precede "
                           f"{adopted_on.isoformat()}")
    return None


def status_on(act: Act, acts: Mapping[int, Act], day: date) -> Standing:
    """The decision's status on `day` among the register `acts` (by id). A decision
    repealed before it entered into force is repealed; the later decisions adopted by
    `day` whose effect comes after it (or waits for a condition) are `scheduled`."""
    if day < act.adopted_on:
        return Standing(Status.NOT_ADOPTED, None, None)
    start = entry_into_force(act)
    later, scheduled = [], []
    for m in acts.values():
        if m.terms.target != act.id or m.id == act.id or m.adopted_on > day:
            continue
        took = _effective(m, acts)
        if took is not None and took <= day:
            later.append((took, m.adopted_on, m.id, m))
        elif took is not None or (entry_into_force(m) is None
                                  and status_on(m, acts, day).status is Status.PENDING):
            scheduled.append((took or date.max, m.adopted_on, m.id))
    later.sort(key=lambda x: x[:3])
    end, lapsed = own_end(act), set()
    for took, *_, m in later:
        if m.terms.effect is Effect.EXTENDS:
            if end is not None and took > end:
                # it took effect once the decision had expired: an expired decision is
                # not revived by an extension, a new decision is needed
                lapsed.add(m.id)
            else:
                end = m.terms.extends_to
    later = [x for x in later if x[2] not in lapsed]
    by = {e: tuple(m.id for *_, m in later if m.terms.effect is e) for e in Effect}
    if start is not None and end is not None and start > end:
        start = None  # its last day came before its condition was met: never in force
    suspending = tuple(m.id for *_, m in later if m.terms.effect is Effect.SUSPENDS
                       and status_on(m, acts, day).status is Status.IN_FORCE)
    common: dict[str, Any] = dict(
        amended_by=by[Effect.AMENDS], extended_by=by[Effect.EXTENDS],
        suspended_by=suspending, repealed_by=by[Effect.REPEALS],
        scheduled=tuple(i for *_, i in sorted(scheduled)))
    if by[Effect.REPEALS]:
        return Standing(Status.REPEALED, start, end, **common)
    if end is not None and day > end:
        return Standing(Status.EXPIRED, start, end, **common)
    if start is None or day < start:
        return Standing(Status.PENDING, start, end, **common)
    if suspending:
        return Standing(Status.SUSPENDED, start, end, **common)
    return Standing(Status.IN_FORCE, start, end, **common)


def in_force_from(act: Act, acts: Mapping[int, Act]) -> date | None:
    """The day the decision enters into force as the register stands: None while its
    condition is not met, or where its last day (as extended) came first."""
    return status_on(act, acts, date.max).in_force_from


def last_day(act: Act, acts: Mapping[int, Act]) -> tuple[date, Status] | None:
    """The day the decision ends for good, as the register stands (`acts`): the first day
    it is repealed or past its last day in force (as extended), with that status; None
    while nothing ends it. A suspension only interrupts it and is left out. What follows
    from it elsewhere: a crisis's decision ended so authorizes no new deployment
    (`domain/crisis/authority.py`, setting)."""
    days = {m_day for m in acts.values() if m.terms.target == act.id and m.id != act.id
            and (m_day := _effective(m, acts)) is not None}
    end = own_end(act)
    if end is not None:
        days.add(end + timedelta(days=1))
    days |= {m.terms.extends_to + timedelta(days=1) for m in acts.values()
             if m.terms.target == act.id and m.terms.extends_to is not None}
    for day in sorted(d for d in days if d >= act.adopted_on):
        status = status_on(act, acts, day).status
        if status in (Status.REPEALED, Status.EXPIRED):
            return day, status
    return None


def ended_by(act: Act, acts: Mapping[int, Act], day: date) -> Act | None:
    """The decision whose repeal of `act` took effect on `day` (the first adopted), None
    where none did (`day` from `last_day`)."""
    found = sorted((m for m in acts.values() if m.terms.target == act.id and m.id != act.id
                    and m.terms.effect is Effect.REPEALS and _effective(m, acts) == day),
                   key=lambda m: (m.adopted_on, m.id))
    return found[0] if found else None


def may_modify(body: str, target_body: str, parents: Mapping[str, str | None],
               supreme: str | None) -> bool:
    """Whether a decision of `body` may modify one of `target_body`: its own body, a body
    above it (`parent`, up the chain), or the supreme body."""
    if body == target_body or (supreme is not None and body == supreme):
        return True
    seen: set[str] = set()
    above = parents.get(target_body)
    while above is not None and above not in seen:
        if above == body:
            return True
        seen.add(above)
        above = parents.get(above)
    return False


def _last_day(who: str, end: date, target: Act, known: Callable[[Act], bool]) -> str:
    """"decision X's last day 2027-01-31", or of a decision the reader may not read "the
    last day (2027-01-31) of a decision you may not read"."""
    return (f"{who}'s last day {end.isoformat()}" if known(target)
            else f"the last day ({end.isoformat()}) of {who}")


def modification_problems(new: Act, acts: Mapping[int, Act],
                          parents: Mapping[str, str | None], supreme: str | None,
                          name: Callable[[Act], str],
                          known: Callable[[Act], bool] = lambda a: True
                          ) -> list[tuple[str, str]]:
    """(field, why) the modification `new` states cannot be made to the register `acts`;
    `name` names a decision as its reader may know it, `known` says whether the reader
    reads it (the members it binds are named only then)."""
    t = new.terms
    if t.effect is None or t.target is None:
        return []
    if new.kind == "statement":
        return [("effect", "a statement neither amends, extends, suspends nor repeals a "
                           "decision")]
    target = acts.get(t.target)
    if target is None or target.id == new.id:
        return [("target", f"decision {t.target} is not in the register")]
    out: list[tuple[str, str]] = []
    who = name(target)
    if target.kind == "statement":
        out.append(("target", f"{who} is a statement: it is neither amended, extended, "
                              "suspended nor repealed"))
    if target.exercise != new.exercise:
        out.append(("target", f"{who} belongs to "
                              f"{'an exercise' if target.exercise else 'the real register'}"
                              ": a decision modifies only one of its own register"))
    if target.adopted_on > new.adopted_on or target.id > new.id:
        out.append(("target", f"{who} was adopted on {target.adopted_on.isoformat()}, "
                              f"after this decision ({new.adopted_on.isoformat()}): "
                              "a decision modifies only an earlier one"))
    if not may_modify(new.body, target.body, parents, supreme):
        out.append(("target", f"{who} is of the body {target.body}: a decision of "
                              f"{new.body} does not modify it (only its own body, a body "
                              "above it or the supreme body does)"))
    if new.limited and (others := sorted(target.binding - new.binding)):
        # named only to a reader of the decision modified; what to do said either way
        whom = (f"binds {', '.join(others)}, which this decision does not bind"
                if known(target) else "binds members that stay out of this decision")
        out.append(("target", f"{who} {whom}: a decision in a limited format binds only "
                              "those taking part and modifies no decision that binds "
                              "others; it does so only once they take part in it (a member "
                              "staying out withdraws its declaration, one absent is "
                              "recorded present and states its position)"))
    repeals = [m for m in acts.values() if m.id != new.id and m.terms.target == target.id
               and m.terms.effect is Effect.REPEALS and m.adopted_on <= new.adopted_on]
    if repeals:
        out.append(("target", f"{who} is already repealed by {name(repeals[0])}"))
    if t.effect is Effect.EXTENDS and t.extends_to is not None:
        then = status_on(target, acts, new.adopted_on)
        end = then.until or own_end(target)
        takes = entry_into_force(new)
        if end is None and target.terms.ends_on is None and target.terms.term_days is None:
            out.append(("extends_to", f"{who} has no last day to extend"))
        elif then.status is Status.EXPIRED and end is not None:
            out.append(("target", f"{who} expired after its last day in force "
                                  f"{end.isoformat()}: an expired decision is not extended, "
                                  "a new decision is needed"))
        elif end is not None and takes is not None and takes > end:
            out.append(("on", f"this extension would enter into force on "
                              f"{takes.isoformat()}, after {_last_day(who, end, target, known)}"
                              ": an expired decision is not extended"))
        elif end is not None and t.extends_to <= end:
            out.append(("extends_to", f"the new last day {t.extends_to.isoformat()} is not "
                                      f"after {_last_day(who, end, target, known)}"))
    return out
