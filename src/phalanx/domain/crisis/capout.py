"""What a crisis's CAP export is: which edition of the crisis's alert it is (identifier,
sent, message type and the earlier editions it references) and for whom (scope and
restriction from the crisis's marking).

The export keeps no state of its own and is deterministic: a crisis that did not change
exports the same message again. What the export says changes only with the timeline
entries that change it, each a new edition:

- a CAP Update or Cancel applied to the crisis (its title, severity, area and text,
  and the alert infos the export copies),
- the crisis reaching a final stage (its urgency becomes Past).

The first edition is the crisis's Alert (`<base>`, sent when the crisis was reported);
each later one is `<base>-<time of the entry>` (UTC, `20261120T010000Z`; a second change
in the same second `...Z-2`), sent at the entry's time, an Update that references every
earlier edition (CAP 1.2 §3.2.1 references: sender,identifier,sent), so that a consumer
that received any of them knows which alert it replaces. Once the alert is withdrawn (its
sender cancelled the CAP alert the crisis came from, or the crisis was rejected or ended
without action) the edition is a Cancel; a crisis closed after its response stays an
Update, urgency Past, response All Clear.

An export is made for a reader from the timeline entries that reader may read (an entry
obeys its own marking): an entry it may not read is no edition, no reference and no
time of its export. An edition is named by its time, which the reader reads in `sent`,
and not by the entry's id, whose gaps would count the entries made in between that the
reader may not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from phalanx.domain.access.policy import Classification, Marking
from phalanx.domain.crisis.workflow import FINAL, Stage

Reference = tuple[str, str, datetime]

WITHDRAWN_STAGES = frozenset({Stage.REJECTED, Stage.NO_ACTION})


@dataclass(frozen=True)
class Change:
    """A timeline entry that changes what the export says."""

    entry: int  # the entry's id: orders the changes made at one moment (never written)
    at: datetime


@dataclass(frozen=True)
class Edition:
    identifier: str
    sent: datetime
    msg_type: str  # Alert, Update or Cancel
    references: tuple[Reference, ...]


def changes_export(kind: str, stage: str | None) -> bool:
    """Whether a timeline entry (its kind and stage) changes the crisis's export."""
    return kind == "cap" or (kind == "stage" and stage is not None and Stage(stage) in FINAL)


def withdrawn(stage: Stage, cancelled: bool) -> bool:
    """The alert is withdrawn: cancelled by its sender, or the crisis was rejected or
    ended without action."""
    return cancelled or stage in WITHDRAWN_STAGES


def edition(base: str, sender: str, reported_at: datetime, changes: Iterable[Change], *,
            is_withdrawn: bool) -> Edition:
    """The edition an export of the crisis is now."""
    editions = [(base, reported_at)]
    seen: dict[str, int] = {}
    for c in sorted(changes, key=lambda c: (c.at, c.entry)):
        stamp = f"{base}-{c.at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        seen[stamp] = n = seen.get(stamp, 0) + 1
        editions.append((stamp if n == 1 else f"{stamp}-{n}", c.at))
    identifier, sent = editions[-1]
    if len(editions) == 1:
        return Edition(identifier, sent, "Alert", ())
    return Edition(identifier, sent, "Cancel" if is_withdrawn else "Update",
                   tuple((sender, i, s) for i, s in editions[:-1]))


def audience(c: Classification, organization: str, members: Iterable[str],
             restrictions: Iterable[str] = ()) -> tuple[str, str]:
    """CAP scope and restriction for a record's marking (`policy` says who reads it):
    PUBLIC is Public; the others are Restricted to whom the marking names. The
    `restrictions` of the Restricted alerts the record came from go on with it (a
    consumer of the export keeps them), and such a record is never Public."""
    kept = "; ".join(dict.fromkeys(r.strip() for r in restrictions if r.strip()))
    scope, whom = _audience(c, organization, members)
    if kept:
        return "Restricted", (f"{whom}; " if whom else "") + f"as its source restricts it: {kept}"
    return scope, whom


def _audience(c: Classification, organization: str, members: Iterable[str]
              ) -> tuple[str, str]:
    observers = f"; observers of the {organization}" if c.observers else ""
    if c.marking is Marking.PUBLIC:
        return "Public", ""
    if c.marking is Marking.ORGANIZATION:
        return "Restricted", (f"Member states of the {organization} "
                              f"({', '.join(sorted(members))}) and its staff{observers}")
    if c.marking is Marking.PARTICIPANTS:
        return "Restricted", (f"Participating states ({', '.join(sorted(c.participants))}) "
                              f"and the staff of the {organization}{observers}")
    return "Restricted", f"National record of {c.owner}: its own authorities only{observers}"
