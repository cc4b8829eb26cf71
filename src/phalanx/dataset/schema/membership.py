"""Member states, offices, agreements and their parties, membership events and contributions."""

from __future__ import annotations

from datetime import date
from typing import Literal

import pycountry
from pydantic import Field, field_validator, model_validator

from phalanx.dataset.schema.base import Key, Model, TextIn
from phalanx.domain.organization import AgreementKind, EventKind, PartyStatus


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


class AgreementModIn(Model):
    """What an agreement does to an earlier one, from its own entry into force."""

    agreement: str
    effect: Literal["amends", "extends", "suspends", "repeals"]


class AgreementIn(Model):
    key: str = Key
    title: TextIn
    kind: AgreementKind
    signed: date
    place: str = ""
    in_force: date | None = None
    term_years: int | None = Field(default=None, ge=1)
    modifies: AgreementModIn | None = None
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
