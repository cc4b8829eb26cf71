"""Rules of procedure around the decision rule: which sessions a body may hold, who
may state a position, amendments against versions, and the written procedure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from phalanx.domain.decisions.consensus import Method, Position, Quorum, Rule


class SessionKind(StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"
    EMERGENCY = "emergency"


class Mode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video_conference"


class Convener(StrEnum):
    CHAIR = "chair"
    SECRETARY_GENERAL = "secretary_general"


def session_problems(body_rules: dict[str, Any], kind: SessionKind, mode: Mode,
                     link: str | None) -> list[str]:
    """Why a session of this kind and mode is outside the body's rules (empty if fine)."""
    out = []
    kinds = body_rules.get("session_kinds", ["regular"])
    if kind.value not in kinds:
        out.append(f"this body does not hold {kind.value} sessions (it holds: {', '.join(kinds)})")
    if mode is Mode.VIDEO:
        if not body_rules.get("video_conference", False):
            out.append("this body does not meet by video conference")
        if not link:
            out.append("a video conference needs its link")
    return out


def rule_for(body_rules: dict[str, Any], question: str) -> Rule:
    """The body's decision rule for a kind of question, falling back to `default`."""
    rules = body_rules.get("decision_rules", {})
    raw = rules.get(question) or rules.get("default") or {}
    return Rule(
        quorum=Quorum(raw.get("quorum", "all")),
        method=Method(raw.get("consensus", "no_objection")),
        limited_format=bool(raw.get("limited_format", False)),
    )


def position_problems(position: Position, rule: Rule, limited_requested: bool) -> list[str]:
    if position is Position.NOT_TAKING_PART and not (rule.limited_format and limited_requested):
        return ["'not taking part' is possible only for a draft in the limited format"]
    return []


def diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two versions of a text, line by line."""
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_label, new_label))


class WrittenStatus(StrEnum):
    CIRCULATING = "circulating"
    ADOPTED = "adopted"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class WrittenProcedure:
    """A draft circulated for signature in turn, without a session."""

    order: tuple[str, ...]  # states in the order they sign
    signed: tuple[str, ...]  # states that signed, in order
    deadline: datetime

    def next_signatory(self) -> str | None:
        remaining = [s for s in self.order if s not in self.signed]
        return remaining[0] if remaining else None

    def status(self, now: datetime) -> WrittenStatus:
        if self.next_signatory() is None:
            return WrittenStatus.ADOPTED
        return WrittenStatus.LAPSED if now > self.deadline else WrittenStatus.CIRCULATING

    def sign_problems(self, state: str, now: datetime) -> list[str]:
        status = self.status(now)
        if status is not WrittenStatus.CIRCULATING:
            return [f"the procedure is {status.value}"]
        if state not in self.order:
            return [f"{state} is not among the signatories"]
        if state in self.signed:
            return [f"{state} has already signed"]
        nxt = self.next_signatory()
        if nxt != state:
            return [f"it is {nxt}'s turn to sign"]
        return []
