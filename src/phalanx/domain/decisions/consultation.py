"""Decisions by consultation: the heads of state reached by telephone or video, one by
one, within hours, and the decision announced by the chair.

Source: the 2010 reform of the crisis response system gives "a legal basis for emergency
consultations and decisions, by video conference included" (seeds); which questions a
body may decide this way is the dataset's (`consultation.questions` of the body, with its
source or `setting: true`).

The rule, as this module states it:

- who is consulted: every member of the body with a say on the day, as for the written
  procedure (`procedure.signatories`); nobody shortens the list;
- the chair (the state presiding the body that year) records each answer: the position,
  when and how it was given (telephone, video, in writing) and by whom (the head of state
  by name). A later answer of the same state replaces its earlier one until the
  announcement; no answer is dated before the consultation opened or in the future;
- a member may stay out (`not_taking_part`) only where the question's rule allows the
  limited format, as in a session;
- a member not taking part in the work is not consulted, but the chair records its
  formal objection if its head of state makes one: it keeps that right (`consensus.py`);
- the chair announces once every member consulted has answered (setting: a decision by
  consultation has no quorum to fall back on, so nobody is left unreached); the
  question's rule then judges it as in a session where every member consulted is
  present. An objection returns the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from phalanx.domain.decisions.consensus import Position, Stance, Standing


class Channel(StrEnum):
    """How a head of state gave its position."""

    TELEPHONE = "telephone"
    VIDEO = "video"
    IN_WRITING = "in_writing"


@dataclass(frozen=True)
class Answer:
    state: str
    position: Position
    given_at: datetime
    channel: Channel
    given_by: str = ""  # the head of state, by name


def questions(body_rules: dict[str, Any]) -> tuple[str, ...]:
    """The questions the body may decide by consultation (dataset; none if absent)."""
    return tuple((body_rules.get("consultation") or {}).get("questions", ()))


def introduced_by(body_rules: dict[str, Any]) -> str | None:
    """The key of the agreement that made the body's decisions by consultation, if any."""
    return (body_rules.get("consultation") or {}).get("introduced_by")


def consultation_problems(body_rules: dict[str, Any], question: str,
                          day: date | None = None, since: date | None = None) -> list[str]:
    """Why a draft on `question` may not be decided by consultation (empty if it may):
    the procedure exists from `since`, the day the agreement that made it applies (the
    dataset's `introduced_by`; the CSTO: the legal basis for emergency consultations and
    decisions came with the 2010 reform, seeds), so not for a draft of an earlier `day`."""
    allowed = questions(body_rules)
    if not allowed:
        return ["this body does not decide by consultation"]
    if since is not None and day is not None and day < since:
        return [f"decisions by consultation exist from {since.isoformat()} "
                f"({introduced_by(body_rules)}); this draft is of {day.isoformat()}"]
    if question not in allowed:
        return [f"this body decides by consultation only on {', '.join(allowed)} questions, "
                f"not {question!r}"]
    return []


@dataclass(frozen=True)
class Consultation:
    """One draft under consultation: who is consulted, in the dataset's order, and the
    answers the chair recorded (the latest per state counts)."""

    chair: str
    consulted: tuple[str, ...]
    answers: tuple[Answer, ...]
    opened_at: datetime
    aside: tuple[str, ...] = ()  # not taking part in the work: only their objection

    @property
    def latest(self) -> dict[str, Answer]:
        out: dict[str, Answer] = {}
        for a in self.answers:
            out[a.state] = a
        return out

    @property
    def missing(self) -> tuple[str, ...]:
        have = self.latest
        return tuple(s for s in self.consulted if s not in have)

    def answer_problems(self, answer: Answer, now: datetime) -> list[str]:
        out = []
        if answer.state in self.aside:
            if answer.position is not Position.OBJECT:
                out.append(f"{answer.state} takes no part in the work: the chair records "
                           "only its formal objection")
        elif answer.state not in self.consulted:
            out.append(f"{answer.state} is not among the members consulted "
                       f"({', '.join(self.consulted)})")
        if answer.position is Position.NOT_STATED:
            out.append("an answer states a position")
        # times of calls are noted to the minute
        if answer.given_at < self.opened_at.replace(second=0, microsecond=0):
            out.append(f"the answer is dated {answer.given_at:%Y-%m-%d %H:%M} UTC, before "
                       f"the consultation opened ({self.opened_at:%Y-%m-%d %H:%M} UTC)")
        if answer.given_at > now:
            out.append(f"the answer is dated {answer.given_at:%Y-%m-%d %H:%M} UTC, in the "
                       "future")
        return out

    def announce_problems(self) -> list[str]:
        missing = self.missing
        if missing:
            return [f"not yet reached: {', '.join(missing)}; the chair announces once every "
                    "member consulted has answered"]
        return []

    def stances(self, standings: dict[str, Standing]) -> list[Stance]:
        """Every seated member as in a session: the consulted ones present with their
        answer, the others (no say) absent."""
        have = self.latest
        return [Stance(s, s in have, have[s].position if s in have else Position.NOT_STATED,
                       standing) for s, standing in standings.items()]

    def reason_prefix(self) -> str:
        last = max((a.given_at for a in self.latest.values()), default=self.opened_at)
        return (f"by consultation of the heads of state, announced by the chair ({self.chair}); "
                f"last answer {last:%Y-%m-%d %H:%M} UTC")
