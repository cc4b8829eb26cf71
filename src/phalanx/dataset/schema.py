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
from phalanx.domain.registers import exercises as ex_rules
from phalanx.domain.registers import parliament as pa_rules
from phalanx.domain.registers import quotas as quota_rules
from phalanx.domain.registers import supply as supply_rules

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
    illustrative: bool = False


class ContributionIn(Model):
    """One line of the contributions ledger: a state's assessment for a year and what it
    paid (reaching `paid` on `paid_on`)."""

    state: str
    year: int = Field(ge=1990, le=2200)
    assessed: float = Field(ge=0)
    paid: float = Field(default=0, ge=0)
    paid_on: date | None = None
    illustrative: bool = False
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
    exception: str = ""  # the Council decision departing from the rotation
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
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _cited(self) -> DecisionRuleIn:
        if not self.setting and not self.source.strip():
            raise ValueError("a decision rule cites its source (`source:`) or is marked "
                             "`setting: true`")
        return self


class LimitedFormatIn(Model):
    """A body's limited format (decisions by the interested members only): the agreement
    that introduced it, the fewest participants, and who reads such a decision."""

    introduced_by: str | None = None  # an agreement's key; absent: always existed
    min_participants: int = Field(default=1, ge=1)
    readers: Literal["body", "participants"] = "participants"
    setting: bool = False
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _cited(self) -> LimitedFormatIn:
        if not self.setting and not self.source.strip():
            raise ValueError("the limited format cites its source (`source:`) or is marked "
                             "`setting: true`")
        return self


class ConsultationIn(Model):
    """Which questions a body may decide by consultation of the heads of state (by
    telephone or video, announced by the chair: `domain/decisions/consultation.py`)."""

    questions: list[str] = Field(min_length=1)
    setting: bool = False
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _cited(self) -> ConsultationIn:
        if not self.setting and not self.source.strip():
            raise ValueError("decisions by consultation cite their source (`source:`) or are "
                             "marked `setting: true`")
        return self


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
    illustrative: bool = False


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


class DetachmentIn(Model):
    """The smallest detachment a formation's units may send alone (a unit is then planned
    as parts of that strength, `domain/forces/tasks.py`); cited, or a setting."""

    strength: int = Field(ge=1, le=100_000)
    setting: bool = False
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _cited(self) -> DetachmentIn:
        if not self.setting and not self.source.strip():
            raise ValueError("a detachment strength cites its source (`source:`) or is "
                             "marked `setting: true`")
        return self


class FormationIn(Model):
    key: str = Key
    name: TextIn
    abbreviation: TextIn | None = None
    decided: date | None = None
    declared_strength: int | None = Field(default=None, ge=0)
    use_constraint: Literal["crrf", "peacekeeping", "none"] = "none"
    detachment: DetachmentIn | None = None  # absent: its units move whole
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


# --- the year-round registers (all optional; figures not in a source are marked
# `illustrative: true`) -------------------------------------------------------------------

MarkingIn = Literal["PUBLIC", "ORGANIZATION"]


def _checked(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ValueError("; ".join(f"{f}: {m}" for f, m in problems))


class TranspositionIn(Model):
    state: str
    status: pa_rules.Transposition
    on: date
    reference: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _reference(self) -> TranspositionIn:
        if self.status is pa_rules.Transposition.ADOPTED and not self.reference.strip():
            raise ValueError("an adopted national act needs its reference")
        return self


class ModelLawIn(Model):
    key: str = Key
    kind: pa_rules.LawKind = pa_rules.LawKind.MODEL_LAW
    title: TextIn
    commission: str
    drafted: date
    adopted: date | None = None
    text: str = ""
    transposition: list[TranspositionIn] = []
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _dates(self) -> ModelLawIn:
        _checked(pa_rules.law_problems(self.drafted, self.adopted))
        for i, tr in enumerate(self.transposition):
            if self.adopted is None or tr.on < self.adopted:
                raise ValueError(f"transposition.{i}.on: {tr.on.isoformat()} is before the "
                                 f"model law was adopted")
        return self


class FieldSessionIn(Model):
    commission: str
    state: str
    place: str = Field(min_length=1)
    start: date
    end: date
    topic: str = Field(min_length=1)
    report: str = ""
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _dates(self) -> FieldSessionIn:
        _checked(ex_rules.exercise_problems(self.start, self.end))
        return self


class ObserverParliamentIn(Model):
    state: str
    name: TextIn
    source: str = ""


class ParliamentaryAssemblyIn(Model):
    body: str
    commissions: list[str] = []
    observer_parliaments: list[ObserverParliamentIn] = []
    model_laws: list[ModelLawIn] = []
    field_sessions: list[FieldSessionIn] = []


class DeliveryIn(Model):
    quantity: int = Field(gt=0)
    value: float = Field(ge=0)
    on: date
    note: str = ""


class SupplyIn(Model):
    key: str = Key
    supplier: str
    recipient: str
    category: str
    item: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    value: float = Field(ge=0)  # millions of the currency below
    currency: str = "USD"
    agreed: date
    due: date | None = None
    deliveries: list[DeliveryIn] = []
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _checks(self) -> SupplyIn:
        a = supply_rules.Agreement(self.supplier, self.recipient, self.quantity, self.value,
                                   self.agreed, self.due)
        problems = supply_rules.agreement_problems(a)
        done = 0
        for i, d in enumerate(self.deliveries):
            problems += [(f"deliveries.{i}.{f}", m) for f, m in supply_rules.delivery_problems(
                a, done, supply_rules.Delivery(d.quantity, d.value, d.on))]
            done += d.quantity
        _checked(problems)
        return self


class ProgrammeIn(Model):
    key: str = Key
    title: TextIn
    kind: Literal["research", "modernization", "joint_venture"]
    states: list[str] = Field(min_length=1)
    start: date
    end: date | None = None
    status: Literal["planned", "running", "completed"] = "running"
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _dates(self) -> ProgrammeIn:
        _checked(ex_rules.exercise_problems(self.start, self.end or self.start))
        return self


class MtcNoteIn(Model):
    text: str = Field(min_length=1)
    source: str = ""


class MilitaryTechnicalIn(Model):
    commission: TextIn
    categories: dict[str, TextIn] = Field(min_length=1)
    notes: list[MtcNoteIn] = []
    supplies: list[SupplyIn] = []
    programmes: list[ProgrammeIn] = []


class InstitutionIn(Model):
    key: str = Key
    name: TextIn
    state: str
    type: quota_rules.InstitutionType
    source: str = ""


class LimitIn(Model):
    state: str
    type: quota_rules.InstitutionType
    places: int = Field(ge=0)
    note: str = ""
    source: str = ""


class AllocationIn(Model):
    state: str
    allocated: int = Field(ge=0)
    enrolled: int = Field(default=0, ge=0)
    graduated: int = Field(default=0, ge=0)


class QuotaIn(Model):
    year: int = Field(ge=1990, le=2200)
    institution: str
    offered: int = Field(ge=0)
    allocations: list[AllocationIn] = []
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _arithmetic(self) -> QuotaIn:
        _checked(quota_rules.quota_problems(self.offered, [
            quota_rules.Allocation(a.state, a.allocated, a.enrolled, a.graduated)
            for a in self.allocations]))
        return self


class TrainingIn(Model):
    institutions: list[InstitutionIn] = Field(min_length=1)
    limits: list[LimitIn] = []
    quotas: list[QuotaIn] = []


class ParticipantIn(Model):
    state: str
    formation: str = Field(min_length=1)
    unit: str | None = None
    strength: int = Field(ge=1)


class FindingIn(Model):
    title: str = Field(min_length=1)
    owner: str  # a body key, "secretariat", or a state code
    due: date
    status: ex_rules.FindingStatus = ex_rules.FindingStatus.OPEN


class ExerciseIn(Model):
    key: str = Key
    name: TextIn
    series: str = Field(min_length=1)
    start: date
    end: date
    host: str
    place: str = ""
    scenario: str | None = None  # a file of data/exercises/
    description: str = ""
    marking: MarkingIn = "PUBLIC"
    participants: list[ParticipantIn] = []
    findings: list[FindingIn] = []
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _dates(self) -> ExerciseIn:
        _checked(ex_rules.exercise_problems(self.start, self.end))
        return self


class PartnerIn(Model):
    key: str = Key
    name: TextIn
    relation: Literal["instrument", "contact"]
    source: str = ""


class InstrumentIn(Model):
    partner: str
    kind: Literal["memorandum", "protocol", "declaration", "observer_status", "agreement"]
    title: str = Field(min_length=1)
    signed: date | None = None
    until: date | None = None
    scope: str = ""
    illustrative: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _dates(self) -> InstrumentIn:
        if self.signed and self.until:
            _checked(ex_rules.exercise_problems(self.signed, self.until))
        return self


class RelationEventIn(Model):
    partner: str | None = None
    kind: Literal["meeting", "joint_event", "statement"]
    on: date
    title: str = Field(min_length=1)
    by: str | None = None  # the body that made a statement
    text: str = ""
    marking: MarkingIn = "PUBLIC"
    illustrative: bool = False
    source: str = ""


class ExternalRelationsIn(Model):
    partners: list[PartnerIn] = []
    instruments: list[InstrumentIn] = []
    events: list[RelationEventIn] = []


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
    as_of: date | None = None  # the cut-off of the sourced facts
    organization: OrganizationIn
    states: list[StateIn] = Field(min_length=1)
    offices: list[OfficeIn] = []
    agreements: list[AgreementIn] = Field(min_length=1)
    membership: list[EventIn] = []
    contributions: list[ContributionIn] = []
    bodies: list[BodyIn] = []
    posts: list[PostIn] = []
    external_statuses: list[ExternalStatusIn] = []
    historical_counts: list[HistoricalCountIn] = []
    crisis_categories: list[CrisisCategoryIn] = []
    operations: list[OperationIn] = []
    forces: ForcesIn | None = None
    parliamentary_assembly: ParliamentaryAssemblyIn | None = None
    military_technical: MilitaryTechnicalIn | None = None
    training: TrainingIn | None = None
    exercises: list[ExerciseIn] = []
    external_relations: ExternalRelationsIn | None = None


REGISTER_SECTIONS = ("parliamentary_assembly", "military_technical", "training", "exercises",
                     "external_relations")


def register_problems(ds: DatasetIn, scenarios: set[str]) -> list[tuple[tuple[str | int, ...],
                                                                         str]]:
    """What the registers refer to exists: states, bodies, categories, institutions,
    partners, scenarios, and the forces registry's units when the file has one."""
    states = {s.code for s in ds.states}
    bodies = {b.key for b in ds.bodies}
    out: list[tuple[tuple[str | int, ...], str]] = []

    def state(path: tuple[str | int, ...], code: str) -> None:
        if code not in states:
            out.append((path, f"unknown state {code!r}"))

    def body(path: tuple[str | int, ...], key: str) -> None:
        if key not in bodies:
            out.append((path, f"unknown body {key!r}"))

    def unique(section: str, items: list[Any], attr: str, *where: str | int) -> None:
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in first:
                out.append(((section, *where, i, attr),
                            f"{value!r} already defined at item {first[value]}"))
            first.setdefault(value, i)

    first_unit = (ds.organization.settings.get("response_targets") or {}).get("first_unit")
    for i, cat in enumerate(ds.crisis_categories):
        to_unit = sum(m for stage, m in cat.targets.items()
                      if stage in ("reported", "consultations", "assessment", "decision",
                                   "response"))
        if first_unit and "response" in cat.targets and to_unit > first_unit:
            out.append((("crisis_categories", i, "targets"),
                        f"the stage targets allow {to_unit} min from the report to the first "
                        f"unit, more than the response card's first_unit target "
                        f"({first_unit} min)"))
    agreements = {a.key for a in ds.agreements}
    for i, b in enumerate(ds.bodies):
        unknown_q = sorted(set(b.consultation.questions if b.consultation else ())
                           - {"default", *b.decision_rules})
        if unknown_q:
            out.append((("bodies", i, "consultation", "questions"),
                        f"no decision rule for {', '.join(unknown_q)}"))
        if b.limited_format and b.limited_format.introduced_by not in (None, *agreements):
            out.append((("bodies", i, "limited_format", "introduced_by"),
                        f"unknown agreement {b.limited_format.introduced_by!r}"))

    if pa := ds.parliamentary_assembly:
        body(("parliamentary_assembly", "body"), pa.body)
        for i, c in enumerate(pa.commissions):
            body(("parliamentary_assembly", "commissions", i), c)
        for i, o in enumerate(pa.observer_parliaments):
            state(("parliamentary_assembly", "observer_parliaments", i, "state"), o.state)
        unique("parliamentary_assembly", pa.model_laws, "key", "model_laws")
        for i, law in enumerate(pa.model_laws):
            where = ("parliamentary_assembly", "model_laws", i)
            if law.commission not in pa.commissions:
                out.append(((*where, "commission"), f"{law.commission!r} is not one of the "
                                                    f"Assembly's commissions"))
            seen: set[str] = set()
            for j, tr in enumerate(law.transposition):
                state((*where, "transposition", j, "state"), tr.state)
                if tr.state in seen:
                    out.append(((*where, "transposition", j, "state"),
                                f"{tr.state} is listed twice"))
                seen.add(tr.state)
        for i, fs in enumerate(pa.field_sessions):
            where = ("parliamentary_assembly", "field_sessions", i)
            if fs.commission not in pa.commissions:
                out.append(((*where, "commission"), f"{fs.commission!r} is not one of the "
                                                    f"Assembly's commissions"))
            state((*where, "state"), fs.state)
    if mt := ds.military_technical:
        unique("military_technical", mt.supplies, "key", "supplies")
        for i, sp in enumerate(mt.supplies):
            where = ("military_technical", "supplies", i)
            state((*where, "supplier"), sp.supplier)
            state((*where, "recipient"), sp.recipient)
            if sp.category not in mt.categories:
                out.append(((*where, "category"), f"unknown category {sp.category!r} "
                                                  f"(categories: {', '.join(mt.categories)})"))
        unique("military_technical", mt.programmes, "key", "programmes")
        for i, pr in enumerate(mt.programmes):
            for j, code in enumerate(pr.states):
                state(("military_technical", "programmes", i, "states", j), code)
    if tr := ds.training:
        unique("training", tr.institutions, "key", "institutions")
        institutions = {x.key: x for x in tr.institutions}
        for i, inst in enumerate(tr.institutions):
            state(("training", "institutions", i, "state"), inst.state)
        limits = {(lim.state, lim.type): lim.places for lim in tr.limits}
        for i, lim in enumerate(tr.limits):
            state(("training", "limits", i, "state"), lim.state)
        offered: dict[tuple[int, str, str], int] = {}
        seen_quota: dict[tuple[int, str], int] = {}
        for i, q in enumerate(tr.quotas):
            where = ("training", "quotas", i)
            inst = institutions.get(q.institution)
            if inst is None:
                out.append(((*where, "institution"), f"unknown institution {q.institution!r}"))
                continue
            if (q.year, q.institution) in seen_quota:
                out.append(((*where, "institution"),
                            f"{q.institution} {q.year} already offered at item "
                            f"{seen_quota[q.year, q.institution]}"))
            seen_quota.setdefault((q.year, q.institution), i)
            for j, a in enumerate(q.allocations):
                state((*where, "allocations", j, "state"), a.state)
            k = (q.year, inst.state, inst.type.value)
            offered[k] = offered.get(k, 0) + q.offered
            limit = limits.get((inst.state, inst.type))
            if limit is not None and offered[k] > limit:
                out.append(((*where, "offered"), f"{inst.state} offers {offered[k]} "
                                                 f"{inst.type.value} places in {q.year}, over "
                                                 f"its limit of {limit}"))
    if ds.exercises:
        units = _forces_units(ds)
        unique("exercises", ds.exercises, "key")
        for i, ex in enumerate(ds.exercises):
            where = ("exercises", i)
            state((*where, "host"), ex.host)
            if ex.scenario is not None and ex.scenario not in scenarios:
                out.append(((*where, "scenario"), f"unknown scenario {ex.scenario!r} "
                                                  f"(scenarios: {', '.join(sorted(scenarios))})"))
            for j, p in enumerate(ex.participants):
                for f, m in ex_rules.participant_problems(
                        ex_rules.Participant(p.state, p.formation, p.strength, p.unit),
                        states, units):
                    out.append(((*where, "participants", j, f), m))
            for j, f in enumerate(ex.findings):
                if f.owner != "secretariat" and f.owner not in bodies and f.owner not in states:
                    out.append(((*where, "findings", j, "owner"),
                                f"{f.owner!r} is neither a body, a state nor 'secretariat'"))
    if er := ds.external_relations:
        unique("external_relations", er.partners, "key", "partners")
        partners = {p.key for p in er.partners}
        for section, items in (("instruments", er.instruments), ("events", er.events)):
            for i, item in enumerate(items):
                if item.partner is not None and item.partner not in partners:
                    out.append((("external_relations", section, i, "partner"),
                                f"unknown partner {item.partner!r}"))
        for i, ev in enumerate(er.events):
            if ev.by is not None:
                body(("external_relations", "events", i, "by"), ev.by)
    return out


def _forces_units(ds: DatasetIn) -> set[str] | None:
    """The unit keys of the forces registry, or None when the file keeps none."""
    forces = getattr(ds, "forces", None)
    if forces is None:
        return None
    units = forces.get("units", []) if isinstance(forces, dict) else getattr(forces, "units",
                                                                              [])
    return {u["key"] if isinstance(u, dict) else u.key for u in units or []}

