"""What the crisis services take and give."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from phalanx.domain.access.policy import (
    Marking,
)
from phalanx.domain.crisis.workflow import (
    Measure,
    Stage,
)
from phalanx.services.crisis_card import MarkOut
from phalanx.services.crisis_obligations import LineOut, NoticeOut
from phalanx.services.crisis_requests import OfficialRequestOut
from phalanx.services.types import InMoment, RecordId, Said, UtcDateTime

Severity = Literal["extreme", "severe", "moderate", "minor"]
CAP_SEVERITY = {"Extreme": "extreme", "Severe": "severe", "Moderate": "moderate",
                "Minor": "minor"}




def _states(packed: str) -> list[str]:
    return [s for s in packed.split(",") if s]


# --- read models --------------------------------------------------------------------------


class CrisisIn(BaseModel):
    title: Said = Field(max_length=300)
    category: str = Field(min_length=1, max_length=64, description=(
        "the kind of crisis: a key of GET /api/v1/crisis-categories"))
    affected: list[str] = Field(min_length=1, max_length=20, description=(
        "the affected member states (ISO 3166 alpha-3); the reporter acts for one of them"))
    # the states the report names as the source of the aggression or threat
    # (`domain/crisis/parties.py`): a member named makes a dispute between members
    other_parties: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = Field(
        default_factory=list, max_length=20)
    severity: Severity = "severe"
    place: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    description: str = Field(default="", max_length=20_000)
    exercise: bool = False
    marking: Marking = Field(default=Marking.ORGANIZATION, description=(
        "who may read it: PUBLIC, ORGANIZATION (every member), PARTICIPANTS (the states in "
        "`participants` and the staff), NATIONAL (its own state)"))
    participants: list[str] = Field(default_factory=list, max_length=20, description=(
        "with PARTICIPANTS: the states (ISO 3166 alpha-3) that may read it"))
    observers: bool = Field(default=False, description="released to the observers too")

    @model_validator(mode="after")
    def _whole_place(self) -> CrisisIn:
        # half a place is no place: whose territory it lies on decides the rules
        # (art. 4, peacekeeping), so a latitude without a longitude is refused
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give the place's latitude and longitude both, or neither")
        return self


class StageClockOut(BaseModel):
    stage: Stage
    entered: UtcDateTime
    left: UtcDateTime | None
    elapsed_minutes: float
    target_minutes: float | None
    overdue: bool
    overdue_minutes: float


class ScorecardOut(BaseModel):
    to_consultations_minutes: float | None
    to_decision_minutes: float | None
    to_first_offer_minutes: float | None
    to_first_deployment_minutes: float | None


class CrisisDraftOut(BaseModel):
    """A draft in a crisis's file, adopted or not, as its reader may read it."""

    id: int
    title: str
    title_ru: str = ""
    body: str
    kind: str
    procedure: str  # session, written, silence, consultation
    meeting_id: int | None = None
    # open (pending), adopted, returned, lapsed, closed (no decision, or its exercise ended)
    status: str
    outcome_reason: str | None = None
    tabled_at: UtcDateTime
    decided_at: UtcDateTime | None = None  # when its outcome was recorded
    decision_id: int | None = None  # the decision adopted from it, where the reader reads it
    decision_number: str | None = None
    # how it is in the file: named when tabled, tabled in a session held on the crisis,
    # the decision attached to the crisis, or tied by the Secretariat afterwards
    tie: Literal["tabled", "session", "decision", "tied"]
    reason: str = ""  # why the Secretariat tied it

    @property
    def untied_by_hand(self) -> bool:
        """Whether the Secretariat may untie it (named, or tied, by hand)."""
        return self.tie in ("tabled", "tied")


class DraftTieIn(BaseModel):
    draft_id: RecordId
    reason: str = Field(min_length=1, max_length=2000,
                        description="why the draft belongs to (or leaves) the crisis's file")


class DraftUntieIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class EventOut(BaseModel):
    at: UtcDateTime
    kind: str
    stage: str | None
    actor: str
    text: str

    @property
    def as_written(self) -> bool:
        """A situation report is its author's words; the other entries are written by
        the services (and shown in the reader's language)."""
        return self.kind == "sitrep"


class OfferedUnitOut(BaseModel):
    key: str = Field(description="the unit's key in the registry; empty when the reader may "
                                 "not see the unit")
    name: str = Field(description="the unit's name in the registry; empty when the reader "
                                  "may not see the unit")


class OfferOut(BaseModel):
    id: int
    request_id: int
    state: str
    kind: str
    description: str
    quantity: int
    status: str
    # an offer of units: the registry units it names (by name), or a capability's strength
    units: list[OfferedUnitOut] = Field(default_factory=list)
    capability: str | None = None
    strength: int | None = None


class RequestOut(BaseModel):
    id: int
    state: str
    resource: str
    measure: str
    quantity: int
    unit: str
    place: str
    needed_by: UtcDateTime
    lapses_at: UtcDateTime
    status: str
    covered: int
    gap: int
    offers: list[OfferOut] = Field(description=(
        "the offers the reader reads: each is its state's position, not an observer's or "
        "the public's"))
    offers_made: int = Field(default=0, description="how many offers were made, all told")


class SitrepOut(BaseModel):
    id: int
    at: UtcDateTime
    author: str
    state: str | None
    situation: str
    casualties: str
    measures: str
    needs: str
    attachments: list[dict[str, Any]] = []


class MandateOut(BaseModel):
    """The period of the crisis's decision (`authority.Mandate`): from its adoption for
    `period_days` days, or for a limited period until the official requests it answers are
    all withdrawn (`limited`; `ends_at` None while one stands), or until the decision ends
    for good in the register of acts in
    force (`ended_by`: "repealed", or "expired" past its last day in force), whichever comes
    first; once it has ended, nothing new is deployed under it."""

    decision: str | None  # its number (None: the reader may not see the decision)
    period_days: int | None
    limited: bool = False  # "for a limited period", no number of days
    ended_by: Literal["repealed", "expired"] | None = None  # the register's end first
    adopted_at: UtcDateTime
    ends_at: UtcDateTime | None
    expired: bool  # the period is over


class CrisisOut(BaseModel):
    id: int
    title: str
    category: str
    category_name: str
    category_name_ru: str
    basis: str
    obligation: str
    basis_ru: str = ""  # in Russian, where the dataset has it
    obligation_ru: str = ""
    stage: Stage
    severity: str
    affected: list[str]
    other_parties: list[str] = Field(default_factory=list)  # named by the report
    # the named other parties that are members on the day: a dispute between members
    members_in_dispute: list[str] = Field(default_factory=list)
    off_territory: bool = Field(default=False, description=(
        "the place reported lies outside the territory of every affected member: "
        "aggression there is not aggression against a member, so the obligation of "
        "assistance (the collective-defence article: Treaty art. 4) does not arise and "
        "no notice to the UN Security Council opens, whatever the category or an "
        "official request cites"))
    place: str
    lat: float | None
    lon: float | None
    description: str
    reported_at: UtcDateTime
    origin: str
    cap_identifier: str | None
    exercise: bool
    measures: list[str]
    eligible_measures: list[str]
    convene: list[str]
    session_id: int | None
    decision_id: int | None
    authorizes: list[str]
    closing_reason: str
    review: str
    revision: int
    marking: Marking
    next_stages: list[Stage]
    overdue: bool
    overdue_minutes: float
    clocks: list[StageClockOut] = Field(default_factory=list)  # not copied per crisis
    scorecard: ScorecardOut | None = None
    timeline: list[EventOut] = Field(default_factory=list)  # not copied per crisis
    requests: list[RequestOut] = Field(default_factory=list)  # not copied per crisis
    sitreps: list[SitrepOut] = Field(default_factory=list)  # not copied per crisis
    official_requests: list[OfficialRequestOut] = Field(default_factory=list)
    not_granted: list[Measure] = Field(default_factory=list, description=(
        "once a decision the reader may read answers the crisis: the measures a standing "
        "official request of an affected state asked for that it does not authorize"))
    sessions: list[int] = Field(default_factory=list)  # every session held on the crisis
    # every draft about it, adopted or not, that the reader may read
    drafts: list[CrisisDraftOut] = Field(default_factory=list)
    obligations: list[LineOut] = Field(default_factory=list)  # art. 4: every member's line
    un_notice: NoticeOut | None = None  # the UN Security Council notice, once opened
    # to consultations from the report, to each other step from the official request
    # (else the report), beside its target
    response_card: list[MarkOut] = Field(default_factory=list)
    # the decision's period and its end, where it has one
    mandate: MandateOut | None = None




class ResponseIn(BaseModel):
    measures: list[Measure] = Field(min_length=1)
    bilateral_dispute: bool = False
    against_cis_or_neighbour: bool = False
    un_mandate: bool = False
    on_member_territory: bool = True
    # the official request is a record of its own (`crisis_requests.record_request`),
    # never a box ticked here




class RequestIn(BaseModel):
    resource: Said = Field(max_length=300)
    measure: Measure = Measure.HUMANITARIAN
    quantity: int = Field(ge=1, le=1_000_000)
    unit: str = Field(default="units", max_length=32)
    place: str = Field(default="", max_length=300)
    needed_by: InMoment
    lapses_in_hours: int = Field(default=72, ge=1, le=24 * 90)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")




class OfferIn(BaseModel):
    kind: Literal["units", "supplies", "aid"]
    description: Said = Field(max_length=2000)
    # for units: the strength the named units (or the capability's strength) amount to,
    # when not given
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    # an offer of units names registry units of the offering state, or a strength of a
    # capability (`services/offered_units.py`)
    units: list[str] = Field(default_factory=list, max_length=200)
    capability: str | None = Field(default=None, max_length=32)
    strength: int | None = Field(default=None, ge=1, le=100_000)

    @model_validator(mode="after")
    def _what(self) -> OfferIn:
        if self.kind != "units" and (self.units or self.capability or self.strength):
            raise ValueError("only an offer of units names units or a capability")
        if self.kind != "units" and self.quantity is None:
            raise ValueError("give the quantity offered")
        return self




class SitrepIn(BaseModel):
    situation: Said = Field(max_length=20_000)
    casualties: str = Field(default="", max_length=5000)
    measures: str = Field(default="", max_length=5000)
    needs: str = Field(default="", max_length=5000)
    document_ids: list[RecordId] = Field(default_factory=list, max_length=20,
                                    description="attachments: documents of the register")


