"""The organization file format, `phalanx-organization/1`, as Pydantic models.

The file is YAML; this module says what may stand where. `loader.py` turns a
validated file into the domain's `Organization`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pycountry
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from phalanx.domain.organization import AgreementKind, EventKind, PartyStatus

FORMAT = "phalanx-organization/1"

Key = Field(pattern=r"^[a-z][a-z0-9_-]*$", min_length=1, max_length=64)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextIn(Model):
    en: str = Field(min_length=1)
    ru: str = ""


def _iso3(code: str) -> str:
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 code")
    return code


class StateIn(Model):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: TextIn
    source: str = ""

    @field_validator("code")
    @classmethod
    def _iso(cls, value: str) -> str:
        return _iso3(value)


class OfficeIn(Model):
    key: str = Key
    name: TextIn


class PartyIn(Model):
    state: str
    status: PartyStatus = PartyStatus.PARTY
    signed: date | None = None
    bound_from: date | None = None
    bound_until: date | None = None
    note: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _bound(self) -> PartyIn:
        if self.status is PartyStatus.PARTY and self.bound_from is None:
            raise ValueError("a party needs bound_from (the date it became bound)")
        if self.status in (PartyStatus.NOT_SIGNED, PartyStatus.ABSTAINED) and self.bound_from:
            raise ValueError(f"a state that {self.status.value.replace('_', ' ')} is not bound")
        return self


class AgreementIn(Model):
    key: str = Key
    title: TextIn
    kind: AgreementKind
    signed: date
    place: str = ""
    in_force: date | None = None
    term_years: int | None = Field(default=None, ge=1)
    parties: list[PartyIn] = []
    note: str = ""
    source: str = ""


class EventIn(Model):
    state: str
    event: EventKind
    on: date
    agreement: str | None = None
    note: str = ""
    source: str = ""


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
    source: str = ""


class ObserverIn(Model):
    name: str = Field(min_length=1)
    state: str | None = None
    status: Literal["observer", "partner"] = "observer"
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    source: str = ""


class DecisionRuleIn(Model):
    """How one kind of question is decided in a body. Values not in a source text are
    marked `setting: true`: parameters of the dataset, not facts."""

    quorum: Literal["all", "two_thirds", "majority"] = "all"
    consensus: Literal["no_objection", "majority"] = "no_objection"
    limited_format: bool = False
    setting: bool = False
    note: str = ""


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
    chairs: list[ChairIn] = []
    observers: list[ObserverIn] = []
    session_kinds: list[Literal["regular", "extraordinary", "emergency"]] = ["regular"]
    video_conference: bool = False
    decision_rules: dict[str, DecisionRuleIn] = {}
    source: str = ""


class AppointmentIn(Model):
    person: str = Field(min_length=1)
    state: str | None = None
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    note: str = ""
    source: str = ""


class PostIn(Model):
    key: str = Key
    name: TextIn
    body: str | None = None
    appointments: list[AppointmentIn] = []


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


class CrisisCategoryIn(Model):
    key: str = Key
    name: TextIn
    basis: str = Field(min_length=1)
    convene: list[str] = Field(min_length=1)
    measures: list[Literal["political", "informational", "humanitarian", "logistic",
                           "military_crrf", "military_peacekeeping"]] = Field(min_length=1)
    obligation: str = Field(min_length=1)
    obliged: Literal["all_members", "volunteers"]
    targets: dict[Literal["reported", "consultations", "assessment", "decision", "response",
                          "deployed", "monitoring"], int] = {}
    cap_categories: list[str] = []
    source: str = ""


class OperationStageIn(Model):
    key: str = Key
    name: str = Field(min_length=1)
    start: date
    end: date
    areas: list[str] = []
    plan: str = ""


class OperationTotalIn(Model):
    metric: str
    substance: str | None = None
    value: float = Field(ge=0)
    unit: Literal["kg", "l", "count"]
    note: str = ""
    source: str = ""


class OperationObserverIn(Model):
    name: str = Field(min_length=1)
    state: str | None = None
    source: str = ""


class OperationIn(Model):
    key: str = Key
    name: TextIn
    kind: Literal["anti_drug", "migration", "information"]
    first_held: int = Field(ge=1990, le=2200)
    permanent_since: date | None = None
    led_by: str | None = None
    aims: str = ""
    agencies: dict[str, list[Literal["customs", "border_guard", "police", "drug_control",
                                     "state_security", "financial_intelligence",
                                     "emergency_service"]]] = {}
    observers: list[OperationObserverIn] = []
    stages: list[OperationStageIn] = []
    historical_totals: list[OperationTotalIn] = []
    source: str = ""


Capability = Literal["motorized_rifle", "airborne", "special_police", "special_forces",
                     "emergency_rescue", "anti_drug", "engineer", "medical", "aviation"]
SIDC = Field(default=None, pattern=r"^[SIOEGW][A-Z\-][A-Z\-][A-Z\-][A-Z0-9\-]{6}[A-Z\-*]{2}"
                                  r"[A-Z\-*]{2}[A-Z\-*]$")


class BaseIn(Model):
    """An airfield (coordinates from its ICAO code) or a garrison or node (coordinates)."""

    key: str = Key
    name: str = Field(min_length=1)
    icao: str | None = Field(default=None, pattern=r"^[A-Z0-9]{4}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    state: str
    kind: Literal["airbase", "airfield", "garrison", "node"]
    note: str = ""

    @model_validator(mode="after")
    def _placed(self) -> BaseIn:
        if self.icao is None and (self.lat is None or self.lon is None):
            raise ValueError("give an ICAO code or both lat and lon")
        return self


class GroundTimeIn(Model):
    from_: str = Field(alias="from")
    to: str
    mode: Literal["road", "rail"]
    hours: float = Field(gt=0, le=24 * 30)


class FormationIn(Model):
    key: str = Key
    name: TextIn
    abbreviation: TextIn | None = None
    decided: date | None = None
    declared_strength: int | None = Field(default=None, ge=0)
    use_constraint: Literal["crrf", "peacekeeping", "none"] = "none"
    illustrative_composition: bool = False
    note: str = ""
    source: str = ""


class UnitIn(Model):
    key: str = Key
    formation: str
    state: str
    name: str = Field(min_length=1)
    capability: Capability
    strength: int = Field(ge=1, le=100_000)
    garrison: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    readiness_h: float = Field(ge=0, le=24 * 365)
    weight_t: float = Field(gt=0, le=100_000)
    outsize: bool = False
    certified_until: date | None = None
    sidc: str | None = SIDC
    note: str = ""

    @model_validator(mode="after")
    def _placed(self) -> UnitIn:
        if self.garrison is None and (self.lat is None or self.lon is None):
            raise ValueError("give a garrison or both lat and lon")
        return self


class AircraftIn(Model):
    key: str = Key
    formation: str | None = None
    state: str
    type: str = Field(min_length=1)
    role: Literal["transport", "combat"]
    helicopter: bool = False
    base: str
    payload_t: float | None = Field(default=None, gt=0, le=1000)
    speed_kmh: float | None = Field(default=None, gt=0, le=3000)
    range_km: float | None = Field(default=None, gt=0, le=20_000)
    turnaround_h: float = Field(default=2.0, ge=0, le=48)
    sidc: str | None = SIDC

    @model_validator(mode="after")
    def _lift(self) -> AircraftIn:
        if self.role == "transport" and None in (self.payload_t, self.speed_kmh, self.range_km):
            raise ValueError("a transport needs payload_t, speed_kmh and range_km")
        return self


class ForcesIn(Model):
    source: str = ""
    illustrative: bool = False  # unit figures are illustrative
    symbols: dict[Capability, str] = {}
    crisis_symbols: dict[str, str] = {}
    bases: list[BaseIn] = []
    ground_times: list[GroundTimeIn] = []
    formations: list[FormationIn] = []
    units: list[UnitIn] = []
    aircraft: list[AircraftIn] = []


class ArrearsIn(Model):
    """A member in arrears over a period has no say in decisions (Charter practice)."""

    state: str
    from_: date = Field(alias="from")
    until: date | None = None
    source: str = ""


class OrganizationIn(Model):
    key: str = Key
    name: TextIn
    abbreviation: TextIn
    founding_agreement: str
    settings: dict[str, Any] = {}

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        for i, entry in enumerate(value.get("in_arrears", []) or []):
            try:
                ArrearsIn.model_validate(entry)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ValueError(f"in_arrears.{i}.{where}: {first['msg']}") from None
        return value


class DatasetIn(Model):
    format: Literal["phalanx-organization/1"]
    version: str = Field(min_length=1)
    organization: OrganizationIn
    states: list[StateIn] = Field(min_length=1)
    offices: list[OfficeIn] = []
    agreements: list[AgreementIn] = Field(min_length=1)
    membership: list[EventIn] = []
    bodies: list[BodyIn] = []
    posts: list[PostIn] = []
    external_statuses: list[ExternalStatusIn] = []
    historical_counts: list[HistoricalCountIn] = []
    crisis_categories: list[CrisisCategoryIn] = []
    operations: list[OperationIn] = []
    forces: ForcesIn | None = None

