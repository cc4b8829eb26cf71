"""The injects of an exercise scenario (`exercise_scenario.py`): one model per action,
each with `at` (minutes from the start), `do` (the action) and that action's fields.
Each is played through the function the pages and the API call (`exercise.py`).

An inject that refers to an earlier one names it by its place among the injects of its
kind, counted from 1: `request: 1` is the scenario's first `do: request`, `offer: 2` its
second `do: offer`, and a withdrawal's `request: 1` the first `do: official_request`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.forces.registry import CAPABILITIES, Scope


class _Inject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: float = Field(ge=0, description="minutes from the start")
    note: str = ""


class OpenInject(_Inject):
    do: Literal["open"]
    title: str
    category: str
    affected: list[str] = Field(min_length=1)
    # the states the report names as the other party (`domain/crisis/parties.py`)
    other_parties: list[str] = []
    severity: Literal["extreme", "severe", "moderate", "minor"] = "severe"
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    description: str = ""
    reported_by: str | None = None  # a state code; default the first affected

    @model_validator(mode="after")
    def _whole_place(self) -> OpenInject:
        if (self.lat is None) != (self.lon is None):  # as a crisis's report (`CrisisIn`)
            raise ValueError("give the place's latitude and longitude both, or neither")
        return self


class ConsultationsInject(_Inject):
    do: Literal["consultations"]


class TransitionInject(_Inject):
    do: Literal["transition"]
    to: Stage
    reason: str = ""
    review: str = ""


class OfficialRequestInject(_Inject):
    """The affected state's official request (who, under which article, what it asks)."""

    do: Literal["official_request"]
    state: str
    person: str
    office: Literal["head_of_state", "head_of_government", "foreign_minister",
                    "defence_minister", "permanent_representative"] = "head_of_state"
    # absent: the organization's first collective-defence article (`invoked`)
    article: str | None = Field(default=None, min_length=1)
    measures: list[Measure] = Field(min_length=1)

    def invoked(self, settings: dict[str, Any]) -> str:
        """The article the request invokes: its own, else the first of the organization's
        `collective_defence_articles`; "" where neither names one."""
        return self.article or next(
            iter(settings.get("collective_defence_articles") or []), "")
    forces: str = ""
    period_days: int | None = Field(default=None, ge=1)


class WithdrawRequestInject(_Inject):
    """The state that made an official request withdraws it (the host state ends the
    mission): which one, when the scenario has several, by its place among the official
    requests (`request: 1` is the first `do: official_request`); without it, the state's
    only request that still stands."""

    do: Literal["withdraw_request"]
    state: str
    request: int | None = Field(default=None, ge=1,
                                description="the scenario's n-th official request")
    reason: str = Field(default="", max_length=5000)


class DecideInject(_Inject):
    do: Literal["decide"]
    title: str
    text: str = "The Council decides to assist the affected member."
    # in Russian too, where the scenario gives them (or is run in Russian,
    # `exercise_texts.py`): the decision's Russian title and text
    title_ru: str = ""
    text_ru: str = ""
    # the body that decides, if not the one holding the consultations: an extraordinary
    # session of it is convened by video at the inject's time
    body: str | None = None
    limited_format: bool = False  # members stay out by their positions (not_taking_part)
    positions: dict[str, Position] = {}  # state -> position; others support
    absent: list[str] = []
    authorizes: list[Measure] = []
    # "for a limited period" with no number of days (`domain/crisis/mandate.py`)
    period_limited: bool = False
    # "consultation": the chair reaches the heads of state by telephone, five minutes
    # apart, the last call at the inject's time, and announces then (no session is held)
    by: Literal["session", "consultation"] = "session"


class ResponseInject(_Inject):
    do: Literal["response"]
    measures: list[Measure] = Field(min_length=1)
    un_mandate: bool = False
    bilateral_dispute: bool = False
    against_cis_or_neighbour: bool = False


class RequestInject(_Inject):
    do: Literal["request"]
    state: str
    resource: str
    measure: Measure = Measure.HUMANITARIAN
    quantity: int = Field(ge=1)
    unit: str = "units"
    needed_within: float = Field(default=1440, description="minutes")


class OfferInject(_Inject):
    do: Literal["offer"]
    state: str
    request: int = Field(ge=1, description="the scenario's n-th request")
    kind: Literal["units", "supplies", "aid"] = "units"
    description: str
    quantity: int = Field(ge=1)


class AcceptInject(_Inject):
    do: Literal["accept", "decline"]
    offer: int = Field(ge=1, description="the scenario's n-th offer")


class SitrepInject(_Inject):
    do: Literal["sitrep"]
    state: str | None = None
    situation: str
    casualties: str = ""
    measures: str = ""
    needs: str = ""


class RequirementInject(_Inject):
    do: Literal["requirement"]
    capability: str
    strength: int = Field(ge=1)
    place: str
    lat: float | None = None
    lon: float | None = None
    node: str | None = None
    needed_within: float = Field(default=1440, description="minutes")

    @field_validator("capability")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CAPABILITIES:
            raise ValueError(f"unknown capability {v!r} (known: {', '.join(CAPABILITIES)})")
        return v


class ConsentInject(_Inject):
    do: Literal["consent"]
    state: str
    scope: Scope
    units: list[str] = []
    conditions: str = ""


class AcceptConditionsInject(_Inject):
    """The Joint Staff accepts the conditions of a state's answer (a plan moving its units
    is decided only then, `services/forces/consent.py`)."""

    do: Literal["accept_conditions"]
    state: str


class PlanInject(_Inject):
    do: Literal["plan"]
    kind: Literal["deployment", "withdrawal"] = "deployment"  # the way there, or home
    time_limit: float = Field(default=2.0, ge=0.5, le=120)
    seed: int = 0
    decide: bool = True


class ProgressInject(_Inject):
    do: Literal["progress"]


class SessionInject(_Inject):
    """Another session on the crisis (an extraordinary one, by video by default)."""

    do: Literal["session"]
    body: str | None = None
    kind: Literal["regular", "extraordinary", "emergency"] = "extraordinary"
    mode: Literal["in_person", "video_conference"] = "video_conference"


class ObligationInject(_Inject):
    """A member's answer to the art. 4 obligation."""

    do: Literal["obligation"]
    state: str
    answer: Literal["forces", "other", "declined"]
    detail: str = ""


class UnNoticeInject(_Inject):
    """The notice to the UN Security Council recorded as sent."""

    do: Literal["un_notice"]
    reference: str = ""


class DelayInject(_Inject):
    do: Literal["delay"]


Inject = Annotated[
    OpenInject | ConsultationsInject | TransitionInject | OfficialRequestInject
    | WithdrawRequestInject | DecideInject | ResponseInject
    | RequestInject | OfferInject | AcceptInject | SitrepInject | RequirementInject
    | ConsentInject | AcceptConditionsInject | PlanInject | ProgressInject | SessionInject
    | ObligationInject | UnNoticeInject | DelayInject,
    Field(discriminator="do")]
ACTIONS = ("open", "consultations", "transition", "official_request", "withdraw_request",
           "decide", "response", "request", "offer", "accept", "decline", "sitrep",
           "requirement", "consent", "accept_conditions", "plan", "progress", "session",
           "obligation", "un_notice", "delay")
