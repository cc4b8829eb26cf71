"""Forces and means: capabilities, bases, ground times, formations, units and aircraft."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from phalanx.dataset.schema.base import Cited, Key, Model, TextIn

Capability = Literal["motorized_rifle", "airborne", "special_police", "special_forces",
                     "emergency_rescue", "anti_drug", "engineer", "medical", "aviation"]
SIDC = Field(default=None, pattern=r"^[SIOEGW][A-Z\-][A-Z\-][A-Z\-][A-Z0-9\-]{6}[A-Z\-*]{2}"
                                  r"[A-Z\-*]{2}[A-Z\-*]$")


class BaseIn(Model):
    """An airfield (coordinates from its ICAO code) or a garrison or node (coordinates)."""

    key: str = Key
    name: str = Field(min_length=1)
    name_ru: str = ""  # its name in Russian, where it has one
    icao: str | None = Field(default=None, pattern=r"^[A-Z0-9]{4}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    state: str
    kind: Literal["airbase", "airfield", "garrison", "node"]
    # how many aircraft it takes on the ground at once where they land to unload (a
    # planning figure, setting: `domain/forces/apron.py`); none: not limited
    apron: int | None = Field(default=None, ge=1, le=500)
    note: str = ""

    @model_validator(mode="after")
    def _placed(self) -> BaseIn:
        if self.icao is None and (self.lat is None or self.lon is None):
            raise ValueError("give an ICAO code or both lat and lon")
        if self.apron is not None and self.kind not in ("airbase", "airfield"):
            raise ValueError("only an air base or an airfield has an apron")
        return self


class GroundTimeIn(Model):
    from_: str = Field(alias="from")
    to: str
    mode: Literal["road", "rail"]
    hours: float = Field(gt=0, le=24 * 30)


class DetachmentIn(Cited):
    """The smallest detachment a formation's units may send alone (a unit is then planned
    as parts of that strength, `domain/forces/tasks.py`); cited, or a setting."""

    strength: int = Field(ge=1, le=100_000)
    UNCITED = ("a detachment strength cites its source (`source:`) or is "
               "marked `setting: true`")


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
