"""The Parliamentary Assembly: model laws and recommendations, and their transposition
into each member's national law.

A member's transposition of a model law moves through

    not_started -> in_progress -> adopted (with the national act's reference)
              \\-> declined  <-/      (declined -> in_progress: reconsidered)

Only an adopted model law is transposed, never before the date it was adopted; an
adopted national act is final here (a later amendment is a new model law)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from phalanx.domain.registers import Problem, date_range


class LawKind(StrEnum):
    MODEL_LAW = "model_law"
    RECOMMENDATION = "recommendation"


class LawStatus(StrEnum):
    DRAFTED = "drafted"
    ADOPTED = "adopted"


class Transposition(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ADOPTED = "adopted"
    DECLINED = "declined"


TRANSITIONS: dict[Transposition, frozenset[Transposition]] = {
    Transposition.NOT_STARTED: frozenset({Transposition.IN_PROGRESS, Transposition.ADOPTED,
                                          Transposition.DECLINED}),
    Transposition.IN_PROGRESS: frozenset({Transposition.ADOPTED, Transposition.DECLINED}),
    Transposition.DECLINED: frozenset({Transposition.IN_PROGRESS}),
    Transposition.ADOPTED: frozenset(),
}


def law_problems(drafted: date, adopted: date | None) -> list[Problem]:
    return date_range(drafted, adopted, "drafted", "adopted")


@dataclass(frozen=True)
class TranspositionChange:
    current: Transposition
    new: Transposition
    on: date
    reference: str = ""
    law_adopted: date | None = None  # None: the model law is still a draft
    last_change: date | None = None


def transposition_problems(c: TranspositionChange) -> list[Problem]:
    out: list[Problem] = []
    if c.law_adopted is None:
        out.append(("status", "the model law is not adopted yet: nothing to transpose"))
    elif c.on < c.law_adopted:
        out.append(("on", f"{c.on.isoformat()} is before the model law was adopted "
                          f"({c.law_adopted.isoformat()})"))
    if c.last_change is not None and c.on < c.last_change:
        out.append(("on", f"{c.on.isoformat()} is before the last recorded change "
                          f"({c.last_change.isoformat()})"))
    if c.new is not c.current and c.new not in TRANSITIONS[c.current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[c.current])) or "none"
        out.append(("status", f"cannot go from {c.current.value} to {c.new.value} "
                              f"(allowed: {allowed})"))
    if c.new is c.current and c.new is not Transposition.IN_PROGRESS:
        out.append(("status", f"already {c.current.value}"))
    if c.new is Transposition.ADOPTED and not c.reference.strip():
        out.append(("reference", "an adopted national act needs its reference"))
    return out


def progress(statuses: list[Transposition]) -> float:
    """The share of members that adopted the national act, 0..1."""
    if not statuses:
        return 0.0
    return sum(1 for s in statuses if s is Transposition.ADOPTED) / len(statuses)
