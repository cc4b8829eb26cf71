"""The statutory bodies (seats, chairs, observers, decision rules, consultations), posts,
external statuses and historical counts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from phalanx.dataset.schema.base import Cited, Key, Model, TextIn


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


class DecisionRuleIn(Cited):
    """How one kind of question is decided in a body. Values not in a source text are
    marked `setting: true`: parameters of the dataset, not facts."""

    quorum: Literal["all", "two_thirds", "majority"] = "all"
    consensus: Literal["no_objection", "majority"] = "no_objection"
    limited_format: bool = False
    UNCITED = ("a decision rule cites its source (`source:`) or is marked "
               "`setting: true`")


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
    UNCITED = ("decisions by consultation cite their source (`source:`) or are "
               "marked `setting: true`")


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
    decision_rules: dict[str, DecisionRuleIn] = {}
    limited_format: LimitedFormatIn | None = None
    consultation: ConsultationIn | None = None
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
