"""Who holds power in a member state, as the organization records it, and whose
appointments to act for the state stand.

The rule (setting: the Charter and the dataset say who may act for a member, its
authorized representatives, not what becomes of them when power changes hands; this is
the organization's practice as a setting):

- A change of a state's authorities is recorded on the day it takes effect, with the
  authorities that hold power from that day and where that is documented (their
  notification, a body's statement, the public record). It is *constitutional* (an
  election, a succession under the state's constitution) or not (a coup, an uprising,
  authorities that took power outside the constitution).
- The authorities of a state on a day are those of the latest change recorded on or
  before that day; before any is recorded, those that appointed the state's first users.
- An appointment to act for a state (a representative's, a national agency reporter's)
  is made, or last confirmed, under the authorities of that day. A constitutional change
  leaves it standing. An unconstitutional one ends every appointment made under the
  authorities before it, from the day of the change, until the authorities that hold
  power confirm it: the former authorities' representative no longer speaks for the
  state, nor does anyone the new authorities have not named.
- A change recorded late applies from its day: what the former authorities' users did
  in between stays in the record as they did it.
- A constitutional change may be recorded ahead of its day (an inauguration set by the
  constitution); an unconstitutional one only once it has happened: power taken outside
  the constitution is a fact, never announced, and no one's appointment is ended ahead
  of it (setting).

No web or database import: the services read the records and ask `lapsed_by`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Change:
    """A change of a state's authorities, in force from `since`."""

    id: int
    state: str
    since: date
    authorities: str  # who holds power from `since`, in words
    constitutional: bool
    source: str = ""


def in_power(changes: Iterable[Change], state: str, day: date) -> Change | None:
    """The latest change of `state`'s authorities on or before `day` (None: none is
    recorded, the authorities are those that appointed its first users)."""
    mine = [c for c in changes if c.state == state and c.since <= day]
    return max(mine, key=lambda c: c.since, default=None)


def lapsed_by(changes: Sequence[Change], state: str, day: date,
              confirmed_under: int | None) -> Change | None:
    """The unconstitutional change that ended an appointment of `state`'s user on `day`
    (None: it stands). `confirmed_under`: the change under which the appointment was made
    or last confirmed (None: before any recorded change; one not in power by `day`
    counts as none, so that every change up to `day` counts)."""
    mine = sorted((c for c in changes if c.state == state and c.since <= day),
                  key=lambda c: c.since)
    under = next((c for c in mine if c.id == confirmed_under), None)
    after = [c for c in mine if under is None or c.since > under.since]
    return next((c for c in after if not c.constitutional), None)


def holder_removed_by(changes: Iterable[Change], state: str, day: date,
                     since: date | None) -> Change | None:
    """The change outside the constitution that removed, by `day`, the person the dataset
    names holding `state`'s seat in a body from `since` (None: from the start), so that
    the state's answers are no longer given in his or her name (None: he or she still
    speaks for it). Only a change after `since` counts: a holder the dataset names from the
    change's day on is the new authorities'. The answers are then given in the name of whom
    the state's representative names (setting, as above; a constitutional change leaves
    the holder as the dataset gives)."""
    return next((c for c in sorted(changes, key=lambda c: c.since)
                 if c.state == state and not c.constitutional and c.since <= day
                 and (since is None or c.since > since)), None)


def refusal(state: str, changes: Sequence[Change], since: date,
            constitutional: bool = True, today: date | None = None) -> str | None:
    """Why a change of `state`'s authorities from `since` may not be recorded, said of its
    field `since` (None: it may): one change a day, as a state has one set of
    authorities on a day; an unconstitutional one not ahead of its day (`today`)."""
    if any(c.state == state and c.since == since for c in changes):
        return f"a change of {state}'s authorities is already recorded on {since}"
    if not constitutional and today is not None and since > today:
        return (f"a change of authorities outside the constitution is recorded once "
                f"it has happened: {since} is after today ({today})")
    return None
