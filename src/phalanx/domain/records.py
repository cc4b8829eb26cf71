"""The organization with what was recorded after its dataset was loaded.

- Confirmed membership events follow the dataset's (the state machine of
  `membership.py` reads them all in date order).
- An admission recorded after loading makes the state a party to the founding agreement
  from that day, and leaving (a withdrawal or expulsion recorded, or a notice taking
  effect) ends its period bound that day: the founding agreement binds exactly its
  members (the rule `consistency.py` checks on the dataset). The dataset's own events
  carry their party rows and are not touched.
- The stored contributions ledger replaces the file's.
- Appointments by decision update their posts (`rotation.appoint`).
"""

from __future__ import annotations

from dataclasses import replace

from phalanx.domain.leaving import notices
from phalanx.domain.organization import (
    AgreementParty,
    EventKind,
    MembershipEvent,
    Organization,
    PartyStatus,
    Period,
)
from phalanx.domain.rotation import appoint


def with_records(org: Organization, events: tuple[MembershipEvent, ...] = (),
                 ledger: tuple | None = None, appointments: list | None = None
                 ) -> Organization:
    posts = dict(org.posts)
    for key, a in appointments or []:
        if key in posts:
            posts[key] = appoint(posts[key], a)
    out = replace(org, membership=(*org.membership, *events), posts=posts,
                  contributions=org.contributions if ledger is None else ledger)
    founding = out.agreements.get(out.founding_agreement)
    if founding is None or not events:
        return out
    parties = list(founding.parties)
    recorded = set(range(len(org.membership), len(out.membership)))
    leaving = [(e.state, e.on) for i, e in enumerate(out.membership) if i in recorded
               and e.kind in (EventKind.WITHDRAW, EventKind.EXPEL)]
    leaving += [(n.state, n.effective) for n in notices(out)
                if n.event in recorded and n.takes_effect]
    for i in sorted(recorded, key=lambda i: out.membership[i].on):
        e = out.membership[i]
        if e.kind is EventKind.JOIN:
            parties.append(AgreementParty(e.state, PartyStatus.PARTY, e.on, Period(e.on, None),
                                          "admitted after loading", e.source))
    for state, day in leaving:
        parties = [replace(p, bound=Period(p.bound.start, day))
                   if p.state == state and p.bound.start is not None
                   and p.bound.contains(day) else p for p in parties]
    agreements = dict(out.agreements)
    agreements[founding.key] = replace(founding, parties=tuple(parties))
    return replace(out, agreements=agreements)
