"""How a member leaves, and which membership events the Council alone records.

- A written notice of withdrawal (`notice`) changes nothing on its day: the state leaves
  when the notice period has ended (`withdrawal_notice_months`, setting of the dataset;
  the CSTO's six months are the Charter's) and its obligations are settled (`settle`;
  DOMAIN.md §7: "withdrawal by written notice at least six months ahead, after settling
  obligations"), on the later of the two days, or on a later day recorded for the
  withdrawal. Until it settles, it stays a member. A recorded withdrawal before the
  period ends, or before the obligations are settled, is a problem.
- Recorded after the dataset (`recording_problem`): admission, suspension, the lifting
  of a suspension and expulsion are the Council's acts (DOMAIN.md §7: admission by
  consensus, suspension decided by the Council; lifting and expulsion: setting, as the
  suspension), so only an adopted decision records them; a withdrawal needs a notice
  before it (the dataset's own history may record a state leaving without one, e.g. not
  renewing the Treaty in 1999).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from phalanx.domain.organization import EventKind, Organization


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


@dataclass(frozen=True)
class Notice:
    """A written notice of withdrawal and what followed it."""

    state: str
    given: date
    effective: date  # the day the state leaves (or will, once its obligations are settled)
    settled: date | None  # obligations settled on, if recorded
    event: int
    period_end: date | None = None  # the end of the notice period

    @property
    def takes_effect(self) -> bool:
        """Whether the notice takes the state out by itself: its obligations settled."""
        return self.settled is not None


def notice_months(org: Organization) -> int:
    return int(org.settings.get("withdrawal_notice_months", 6))


def notices(org: Organization) -> list[Notice]:
    """Every notice of withdrawal with its effective day: the latest of the notice
    period's end, the day the obligations are settled, and a leaving recorded after it."""
    out: list[Notice] = []
    events = sorted(enumerate(org.membership), key=lambda x: (x[1].on, x[0]))
    for i, ev in events:
        if ev.kind is not EventKind.NOTICE:
            continue
        period_end = add_months(ev.on, notice_months(org))
        later = [e for j, e in events if e.state == ev.state and (e.on, j) > (ev.on, i)]
        leave = next((e.on for e in later if e.kind in (EventKind.WITHDRAW, EventKind.EXPEL)),
                     None)
        settled = next((e.on for e in later if e.kind is EventKind.SETTLE
                        and (leave is None or e.on <= leave)), None)
        effective = max(period_end, settled or period_end)
        if leave is not None and leave >= effective:
            effective = leave
        out.append(Notice(ev.state, ev.on, effective, settled, i, period_end))
    return out


# the acts of the Council among membership events: recorded after loading only by an
# adopted decision (DOMAIN.md §7; lifting a suspension and expulsion: setting), each on
# its question (a key of a body's `decision_rules`)
QUESTIONS: dict[EventKind, str] = {
    EventKind.JOIN: "admission", EventKind.SUSPEND: "suspension",
    EventKind.RESUME: "lifting_of_suspension", EventKind.EXPEL: "expulsion",
}
DECIDED = frozenset(QUESTIONS)


def undecidable(questions: set[str], expulsion_allowed: bool) -> list[str]:
    """The Council's acts an organization provides for that no body can decide (the
    question of each): a suspension that nothing can lift, an expulsion the settings
    allow that no body decides. Each would leave an event the Secretariat may not record
    and no decision can propose. An organization whose bodies decide nothing (a file of
    facts alone) is not asked."""
    out: list[str] = []
    if not questions:
        return out
    if QUESTIONS[EventKind.SUSPEND] in questions and QUESTIONS[EventKind.RESUME] not in questions:
        out.append(QUESTIONS[EventKind.RESUME])
    if expulsion_allowed and QUESTIONS[EventKind.EXPEL] not in questions:
        out.append(QUESTIONS[EventKind.EXPEL])
    return out


def recording_problem(org: Organization, state: str, kind: EventKind, on: date,
                      by_decision: bool) -> str | None:
    """Why an event may not be recorded after the dataset (None if it may): a Council act
    without a decision, or a withdrawal without a notice before it."""
    if kind in DECIDED and not by_decision:
        return (f"a {kind.value} is decided by the Council: adopt a decision on the "
                "question, which proposes the event for confirmation")
    if kind is EventKind.WITHDRAW:
        given = [n for n in notices(org) if n.state == state and n.given < on]
        if not given:
            return (f"a withdrawal takes a written notice at least {notice_months(org)} "
                    "months ahead: record the notice; the state leaves once the period "
                    "has ended and its obligations are settled")
        n = given[-1]
        if n.settled is None or n.settled > on:
            return (f"{state}'s obligations are not settled by {on} (notice of {n.given}): "
                    "the state withdraws after settling them")
    return None
