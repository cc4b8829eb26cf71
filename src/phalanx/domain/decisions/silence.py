"""The silence procedure: a draft circulated to the members with a deadline, adopted at
the deadline unless a member breaks silence before it.

Source: the organization's file (`silence` of a body: the questions it may decide so,
with its `source` or `setting: true`); the CSTO's file gives none. The rule, as this
module states it (each point a setting unless the file's `note` cites more):

- the draft goes to every member of the body with a say on the day it circulates, as
  under the written procedure (`procedure.signatories`); nobody shortens the list and
  nobody is added to it;
- a member breaks silence by a written objection, with or without a proposed change,
  received strictly before the deadline: at the deadline itself the draft is adopted;
- a member that has since lost its say (suspended, left) may no longer break it: a
  suspended member takes no part in the work of the bodies, as under the written
  procedure (`procedure.still_signing`); a member not taking part in the work keeps its
  formal objection, as in a session (`consensus.py`), so it may break silence too;
- one broken silence returns the draft to the body; the other members need not answer,
  their silence is their assent;
- the deadline passing with silence kept adopts the draft; the question's rule then
  judges it as a session where every member with a say supports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

BREAK = "break_silence"  # how a broken silence is stored among the answers


class SilenceStatus(StrEnum):
    CIRCULATING = "circulating"  # silence kept so far, the deadline ahead
    ADOPTED = "adopted"  # the deadline passed with silence kept
    BROKEN = "broken"  # a member broke silence: back to the body


@dataclass(frozen=True)
class Break:
    """A member's objection under the silence procedure, with the change it proposes, if
    any, and when it was received."""

    state: str
    at: datetime
    text: str = ""


def questions(body_rules: dict[str, Any]) -> tuple[str, ...]:
    """The questions the body may decide by the silence procedure (dataset; none if the
    body's `silence` is absent)."""
    return tuple((body_rules.get("silence") or {}).get("questions", ()))


def silence_problems(body_rules: dict[str, Any], question: str) -> list[str]:
    """Why a draft on `question` may not go under the silence procedure (empty if it may)."""
    allowed = questions(body_rules)
    if not allowed:
        return ["this body does not decide by the silence procedure"]
    if question not in allowed:
        return [f"this body decides by the silence procedure only on {', '.join(allowed)} "
                f"questions, not {question!r}"]
    return []


@dataclass(frozen=True)
class SilenceProcedure:
    """One draft under the silence procedure: the members that may break silence (with a
    say, in the dataset's order), the breaks received, the deadline, and the members not
    taking part in the work (who keep only their formal objection)."""

    members: tuple[str, ...]
    breaks: tuple[Break, ...]
    deadline: datetime
    aside: tuple[str, ...] = ()

    @property
    def breakers(self) -> tuple[str, ...]:
        """The states that broke silence in time, in the order received."""
        return tuple(dict.fromkeys(b.state for b in self.breaks if b.at < self.deadline))

    @property
    def silent(self) -> tuple[str, ...]:
        """The members that kept silence (so far)."""
        broke = set(self.breakers)
        return tuple(s for s in self.members if s not in broke)

    def status(self, now: datetime) -> SilenceStatus:
        if self.breakers:
            return SilenceStatus.BROKEN
        if now >= self.deadline:
            return SilenceStatus.ADOPTED
        return SilenceStatus.CIRCULATING

    def break_problems(self, state: str, now: datetime) -> list[str]:
        """Why `state` may not break silence at `now` (empty if it may)."""
        if now >= self.deadline and not self.breakers:
            return [f"the silence procedure ended at its deadline "
                    f"({self.deadline:%Y-%m-%d %H:%M} UTC): the draft is adopted"]
        status = self.status(now)
        if status is not SilenceStatus.CIRCULATING:
            return [f"silence is already broken by {', '.join(self.breakers)}: the draft is "
                    "back with the body"]
        if state not in self.members and state not in self.aside:
            return [f"{state} has no say on this draft: it may not break silence"]
        return []

    def reason(self, now: datetime) -> str:
        status = self.status(now)
        if status is SilenceStatus.BROKEN:
            return (f"silence broken by {', '.join(self.breakers)}: returned to the body")
        if status is SilenceStatus.ADOPTED:
            return (f"adopted under the silence procedure: silence not broken by "
                    f"{self.deadline:%Y-%m-%d %H:%M} UTC")
        return f"under the silence procedure until {self.deadline:%Y-%m-%d %H:%M} UTC"
