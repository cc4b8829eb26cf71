"""What the decision services take and give: drafts, positions, outcomes, decisions and
tasks (sessions: `session_schemas.py`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from phalanx.domain.access.policy import Marking
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import (
    Outcome,
    Position,
    Result,
    Standing,
)
from phalanx.domain.decisions.consultation import Channel
from phalanx.domain.decisions.majority import Tally
from phalanx.services.decisions.terms import LifecycleIn, LifecycleOut
from phalanx.services.types import InMoment, RecordId, UtcDateTime

DraftKind = Literal["decision", "statement", "instruction"]
AssigneeKind = Literal["body", "secretariat", "state"]


# --- read models -------------------------------------------------------------------------


class Subject(BaseModel):
    """Whom a membership or appointment decision concerns."""

    state: str = Field(pattern=r"^[A-Z]{3}$")
    on: date | None = None  # the day it takes effect (default: the day of adoption)
    post: str | None = Field(default=None, max_length=64)  # appointments
    person: str | None = Field(default=None, max_length=300)
    # an appointment naming a state other than the term's in the rotation: the Council
    # departs from the rotation, and the decision says so
    out_of_rotation: bool = False


class DraftIn(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    meeting_id: RecordId | None = None
    # the crisis it is about: the draft goes in that crisis's file, whatever its procedure
    crisis_id: RecordId | None = None
    agenda_item_id: RecordId | None = None
    kind: DraftKind = "decision"
    question: str = Field(default="default", max_length=32)
    procedure: Literal["session", "written", "consultation", "silence"] = "session"
    limited_format: bool = False
    title: str = Field(min_length=1, max_length=300)
    # the title in Russian, where the title is written in another language
    title_ru: str = Field(default="", max_length=300)
    # the text in either working language or both: one of them is required
    text_en: str = Field(default="", max_length=200_000)
    text_ru: str = Field(default="", max_length=200_000)
    deadline: InMoment | None = None
    # a written or silence procedure's deadline on a day off where the Secretariat sits
    # (settings `working_time_zone`, `days_off`) is kept only when this confirms it
    deadline_on_day_off: bool = Field(default=False, description=(
        "keep a written or silence procedure's deadline that falls on a day off where the "
        "Secretariat sits (settings working_time_zone, days_off); without it such a "
        "deadline is refused (422, where: deadline)"))
    signing_order: list[str] = Field(default_factory=list, max_length=50)
    marking: Marking = Marking.ORGANIZATION
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False
    # what the decision authorizes in a crisis, adopted with its text
    measures: list[Measure] = Field(default_factory=list, max_length=10)
    formations: list[str] = Field(default_factory=list, max_length=20)
    contributing_states: list[str] = Field(default_factory=list, max_length=20)
    period_days: int | None = Field(default=None, ge=1, le=3650)
    period_limited: bool = Field(default=False, description=(
        "for a limited period with no number of days: the mandate then runs until the "
        "official requests the decision answers are all withdrawn (not with period_days)"))
    # a decision on a membership question (admission, suspension ...) or an appointment
    # names whom it concerns; adopting it proposes the change, the Secretariat confirms it
    subject: Subject | None = None
    # its entry into force, end, and what it does to an earlier decision
    lifecycle: LifecycleIn = LifecycleIn()


class Authorizes(BaseModel):
    """What an adopted text authorizes in a crisis: measures, formations, contributing
    states (for peacekeeping) and the period in days, or "for a limited period" with no
    number of days (`period_limited`)."""

    measures: list[Measure] = []
    formations: list[str] = []
    contributing_states: list[str] = []
    period_days: int | None = None
    period_limited: bool = False


class StanceOut(BaseModel):
    state: str
    present: bool
    position: Position
    statement: str
    stated_by: str | None
    stated_at: UtcDateTime | None
    on_version: int | None
    standing: Standing
    version: str | None = Field(default=None, description=(
        "the stated position's version (None: none stated): send it as If-Match with a "
        "position that replaces it, or If-None-Match: * with a first one"))


class TallyOut(BaseModel):
    """The count of the vote: who is for, against, abstaining, silent (present, stating
    nothing) or absent, each side's weight (one a state unless the rule weighs votes),
    and, under a qualified majority, its terms and the weight needed."""

    in_favour: list[str]
    against: list[str]
    abstaining: list[str]
    silent: list[str]
    absent: list[str]
    weight_for: int
    weight_against: int
    weight_abstaining: int
    base: int = Field(description="the weight the share is taken of (0: no qualified rule)")
    needed: int = Field(description="the weight in favour that carries it (0: no "
                                    "qualified rule)")
    min_states: int
    share: str = Field(description="the share needed, e.g. 2/3 (empty: no qualified rule)")
    of: str = Field(description="the base: cast (abstentions are not votes cast), present "
                                "or members (empty: no qualified rule)")
    above: bool = Field(description="whether the votes for must exceed the share")
    weighted: bool


class OutcomeOut(BaseModel):
    outcome: Outcome
    reason: str
    binding: list[str]
    objectors: list[str]
    opted_out: list[str]
    for_consideration: list[str]
    without_say: list[str]
    silent: list[str]
    represented: int
    with_say: int
    quorum_needed: int
    tally: TallyOut | None = None


class VersionOut(BaseModel):
    number: int
    text_en: str
    text_ru: str
    amendment_id: int | None
    created_by: str
    created_at: UtcDateTime


class AmendmentOut(BaseModel):
    id: int
    against_version: int
    state: str
    text_en: str
    text_ru: str
    note: str
    status: str
    diff: str
    created_by: str
    created_at: UtcDateTime


class SignatureOut(BaseModel):
    state: str
    answer: str  # sign, reservation, object
    reservation: str
    given_by: str = ""  # in whose name (the seat holder: for the Council its head of state)
    transmitted_by: str = ""  # the account that transmitted it (the state's representative)
    signed_at: UtcDateTime | None = None


class ConsultationAnswerIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    position: Position
    given_at: InMoment  # when the head of state gave it (with its zone)
    channel: Channel = Channel.TELEPHONE
    given_by: str = Field(default="", max_length=300)  # default: the body's seat holder
    note: str = Field(default="", max_length=5000)


class ConsultationAnswerOut(BaseModel):
    state: str
    position: Position
    given_at: UtcDateTime
    channel: Channel
    given_by: str
    note: str
    recorded_by: str


class DraftOut(BaseModel):
    id: int
    body: str
    meeting_id: int | None
    agenda_item_id: int | None = None  # the item of its session's agenda it answers
    kind: str
    question: str
    procedure: str
    limited_format: bool
    title: str
    title_ru: str = ""
    current_version: int
    status: str
    outcome: str | None
    outcome_reason: str | None
    deadline: UtcDateTime | None
    signing_order: list[str]
    signed: list[str] = []
    answers: list[SignatureOut] = []  # the written procedure's answers, in order
    # circulating, adopted, returned, lapsed; under the silence procedure: circulating,
    # adopted (the deadline passed in silence), broken; `signed` then lists the members
    # keeping silence and `answers` the breaks (answer `break_silence`)
    written_status: str | None = None
    turn: str | None = None  # whose turn it is to sign (written procedure, circulating)
    chair: str | None = None  # the chair who consults and announces (consultation)
    consultation: list[ConsultationAnswerOut] = []  # every answer recorded, in order
    not_reached: list[str] = []  # members consulted who have not answered yet
    # members not taking part in the work that still may formally object to this draft
    aside: list[str] = []
    limited_format_open: bool = False  # a member may declare now that it stays out
    # what the text authorizes in a crisis, adopted with it (the decision copies it)
    authorizes: Authorizes = Authorizes()
    revision: int
    marking: Marking
    on_date: date
    versions: list[VersionOut] = []
    amendments: list[AmendmentOut] = []
    stances: list[StanceOut] = []
    preview: OutcomeOut | None = None
    decision_id: int | None = None
    # what it states of its life once adopted (its entry into force, end, modification)
    lifecycle: LifecycleIn = LifecycleIn()


class JoiningOut(BaseModel):
    """A member's later declaration on a decision adopted without it."""

    state: str
    joins: bool = Field(description="true: it joins, bound from `on`; false: it declared "
                                    "it does not join, and stays unbound")
    on: date = Field(description="the day of its declaration")
    note: str = ""
    recorded_by: str


class DecisionOut(BaseModel):
    id: int
    number: str
    # the draft it was adopted from, named only to the draft's readers (`register.py`)
    draft_id: int | None = Field(
        description="the draft it was adopted from; null for a reader that may not read it")
    body: str
    kind: str
    adopted_on: date
    adopted_at: UtcDateTime | None = None  # to the minute, where recorded
    title: str
    title_ru: str = ""
    text_en: str
    text_ru: str
    binding: list[str]
    for_consideration: list[str] = []  # absent or without a say: receive the text
    limited_format: bool
    reason: str
    published: bool
    marking: Marking
    participants: list[str]
    exercise: bool = False
    authorizes: Authorizes = Authorizes()
    # its status on a day (today unless asked) and its history
    lifecycle: LifecycleOut | None = None
    # the members outside it on its adoption that declared later whether they join it
    declarations: list[JoiningOut] = []
    # the members that joined it later, each bound from the day of its declaration
    # (`binding`: those bound from its adoption)
    bound_from: dict[str, date] = {}
    # the members that may still declare whether they join it (sent it for consideration,
    # or standing aside from it in a limited format, and no declaration yet)
    may_join: list[str] = []

    def bound_on(self, day: date) -> list[str]:
        """The members it binds on `day`: from its adoption, and those joined by then."""
        return sorted({*self.binding, *(s for s, d in self.bound_from.items() if d <= day)})


class TaskIn(BaseModel):
    assignee_kind: AssigneeKind
    assignee: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    due_on: date


class TaskOut(BaseModel):
    id: int
    decision_id: int
    decision_number: str
    assignee_kind: str
    assignee: str
    title: str
    due_on: date
    status: str
    completed_on: date | None
    note: str
    revision: int
    overdue: bool
    exercise: bool = False  # a task of an exercise's decision


def _outcome(r: Result) -> OutcomeOut:
    return OutcomeOut(
        outcome=r.outcome, reason=r.reason, binding=sorted(r.binding),
        objectors=sorted(r.objectors), opted_out=sorted(r.opted_out),
        for_consideration=sorted(r.for_consideration), without_say=sorted(r.without_say),
        silent=sorted(r.silent), represented=r.represented, with_say=r.with_say,
        quorum_needed=r.quorum_needed, tally=_tally(r.tally) if r.tally else None)


def _tally(t: Tally) -> TallyOut:
    return TallyOut(
        in_favour=list(t.for_), against=list(t.against), abstaining=list(t.abstaining),
        silent=list(t.silent), absent=list(t.absent), weight_for=t.weight_for,
        weight_against=t.weight_against, weight_abstaining=t.weight_abstaining,
        base=t.base, needed=t.needed, min_states=t.min_states, share=t.share, of=t.of,
        above=t.above, weighted=t.weighted)


class HistoricalCountOut(BaseModel):
    kind: str
    period: str
    count: int
    body: str | None
    note: str
    source: str


class CountsOut(BaseModel):
    recorded: dict[str, dict[str, int]]  # body -> kind -> adopted in the system
    historical: list[HistoricalCountOut]  # what the organization reported, from its dataset


