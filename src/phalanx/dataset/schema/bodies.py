"""The statutory bodies (seats, chairs, observers, decision rules, consultations, the
silence procedure), posts, external statuses and historical counts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from phalanx.dataset.schema.base import Cited, Key, Model, TextIn
from phalanx.domain.decisions.consensus import parse_quorum
from phalanx.domain.decisions.majority import parse_share


class SeatHolderIn(Model):
    state: str
    person: str = Field(min_length=1)
    office: str | None = None
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    source: str = ""


class ChairIn(Model):
    year: int = Field(ge=1900, le=2200)
    state: str
    person: str = ""
    exception: str = ""  # the Council decision departing from the rotation
    source: str = ""


class ObserverIn(Model):
    name: str = Field(min_length=1)
    state: str | None = None
    status: Literal["observer", "partner"] = "observer"
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    source: str = ""


class QualifiedIn(Model):
    """The terms of a qualified majority (`domain/decisions/majority.py`): the share of
    the base (`of`) the votes for must reach (or exceed: `above`), weighted by the body's
    `vote_weights` or not, with the fewest states in favour."""

    share: str
    of: Literal["cast", "present", "members"] = "cast"
    above: bool = False
    weighted: bool = False
    min_states: int = Field(default=0, ge=0, le=200)

    @field_validator("share")
    @classmethod
    def _fraction(cls, value: str) -> str:
        parse_share(value)
        return value

    @model_validator(mode="after")
    def _reachable(self) -> QualifiedIn:
        if self.above and parse_share(self.share) == 1:
            raise ValueError("no vote is more than all of its base: give `above: false` "
                             "with the share 1/1 (unanimity)")
        return self


class DecisionRuleIn(Cited):
    """How one kind of question is decided in a body. Values not in a source text are
    marked `setting: true`: parameters of the dataset, not facts."""

    # `all`, `two_thirds`, `majority`, a share such as "3/5" or a number of members
    quorum: str | int = "all"
    consensus: Literal["no_objection", "majority", "qualified"] = "no_objection"
    qualified: QualifiedIn | None = None
    limited_format: bool = False
    # whether the state a decision concerns (its subject: the member to be suspended,
    # expelled, readmitted) has a say on it; false: it neither counts nor blocks
    concerned_votes: bool = True
    # a tie in a vote by majority decided by the vote of the state chairing the body
    casting_vote: bool = False
    # whether a member with a say absent without a declaration is bound by a decision by
    # majority or qualified majority (unset: yes); never under consensus (DOMAIN.md §7)
    absent_bound: bool | None = None
    UNCITED = ("a decision rule cites its source (`source:`) or is marked "
               "`setting: true`")

    @field_validator("quorum", mode="before")
    @classmethod
    def _quorum(cls, value: object) -> object:
        parse_quorum(value)
        return value

    @model_validator(mode="after")
    def _terms(self) -> DecisionRuleIn:
        if self.consensus == "qualified" and self.qualified is None:
            raise ValueError("`consensus: qualified` needs its terms: `qualified: {share: "
                             "'2/3', of: cast}`")
        if self.casting_vote and self.consensus != "majority":
            raise ValueError(f"a casting vote decides a tie in a vote by majority "
                             f"(`consensus: majority`), not under {self.consensus!r}")
        if self.absent_bound and self.consensus == "no_objection":
            raise ValueError("under consensus (`consensus: no_objection`) a member absent "
                             "without a declaration receives the text for consideration and "
                             "is not bound: `absent_bound` is for `consensus: majority` or "
                             "`qualified`")
        if self.consensus != "qualified" and self.qualified is not None:
            raise ValueError(f"`qualified` terms are for `consensus: qualified`, not "
                             f"{self.consensus!r}")
        return self


class VoteWeightsIn(Cited):
    """Each member's weight in a body's weighted votes (whole numbers >= 1)."""

    weights: dict[str, int] = Field(min_length=1)
    UNCITED = ("the votes' weights cite their source (`source:`) or are marked "
               "`setting: true`")

    @field_validator("weights")
    @classmethod
    def _whole(cls, value: dict[str, int]) -> dict[str, int]:
        low = sorted(s for s, w in value.items() if w < 1)
        if low:
            raise ValueError(f"a weight is a whole number of 1 or more: {', '.join(low)}")
        return value


class LimitedFormatIn(Cited):
    """A body's limited format (decisions by the interested members only): the agreement
    that introduced it, the fewest participants, and who reads such a decision."""

    introduced_by: str | None = None  # an agreement's key; absent: always existed
    min_participants: int = Field(default=1, ge=1)
    readers: Literal["body", "participants"] = "participants"
    UNCITED = ("the limited format cites its source (`source:`) or is marked "
               "`setting: true`")


class ConsultationIn(Cited):
    """Which questions a body may decide by consultation of the heads of state (by
    telephone or video, announced by the chair: `domain/decisions/consultation.py`)."""

    questions: list[str] = Field(min_length=1)
    # the agreement that made the procedure (its key; absent: it always existed)
    introduced_by: str | None = None
    UNCITED = ("decisions by consultation cite their source (`source:`) or are "
               "marked `setting: true`")


class SilenceIn(Cited):
    """Which questions a body may decide by the silence procedure (a draft adopted at its
    deadline unless a member breaks silence: `domain/decisions/silence.py`)."""

    questions: list[str] = Field(min_length=1)
    UNCITED = ("the silence procedure cites its source (`source:`) or is marked "
               "`setting: true`")


class WrittenIn(Cited):
    """Which questions a body may decide by the written procedure (every member with a
    say signs in turn: `domain/decisions/procedure.py`); absent, every question may be;
    an empty list: none, the body has no written procedure."""

    questions: list[str] = []
    UNCITED = ("the written procedure cites its source (`source:`) or is marked "
               "`setting: true`")


class PapersIn(Cited):
    """How far ahead of a session the Secretariat sends the members its papers (the
    agenda's drafts), for the kinds of session it applies to."""

    days_before: int = Field(ge=1, le=365)
    kinds: list[Literal["regular", "extraordinary", "emergency"]] = ["regular"]
    UNCITED = ("the papers' period cites its source (`source:`) or is marked "
               "`setting: true`")


class BodyIn(Model):
    key: str = Key
    name: TextIn
    abbreviation: TextIn | None = None
    kind: Literal[
        "council", "committee", "assembly", "secretariat", "staff", "coordination_council",
        "working_group", "expert_council", "institute", "commission",
    ]
    role: TextIn | None = None
    parent: str | None = None
    established: date | None = None
    dissolved: date | None = None
    seat: str | None = None
    attendees: list[str] = []
    seat_holders: list[SeatHolderIn] = []
    chair_rotation: bool = False
    chairs: list[ChairIn] = []
    observers: list[ObserverIn] = []
    session_kinds: list[Literal["regular", "extraordinary", "emergency"]] = ["regular"]
    video_conference: bool = False
    # the agreement from which the body meets by video conference (its key; absent: always)
    video_conference_from: str | None = None
    decision_rules: dict[str, DecisionRuleIn] = {}
    vote_weights: VoteWeightsIn | None = None
    limited_format: LimitedFormatIn | None = None
    consultation: ConsultationIn | None = None
    silence: SilenceIn | None = None
    written: WrittenIn | None = None
    papers: PapersIn | None = None
    source: str = ""


class AppointmentIn(Model):
    person: str = Field(min_length=1)
    state: str | None = None
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    acting: bool = False
    note: str = ""
    source: str = ""


class PostIn(Model):
    key: str = Key
    name: TextIn
    body: str | None = None
    terms_from: date | None = None
    term_years: int | None = Field(default=None, ge=1, le=20)
    appointments: list[AppointmentIn] = []

    @field_validator("terms_from")
    @classmethod
    def _every_year(cls, value: date | None) -> date | None:
        # terms run from the same day of the year: a day every year has (setting)
        if value is not None and (value.month, value.day) == (2, 29):
            raise ValueError("terms run from a day every year has: 29 February is not one "
                             "(give 28 February or 1 March)")
        return value


class ExternalStatusIn(Model):
    counterpart: str = Field(min_length=1)
    status: str = Field(min_length=1)
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    source: str = ""


class HistoricalCountIn(Model):
    kind: str = Field(min_length=1, max_length=32)
    period: str = Field(min_length=4, max_length=32)
    count: int = Field(ge=0)
    body: str | None = None
    note: str = ""
    source: str = ""
