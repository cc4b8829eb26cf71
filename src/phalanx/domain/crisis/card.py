"""The response card: how fast the organization answered, measured as a treaty lawyer and
a staff planner would — each step of the response from the moment that called for it,
each beside its target and said met, missed, or open.

| measure | measured from | reached when |
|---|---|---|
| consultations | the first report | the crisis entered the consultations stage |
| decision | the request | the crisis entered the decision stage |
| first unit | the request | the decided deployment's first unit arrived (no plan: deployed) |
| full deployment | the request | every requirement of the crisis covered and every unit arrived |
| UN notification | the request | the notice to the UN Security Council was sent (art. 4 only) |
| start of withdrawal | the request | the first unit of the decided withdrawal left for home |
| end of withdrawal | the request | the last unit of the decided withdrawal was home |
| closing | the request | the crisis was closed (after the after-action review) |

"The request" is the affected state's first official request, or the first report where
there is none. Consultations need no request: when a threat arises the members consult
immediately (Treaty art. 2), so their mark runs from the first report, as the stage
clock of "reported" does (`FROM_REPORT`). The notice to the UN Security Council reports
the measures taken "immediately" (UN Charter art. 51): it follows the measures, not the
threat, so it is not measured from the report.

A crisis that ended without being closed (no action decided, or rejected after the
members consulted) is over as a closed one is: a measure it never reached is "not
reached", never overdue for ever after; its closing mark is not reached either (no
after-action review closed it).

The withdrawal's marks apply where the response has military measures (forces to bring
home).

The targets are minutes from each mark's start (dataset setting `response_targets`: the
Treaty says "immediately" for consultations and the UN Charter for the UN notice; the
rest are settings); once the notice to the UN Security Council is opened (with the
decision whose measures it reports), its own due time is the target, so the card and the
notice agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MEASURES = ("consultations", "decision", "first_unit", "full_deployment", "un_notification",
            "withdrawal_start", "withdrawal_end", "closing")
WITHDRAWAL = frozenset({"withdrawal_start", "withdrawal_end"})
# measured from the first report, not the request (Treaty art. 2: consultations at once)
FROM_REPORT = frozenset({"consultations"})


@dataclass(frozen=True)
class Mark:
    measure: str
    elapsed: timedelta | None  # None: not reached yet
    target: timedelta | None
    # met, missed, open (not reached, target not passed), overdue, no target, not reached
    # (the crisis closed without it)
    verdict: str


def card(start: datetime, reached: dict[str, datetime | None], targets: dict[str, int],
         now: datetime, applies: frozenset[str] = frozenset(MEASURES),
         reported: datetime | None = None, ended: datetime | None = None) -> list[Mark]:
    """One mark per measure that applies, in the order of `MEASURES`: those of
    `FROM_REPORT` measured from `reported` (the first report; default: `start`), the
    others from `start` (the request, else the report). Once the crisis is over (closed,
    or `ended`: finished with no action or rejected), a measure never reached is "not
    reached", not open nor overdue."""
    closed = reached.get("closing") or ended
    out = []
    for m in MEASURES:
        if m not in applies:
            continue
        since = reported if m in FROM_REPORT and reported is not None else start
        at = reached.get(m)
        target = timedelta(minutes=targets[m]) if m in targets else None
        elapsed = max(at - since, timedelta(0)) if at is not None else None
        if target is None:
            verdict = "no target"
        elif elapsed is not None:
            verdict = "met" if elapsed <= target else "missed"
        elif closed is not None:
            verdict = "not reached"  # the crisis ended without it
        else:
            verdict = "overdue" if now - since > target else "open"
        out.append(Mark(m, elapsed, target, verdict))
    return out
