"""The registry of forces and means: formations, units, lift, bases; edits by the owning
state or the Joint Staff."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.domain.forces.registry import (
    may_change,
)
from phalanx.services import organization as orgs
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

Capability = Literal["motorized_rifle", "airborne", "special_police", "special_forces",
                     "emergency_rescue", "anti_drug", "engineer", "medical", "aviation"]


# --- the registry --------------------------------------------------------------------------


class UnitOut(BaseModel):
    key: str
    formation: str
    state: str
    name: str
    capability: str
    strength: int
    garrison: str | None
    lat: float
    lon: float
    readiness_h: float
    weight_t: float
    outsize: bool
    certified_until: date | None
    sidc: str
    note: str
    withdrawn: bool
    edited: bool
    revision: int
    marking: str = Field(default="ORGANIZATION", description=(
        "NATIONAL: kept by its state, read by that state alone"))


class AircraftOut(BaseModel):
    key: str
    formation: str | None
    state: str
    type: str
    role: str
    helicopter: bool
    base: str
    lat: float | None
    lon: float | None
    payload_t: float | None
    speed_kmh: float | None
    range_km: float | None
    turnaround_h: float
    sidc: str
    withdrawn: bool


class FormationOut(BaseModel):
    key: str
    name: str
    name_ru: str
    abbreviation: str
    abbreviation_ru: str = ""
    decided: date | None
    declared_strength: int | None
    listed_strength: int = Field(description="the strength of the formation's units in the "
                                 "registry that the reader reads, those withdrawn left out")
    units: int = Field(description="how many such units")
    use_constraint: str
    illustrative_composition: bool
    note: str
    source: str


class BaseOut(BaseModel):
    key: str
    name: str
    name_ru: str = ""
    icao: str | None
    state: str
    kind: str
    lat: float
    lon: float
    # aircraft it takes on the ground at once where they land (`domain/forces/apron.py`);
    # null: not limited
    apron: int | None = None


def _unit_out(r: Any) -> UnitOut:
    return UnitOut(key=r.key, formation=r.formation, state=r.state_code, name=r.name,
                   capability=r.capability, strength=r.strength, garrison=r.garrison,
                   lat=r.lat, lon=r.lon, readiness_h=r.readiness_h, weight_t=r.weight_t,
                   outsize=r.outsize, certified_until=r.certified_until, sidc=r.sidc,
                   note=r.note, withdrawn=r.withdrawn, edited=r.edited, revision=r.revision,
                   marking=r.marking)


def units(conn: Connection, *, actor: Principal, state: str | None = None,
          formation: str | None = None) -> list[UnitOut]:
    stmt = access.select_visible(t.force_unit, actor).order_by(t.force_unit.c.position,
                                                               t.force_unit.c.key)
    if state:
        stmt = stmt.where(t.force_unit.c.state_code == state)
    if formation:
        stmt = stmt.where(t.force_unit.c.formation == formation)
    return [_unit_out(r) for r in conn.execute(stmt)]


def unit(conn: Connection, key: str, *, actor: Principal) -> UnitOut:
    r = conn.execute(access.select_visible(t.force_unit, actor)
                     .where(t.force_unit.c.key == key)).first()
    if r is None:
        raise NotFound("unit", key)
    return _unit_out(r)


def bases(conn: Connection) -> list[BaseOut]:
    forces = orgs.organization(conn).forces
    return [BaseOut(key=b["key"], name=b["name"], name_ru=b.get("name_ru", ""),
                    icao=b.get("icao"), state=b["state"],
                    kind=b["kind"], lat=b["lat"], lon=b["lon"], apron=b.get("apron"))
            for b in forces.get("bases", [])]


def aircraft(conn: Connection, *, actor: Principal) -> list[AircraftOut]:
    where = {b.key: b for b in bases(conn)}
    out = []
    for r in conn.execute(access.select_visible(t.force_aircraft, actor)
                          .order_by(t.force_aircraft.c.position)):
        b = where.get(r.base)
        out.append(AircraftOut(
            key=r.key, formation=r.formation, state=r.state_code, type=r.type, role=r.role,
            helicopter=r.helicopter, base=r.base, lat=b.lat if b else None,
            lon=b.lon if b else None, payload_t=r.payload_t, speed_kmh=r.speed_kmh,
            range_km=r.range_km, turnaround_h=r.turnaround_h, sidc=r.sidc,
            withdrawn=r.withdrawn))
    return out


def formations(conn: Connection, *, actor: Principal,
               of: list[UnitOut] | None = None) -> list[FormationOut]:
    """The formations, each with the units the reader reads (`of`: those units, as they
    stood on a past day: `registry_history.formations_on`)."""
    forces = orgs.organization(conn).forces
    listed: dict[str, list[UnitOut]] = {}
    for u in units(conn, actor=actor) if of is None else of:
        if not u.withdrawn:  # a unit withdrawn stays in the registry, no longer in force
            listed.setdefault(u.formation, []).append(u)
    out = []
    for f in forces.get("formations", []):
        mine = listed.get(f["key"], [])
        abbr = f.get("abbreviation") or {}
        out.append(FormationOut(
            key=f["key"], name=f["name"]["en"], name_ru=f["name"].get("ru", ""),
            abbreviation=abbr.get("en", ""), abbreviation_ru=abbr.get("ru", ""),
            decided=f.get("decided"),
            declared_strength=f.get("declared_strength"),
            listed_strength=sum(u.strength for u in mine), units=len(mine),
            use_constraint=f.get("use_constraint", "none"),
            illustrative_composition=f.get("illustrative_composition", False),
            note=f.get("note", ""), source=f.get("source", "")))
    return out


class UnitPatch(BaseModel):
    strength: int | None = Field(default=None, ge=1, le=100_000)
    readiness_h: float | None = Field(default=None, ge=0, le=24 * 365)
    weight_t: float | None = Field(default=None, gt=0, le=100_000)
    certified_until: date | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    # a base of the dataset: the unit is there (its place, unless lat and lon are given)
    # and boards from there (`domain/forces/boarding.py`)
    garrison: str | None = Field(default=None, min_length=1, max_length=64)
    withdrawn: bool | None = None
    note: str | None = Field(default=None, max_length=2000)
    revision: int | None = Field(default=None, ge=1, le=2_147_483_647)


class _Unchanged(Exception):
    """What was sent is what the registry holds: nothing is written (nor audited)."""


def update_unit(db: Database, key: str, patch: UnitPatch, *, actor: Principal) -> UnitOut:
    """Change a unit: its own state's representative, or the Joint Staff and Secretariat.
    A withdrawal takes the unit out of every plan not yet under way (re-plan to apply)."""
    try:
        return _update_unit(db, key, patch, actor=actor)
    except _Unchanged:
        with db.read() as conn:
            return unit(conn, key, actor=actor)


def unit_to_change(w: Write, key: str, revision: int | None) -> Any:
    """The unit `key` locked for a change by the writer (one it reads: another is not
    found), its state's representative or the Joint Staff, at `revision` if given."""
    stmt = access.select_visible(t.force_unit, w.actor).where(t.force_unit.c.key == key)
    row = w.conn.execute(stmt.with_for_update()).first()
    if row is None:
        raise NotFound("unit", key)
    if not may_change(w.actor, row.state_code):
        raise Forbidden(f"only {row.state_code}'s representative or the Joint Staff "
                        "change this unit")
    if revision is not None and revision != row.revision:
        raise Conflict(f"unit {key} was changed meanwhile (revision {row.revision})")
    return row


def _update_unit(db: Database, key: str, patch: UnitPatch, *, actor: Principal) -> UnitOut:
    with db.write(actor) as w:
        row = unit_to_change(w, key, patch.revision)
        if not patch.model_dump(exclude_none=True, exclude={"revision"}):
            raise Invalid("body", "nothing to change")
        # what differs from the registry: a form sends every field, and the trail says
        # what was changed, not what was sent again as it was
        sent = patch.model_dump(exclude_none=True, exclude={"revision"})
        sent.update(_placed(w.conn, row, patch))
        values = {k: v for k, v in sent.items() if getattr(row, k) != v}
        if not values:
            raise _Unchanged
        change = {k: _jsonable(v) for k, v in values.items()}
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == key).values(
            **values, edited=True, revision=row.revision + 1))
        w.audit("forces.unit.update", "force_unit", key, {
            "before": {k: _jsonable(getattr(row, k)) for k in change}, "after": change})
        w.emit("forces", "unit", key=key)
        return _unit_out(w.conn.execute(access.select_visible(t.force_unit, actor)
                                        .where(t.force_unit.c.key == key)).one())


def _placed(conn: Connection, row: Any, patch: UnitPatch) -> dict[str, Any]:
    """Where a unit moved is, and where it boards from: a new garrison brings its place
    (unless given); a place given alone, away from the garrison, leaves the garrison, or
    the unit would go on boarding where it no longer is."""
    places = {b.key: b for b in bases(conn)}
    if patch.garrison is not None and patch.garrison != row.garrison:
        home = places.get(patch.garrison)
        if home is None:
            raise Invalid("garrison", f"unknown base {patch.garrison!r}")
        return {"lat": patch.lat if patch.lat is not None else home.lat,
                "lon": patch.lon if patch.lon is not None else home.lon}
    home = places.get(row.garrison or "")
    lat = patch.lat if patch.lat is not None else row.lat
    lon = patch.lon if patch.lon is not None else row.lon
    if home is not None and (patch.lat is not None or patch.lon is not None) \
            and (abs(lat - home.lat) > 1e-4 or abs(lon - home.lon) > 1e-4):
        return {"garrison": None}
    return {}


class AircraftPatch(BaseModel):
    base: str | None = Field(default=None, min_length=1, max_length=64)
    payload_t: float | None = Field(default=None, gt=0, le=1000)
    speed_kmh: float | None = Field(default=None, gt=0, le=3000)
    range_km: float | None = Field(default=None, gt=0, le=20_000)
    turnaround_h: float | None = Field(default=None, ge=0, le=48)
    withdrawn: bool | None = None


def update_aircraft(db: Database, key: str, patch: AircraftPatch, *,
                    actor: Principal) -> AircraftOut:
    """Change a lift asset (its state's representative or the Joint Staff): moved to
    another base, withdrawn, its figures corrected. Audited."""
    with contextlib.suppress(_Unchanged):
        _update_aircraft(db, key, patch, actor=actor)
    return _aircraft_out(db, key, actor)


def _update_aircraft(db: Database, key: str, patch: AircraftPatch, *,
                     actor: Principal) -> None:
    with db.write(actor) as w:
        stmt = access.select_visible(t.force_aircraft, actor).where(
            t.force_aircraft.c.key == key)
        row = w.conn.execute(stmt.with_for_update()).first()
        if row is None:
            raise NotFound("aircraft", key)
        if not may_change(actor, row.state_code):
            raise Forbidden(f"only {row.state_code}'s representative or the Joint Staff "
                            "change this aircraft")
        sent = patch.model_dump(exclude_none=True)
        if not sent:
            raise Invalid("body", "nothing to change")
        if patch.base is not None and patch.base not in {b.key for b in bases(w.conn)}:
            raise Invalid("base", f"unknown base {patch.base!r}")
        change = {k: v for k, v in sent.items() if getattr(row, k) != v}  # as for a unit
        if not change:
            raise _Unchanged
        w.conn.execute(update(t.force_aircraft).where(t.force_aircraft.c.key == key)
                       .values(**change, edited=True))
        w.audit("forces.aircraft.update", "force_aircraft", key, {
            "before": {k: getattr(row, k) for k in change}, "after": change})
        w.emit("forces", "aircraft", key=key)


def _aircraft_out(db: Database, key: str, actor: Principal) -> AircraftOut:
    with db.read() as conn:
        return next(a for a in aircraft(conn, actor=actor) if a.key == key)


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


