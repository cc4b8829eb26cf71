"""The year-round registers: Parliamentary Assembly, military-technical cooperation, training,
exercises and external relations."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from phalanx.dataset.schema.base import Key, Model, TextIn
from phalanx.domain.registers import exercises as ex_rules
from phalanx.domain.registers import parliament as pa_rules
from phalanx.domain.registers import quotas as quota_rules
from phalanx.domain.registers import supply as supply_rules

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
    # the supply's currency; none given: the register's (`MilitaryTechnicalIn.currency`)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
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
    # the currency the register's totals are in (ISO 4217) and its supplies' when they
    # name none; values in another currency are totalled apart, never added to these
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    notes: list[MtcNoteIn] = []
    supplies: list[SupplyIn] = []
    programmes: list[ProgrammeIn] = []

    @model_validator(mode="before")
    @classmethod
    def _currency(cls, data: Any) -> Any:
        """A supply naming no currency is in the register's."""
        if not isinstance(data, dict) or not isinstance(data.get("supplies"), list):
            return data
        theirs = data.get("currency", "USD")
        return {**data, "supplies": [
            {**sp, "currency": theirs} if isinstance(sp, dict) and sp.get("currency") is None
            else sp for sp in data["supplies"]]}


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
