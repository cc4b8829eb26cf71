"""The file as a whole: the organization header (with its arrears) and the dataset."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

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
from phalanx.dataset.schema.operations import CrisisCategoryIn, OperationIn
from phalanx.dataset.schema.registers import (
    ExerciseIn,
    ExternalRelationsIn,
    MilitaryTechnicalIn,
    ParliamentaryAssemblyIn,
    TrainingIn,
)
from phalanx.dataset.schema.settings import SettingsIn

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
NonEmptyText = Annotated[str, Field(min_length=1)]


class OrganizationIn(Model):
    key: str = Key
    name: TextIn
    abbreviation: TextIn
    founding_agreement: str
    settings: SettingsIn = SettingsIn()


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
