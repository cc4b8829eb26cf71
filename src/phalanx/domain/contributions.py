"""Contributions to the budget and the two-year rule.

The ledger holds, per state and year, the assessed contribution and what was paid
(reaching `paid` on `paid_on`). A year's contribution falls due at the end of that
year (setting). The rule (DOMAIN.md §7, "two years of unpaid contributions cost the
vote and the right to nominate officials"; the number of years is the dataset's
setting `arrears_years_to_lose_vote`): on a day D, a member is in arrears when what it
still owes for the years before D's year, counting only payments made by D, equals or
exceeds its assessments for the last N full years before D's year.

Arrears cost the say in decisions and the right to nominate officials (the chair's
rotation and posts pass it over); they never cost the obligations: a state in arrears
stays bound by the Treaty and by decisions (`membership.bound_by_founding` ignores
arrears).

A dataset may also list periods in the setting `in_arrears` (state, from, until); they
count as arrears too, for datasets without a ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from phalanx.domain.organization import Contribution, Organization


def years_to_lose_vote(org: Organization) -> int:
    return int(org.settings.get("arrears_years_to_lose_vote", 2))


def paid_by(entry: Contribution, day: date) -> float:
    """What of `entry` was paid by `day` (a payment without a date counts from the end of
    its year)."""
    on = entry.paid_on or date(entry.year, 12, 31)
    return entry.paid if on <= day else 0.0


@dataclass(frozen=True)
class Arrears:
    state: str
    day: date
    owed: float  # unpaid for the years before `day`'s year
    threshold: float  # assessments of the last N full years
    in_arrears: bool
    years: tuple[int, ...]  # the overdue years with something unpaid


def arrears(org: Organization, state: str, day: date) -> Arrears:
    n = years_to_lose_vote(org)
    ledger = [c for c in org.contributions if c.state == state and c.year < day.year]
    owed = sum(max(c.assessed - paid_by(c, day), 0.0) for c in ledger)
    recent = range(day.year - n, day.year)
    threshold = sum(c.assessed for c in ledger if c.year in recent)
    years = tuple(sorted(c.year for c in ledger if c.assessed - paid_by(c, day) > 0))
    ruled = bool(ledger) and threshold > 0 and owed >= threshold
    return Arrears(state, day, round(owed, 2), round(threshold, 2), ruled, years)


def _listed(org: Organization, state: str, day: date) -> bool:
    for entry in org.settings.get("in_arrears", []) or []:
        start = _day(entry.get("from"))
        end = _day(entry.get("until"))
        if entry.get("state") == state and (start is None or start <= day) and (
                end is None or day < end):
            return True
    return False


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def in_arrears(org: Organization, state: str, day: date) -> bool:
    """The two-year rule on `day`, or a period the setting `in_arrears` lists."""
    return arrears(org, state, day).in_arrears or _listed(org, state, day)


def problems(org: Organization) -> list:
    """Ledger rows naming unknown states, repeated years, or paying more than assessed."""
    from phalanx.domain.membership import Problem

    out = []
    seen: dict[tuple[str, int], int] = {}
    for i, c in enumerate(org.contributions):
        path = ("contributions", i)
        if c.state not in org.states:
            out.append(Problem((*path, "state"), f"unknown state code {c.state!r}"))
        if (c.state, c.year) in seen:
            out.append(Problem((*path, "year"), f"{c.state} {c.year} already in the ledger "
                                                f"(contributions.{seen[(c.state, c.year)]})"))
        seen.setdefault((c.state, c.year), i)
        if c.paid > c.assessed:
            out.append(Problem((*path, "paid"), "paid more than assessed"))
        if c.paid_on is not None and c.paid_on.year < c.year:
            out.append(Problem((*path, "paid_on"), "paid before the year it is for"))
    return out
