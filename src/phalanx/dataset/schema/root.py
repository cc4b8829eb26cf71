"""The file as a whole: the organization header (with its arrears) and the dataset."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from phalanx.dataset.schema.base import Key, Model, TextIn
from phalanx.dataset.schema.bodies import BodyIn, ExternalStatusIn, HistoricalCountIn, PostIn
from phalanx.dataset.schema.forces import ForcesIn
from phalanx.dataset.schema.membership import (
    AgreementIn,
    ContributionIn,
    EventIn,
    OfficeIn,
    StateIn,
)
from phalanx.dataset.schema.operations import (
    ConsentExemptIn,
    CrisisCategoryIn,
    ObligationExemptIn,
    OperationIn,
)
from phalanx.dataset.schema.registers import (
    ExerciseIn,
    ExternalRelationsIn,
    MilitaryTechnicalIn,
    ParliamentaryAssemblyIn,
    TrainingIn,
)

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
NonEmptyText = Annotated[str, Field(min_length=1)]


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
        checked = [(f"in_arrears.{i}", ArrearsIn, entry)
                   for i, entry in enumerate(value.get("in_arrears", []) or [])]
        if "obligation_exempt" in value:
            checked.append(("obligation_exempt", ObligationExemptIn,
                            value["obligation_exempt"]))
        if "consent_exempt" in value:
            checked.append(("consent_exempt", ConsentExemptIn, value["consent_exempt"]))
        for path, model, entry in checked:
            try:
                model.model_validate(entry)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ValueError(f"{path}{'.' + where if where else ''}: "
                                 f"{first['msg']}") from None
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
    # the texts above given in English alone, in another working language: for each
    # language code, each English text as written above and its translation
    translations: dict[Language, dict[NonEmptyText, NonEmptyText]] = {}
