"""The period for which a crisis's decision authorizes its measures, and its end (the
rule: `authority.py`, "The mandate ends with the decision's period")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from phalanx.domain import calendar


@dataclass(frozen=True)
class Mandate:
    """The period for which the crisis's decision authorizes its measures: `period_days`
    days from its adoption (`adopted`), or, for a decision "for a limited period" with no
    number of days (`limited`), until the official requests it answers are all withdrawn
    (`answered_until`, see `requests_end`); no period, no end. `number` is the decision's
    number, None where the reader may not see the decision (the words then name none)."""

    number: str | None
    adopted: datetime
    period_days: int | None = None
    # the decision ended for good in the register (`lifecycle.last_day`): from when, and
    # how ("repealed", "expired")
    stopped: datetime | None = None
    stop: str = ""
    # where the organization's file lets an extension carry the period (setting
    # `mandate_follows_extension`): the end of the decision's last day in force as later
    # decisions extended it; the period then ends there if that is later
    extended: datetime | None = None
    # "for a limited period" with no number of days, and when the official requests the
    # decision answers were all withdrawn (None: one still stands, or it answers none)
    limited: bool = False
    answered_until: datetime | None = None
    # the working time zone whose days the period counts (`domain/calendar.py`): thirty
    # days from the start of a day end at the start of a day there, across a change of
    # its clocks too (None: UTC's days)
    zone: str | None = None

    @classmethod
    def of(cls, number: str | None, adopted_on: date, adopted_at: datetime | None,
           period_days: int | None, zone: str | None = None,
           last_day: tuple[date, str, datetime | None] | None = None, *,
           limited: bool = False,
           requests: Iterable[tuple[datetime, datetime | None]] = ()) -> Mandate:
        """From the decision's record: adopted at its recorded time, else at the start of
        its day where the Secretariat sits (`zone`, `domain/calendar.py`); `last_day`: the
        day it ended for good in the register, how, and the moment of the repeal that
        ended it where it took effect on its adoption (else the start of that day);
        `limited`: adopted "for a limited period" with no number of days, which
        `requests` (each official request's moment and withdrawal) end."""
        stopped = (last_day[2] or calendar.start_of(last_day[0], zone)) if last_day else None
        adopted = adopted_at or calendar.start_of(adopted_on, zone)
        limited = limited and period_days is None  # a number of days is limited already
        return cls(number, adopted, period_days, stopped, last_day[1] if last_day else "",
                   limited=limited,
                   answered_until=requests_end(requests, adopted) if limited else None,
                   zone=zone)

    def _own_end(self) -> datetime:
        """The end of the period alone: `period_days` days of the working zone's calendar
        from the adoption (the same time of day there)."""
        local = calendar.local(self.adopted, self.zone)
        return (local + timedelta(days=self.period_days or 0)).astimezone(UTC)

    @property
    def period_end(self) -> datetime | None:
        """When the period ends (None: the decision has no period, or a limited period
        whose requests still stand)."""
        if self.period_days is None:
            return self.answered_until if self.limited else None
        own = self._own_end()
        return max(own, self.extended) if self.extended is not None else own

    @property
    def carried(self) -> bool:
        """Whether an extension of the decision carried its period further."""
        own = self._own_end()
        return self.period_days is not None and self.extended is not None \
            and self.extended > own

    @property
    def by_register(self) -> bool:
        """Whether the register's end comes first (or is the only one)."""
        end = self.period_end
        return self.stopped is not None and (end is None or self.stopped < end)

    @property
    def ends_at(self) -> datetime | None:
        """When the mandate ends: its period's end, or the decision's end in the register,
        whichever comes first (None: neither)."""
        return self.stopped if self.by_register else self.period_end

    def expired(self, at: datetime) -> bool:
        """Whether the period is over at `at` (from the moment it ends on)."""
        end = self.ends_at
        return end is not None and at >= end

    def _whose(self) -> str:
        end = self.ends_at or self.adopted
        whose = whose_mandate(self.number)
        return f"{whose} ended on {end.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def ended(self) -> str:
        """The end in words, for a refusal that names it."""
        why = (("the decision was repealed" if self.stop == "repealed"
                else "the decision's time in force ran out") if self.by_register
               else "its limited period, which ended with the withdrawal of the official "
               "request it answered" if self.limited
               else "its period, as a later decision extended it" if self.carried
               else f"its period of {self.period_days} days from its adoption")
        return (f"{self._whose()} ({why}): no new deployment under it without a new decision "
                "linked to the crisis")

    def suspended(self) -> str:
        """The decision suspended in the register, in words (a suspended decision is not
        in force: nothing new is deployed under it while it is)."""
        whose = whose_mandate(self.number)
        return (f"{whose} is suspended (the decision is suspended in the register): no new "
                "deployment under it while it is suspended, unless a new decision is linked "
                "to the crisis")

    def overrun(self, units: int) -> str:
        """The end passed with `units` units of the decided deployment still out, in words
        (for an escalation)."""
        return (f"{self._whose()} with {units} unit(s) of the decided deployment still out "
                "and no decided way home")


def requests_end(requests: Iterable[tuple[datetime, datetime | None]],
                 adopted: datetime) -> datetime | None:
    """When a decision adopted at `adopted` stops answering any official request: the
    last withdrawal of the requests made by its adoption, once all of them are withdrawn
    (None: one still stands, or none was made by then). A request made after the adoption
    counts for later decisions only (`authority.py`), so it does not carry this one on."""
    made = [gone for at, gone in requests if at <= adopted]
    if not made or any(gone is None for gone in made):
        return None
    return max(g for g in made if g is not None)


# the words naming a decision's mandate to one who may not read the decision
UNNAMED_MANDATE = "the decision's mandate"


def whose_mandate(number: str | None) -> str:
    """A decision's mandate in words: by the decision's number where its reader may read
    it (None: it may not, `UNNAMED_MANDATE`)."""
    return f"the mandate of {number}" if number else UNNAMED_MANDATE
