"""The response card: how fast the organization answered, measured as a treaty lawyer and
a staff planner would — from the affected state's official request (or, where there is
none, from the first report) to each step of the response, each beside its target and
said met, missed, or open.

| measure | reached when |
|---|---|
| consultations | the crisis entered the consultations stage |
| decision | the crisis entered the decision stage |
| first unit | the decided deployment's first unit arrived (no decided plan: the deployed stage) |
| full deployment | every requirement of the crisis covered and every unit arrived |
| UN notification | the notice to the UN Security Council was sent (art. 4 crises only) |
| start of withdrawal | the first unit of the decided withdrawal left for home |
| end of withdrawal | the last unit of the decided withdrawal was home |
| closing | the crisis was closed (after the after-action review) |

The withdrawal's marks apply where the response has military measures (forces to bring
home).

The targets are minutes from the request (dataset setting `response_targets`: the Treaty
says "immediately" for consultations and the UN notice; the rest are settings); once the
notice to the UN Security Council is opened (with the decision whose measures it
reports), its own due time is the target, so the card and the notice agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MEASURES = ("consultations", "decision", "first_unit", "full_deployment", "un_notification",
            "withdrawal_start", "withdrawal_end", "closing")
WITHDRAWAL = frozenset({"withdrawal_start", "withdrawal_end"})


@dataclass(frozen=True)
class Mark:
    measure: str
    elapsed: timedelta | None  # None: not reached yet
    target: timedelta | None
    # met, missed, open (not reached, target not passed), overdue, no target, not reached
    # (the crisis closed without it)
    verdict: str


def card(start: datetime, reached: dict[str, datetime | None], targets: dict[str, int],
         now: datetime, applies: frozenset[str] = frozenset(MEASURES)) -> list[Mark]:
    """One mark per measure that applies, in the order of `MEASURES`. Once the crisis is
    closed, a measure never reached is "not reached", not open."""
    closed = reached.get("closing")
    out = []
    for m in MEASURES:
        if m not in applies:
            continue
        at = reached.get(m)
        target = timedelta(minutes=targets[m]) if m in targets else None
        elapsed = max(at - start, timedelta(0)) if at is not None else None
        if target is None:
            verdict = "no target"
        elif elapsed is not None:
            verdict = "met" if elapsed <= target else "missed"
        elif closed is not None:
            verdict = "not reached"  # the crisis closed without it
        else:
            verdict = "overdue" if now - start > target else "open"
        out.append(Mark(m, elapsed, target, verdict))
    return out
