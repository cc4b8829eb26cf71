"""What the closing entry of a draft decided outside a session (`draft.close`, written
and silence procedures) says of the body it was judged on: the body as it stood on the
adoption's day, which may differ from the one the draft circulated to (a member left,
was suspended or stopped taking part, or a state was admitted meanwhile). An auditor
reads from the entry alone who is bound, who has no say and why, who is sent the text
for consideration and why, and who, asked when the draft circulated, is no addressee."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from phalanx.domain.decisions.consensus import Result, Stance


def seats_said(asked: Iterable[str], stances: list[Stance], judged: Result
               ) -> dict[str, Any]:
    """`asked`: the list the draft circulated to (`signing_order`); `stances`: the seats on
    the adoption's day (`adopted_seats`); `judged`: the question's rule's result on them."""
    asked = set(asked)
    seated = {s.state: s for s in stances}
    absent = {s.state for s in stances if not s.present and not s.declared}
    return {
        "binding": sorted(judged.binding),
        # each member without a say, with its standing that day (suspended, not taking
        # part, or concerned by the question without a vote: `full`)
        "without_say": {s: seated[s].standing.value if s in seated else "" for s in
                        sorted(judged.without_say)},
        "absent": sorted(absent - judged.without_say),
        "for_consideration": sorted(judged.for_consideration),
        # admitted after the draft circulated: not asked, sent the text as a member absent
        "not_asked": sorted(s for s in set(seated) - asked if s not in judged.without_say),
        # asked when it circulated, no member on the adoption's day: no addressee
        "no_longer_members": sorted(asked - set(seated)),
    }
