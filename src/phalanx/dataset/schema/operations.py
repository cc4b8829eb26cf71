"""Crisis categories and the joint operations with their stages, totals and observers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from phalanx.dataset.schema.base import Cited, Key, Model, TextIn

NonEmpty = Annotated[str, Field(min_length=1)]
CapCategory = Literal["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
                      "Transport", "Infra", "CBRNE", "Other"]


class ConsultFirstIn(Cited):
    """Whether a crisis of the category is rejected only after the members consult
    (`workflow.refusals`): cited, or marked `setting: true`."""

    required: bool = True
    UNCITED = ("consult_first cites its source (`source:`) or is marked "
               "`setting: true`")


class ObligationExemptIn(Cited):
    """The members left out of the art. 4 obligation (`organization.settings.
    obligation_exempt`): by their membership status on the day it arose; cited, or a
    setting. Absent: every member bound on the day but the affected ones owes an answer."""

    statuses: list[Literal["suspended", "not_taking_part"]] = Field(min_length=1)
    UNCITED = ("obligation_exempt cites its source (`source:`) or is marked "
               "`setting: true`")


class ConsentExemptIn(Cited):
    """The members not asked whether their units take part in a response, whose units
    take none (`organization.settings.consent_exempt`): by their membership status on the
    day; cited, or a setting. Absent: every member is asked (a non-member never is)."""

    statuses: list[Literal["suspended", "not_taking_part"]] = Field(min_length=1)
    UNCITED = ("consent_exempt cites its source (`source:`) or is marked "
               "`setting: true`")


class CrisisCategoryIn(Model):
    key: str = Key
    name: TextIn
    basis: TextIn | NonEmpty  # both working languages, or English alone
    convene: list[str] = Field(min_length=1)
    measures: list[Literal["political", "informational", "humanitarian", "logistic",
                           "military_crrf", "military_peacekeeping"]] = Field(min_length=1)
    obligation: TextIn | NonEmpty
    obliged: Literal["all_members", "volunteers"]
    # absent: a crisis of the category may be rejected at "reported" without consultations
    # (unless it is one of collective defence)
    consult_first: ConsultFirstIn | None = None
    targets: dict[Literal["reported", "consultations", "assessment", "decision", "response",
                          "deployed", "monitoring"], int] = {}
    # the CAP 1.2 categories (§3.2.2) an alert is filed under it by; the first is the
    # one its crisis is written with (none: read from none, written as Security)
    cap_categories: list[CapCategory] = []
    # the agreement that made the category (an agreement's key; absent: it always existed):
    # no crisis of it is reported before that agreement applies
    introduced_by: str | None = None
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
