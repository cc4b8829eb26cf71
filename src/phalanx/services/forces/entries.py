"""New entries of the registry of forces: a unit a member state has just assigned, an
aircraft of the lift, and a unit moved to another formation (`domain/forces/entries.py`
has the rules). Each is audited, and kept by a reload of the organization file
(`edited`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.adapters.db.forces_registry import aircraft_sidc
from phalanx.domain import membership as rules
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.forces import entries
from phalanx.domain.forces.registry import may_change
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.services.forces.commitments import taken_for_real
from phalanx.services.forces.registry import (
    AircraftOut,
    Capability,
    UnitOut,
    _aircraft_out,
    _unit_out,
    bases,
    unit_to_change,
)
from phalanx.services.types import Said

StateCode = Field(pattern=r"^[A-Z]{3}$")
FormationKey = Field(min_length=1, max_length=64)


class UnitIn(BaseModel):
    """A unit a member state has assigned to a formation; its key is assigned."""

    state: str = StateCode
    formation: str = FormationKey
    name: Said = Field(max_length=200)  # one of spaces only is none
    capability: Capability
    strength: int = Field(ge=1, le=100_000)
    readiness_h: float = Field(ge=0, le=24 * 365)
    weight_t: float = Field(gt=0, le=100_000, description="what it weighs to fly, tonnes")
    garrison: str = Field(min_length=1, max_length=64, description="a base of the dataset")
    certified_until: date | None = None
    note: str = Field(default="", max_length=2000)


class AircraftIn(BaseModel):
    """An aircraft of the lift: its kind is one of the lift's (its figures come with it)."""

    state: str = StateCode
    type: str = Field(min_length=1, max_length=64, description="a kind of the lift's")
    base: str = Field(min_length=1, max_length=64)
    formation: str | None = Field(default=None, min_length=1, max_length=64)


class FormationMove(BaseModel):
    formation: str = FormationKey
    revision: int | None = Field(default=None, ge=1, le=2_147_483_647, description=(
        "The unit's revision you read (optimistic lock)."))


def _members(conn: Connection) -> set[str]:
    return {m.state for m in rules.members_on(orgs.organization(conn), orgs.today(conn))}


def addable_states(conn: Connection, actor: Principal) -> list[str]:
    """The members whose units and aircraft `actor` may add (its own state, or for the
    staff every member)."""
    return sorted(s for s in _members(conn) if may_change(actor, s))


def lift_kinds(conn: Connection) -> list[str]:
    """The kinds of aircraft of the lift a new aircraft may be of."""
    return sorted(entries.aircraft_kinds(orgs.organization(conn).forces.get("aircraft", [])))


def _formations(conn: Connection) -> set[str]:
    return {f["key"] for f in orgs.organization(conn).forces.get("formations", [])}


def _refuse(problems: list[entries.Problem]) -> None:
    if problems:
        raise Invalid(*problems[0])


def _keyed(conn: Connection, table: Any, state: str, formation: str) -> tuple[str, int]:
    """A new row's key and position (after every other, whoever may read them)."""
    taken = {r.key for r in conn.execute(access.select_visible(table, SYSTEM, table.c.key))}
    last = conn.execute(select(func.max(table.c.position))).scalar() or 0
    return entries.assigned_key(state, formation, taken), last + 1


def _classified(state: str) -> dict[str, Any]:
    return access.classification_values(
        Classification(OwnerKind.STATE, state, Marking.ORGANIZATION))


def add_unit(db: Database, data: UnitIn, *, actor: Principal) -> UnitOut:
    """Add a unit its state has assigned: that state's representative or the staff."""
    if not may_change(actor, data.state):
        raise Forbidden(entries.add_refused(data.state, "units"))
    with db.write(actor) as w:
        places = {b.key: b for b in bases(w.conn)}
        _refuse(entries.unit_problems(
            state=data.state, formation=data.formation, garrison=data.garrison,
            members=_members(w.conn), formations=_formations(w.conn), bases=places))
        key, position = _keyed(w.conn, t.force_unit, data.state, data.formation)
        home = places[data.garrison]
        symbols = orgs.organization(w.conn).forces.get("symbols", {})
        values = {**data.model_dump(exclude={"state"}), "state_code": data.state,
                  "key": key, "position": position, "lat": home.lat, "lon": home.lon,
                  "outsize": False, "sidc": symbols.get(data.capability, "SFGPU----------"),
                  "withdrawn": False, "edited": True, "revision": 1,
                  **_classified(data.state)}
        w.conn.execute(insert(t.force_unit).values(**values))
        w.audit("forces.unit.create", "force_unit", key, {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in data.model_dump().items()})
        w.emit("forces", "unit", key=key)
        return _unit_out(w.conn.execute(access.select_visible(t.force_unit, actor)
                                        .where(t.force_unit.c.key == key)).one())


def move_unit(db: Database, key: str, data: FormationMove, *, actor: Principal) -> UnitOut:
    """Move a unit to another formation (its state's representative or the staff);
    refused while a decided plan in force counts it for the formation it leaves."""
    with db.write(actor) as w:
        row = unit_to_change(w, key, data.revision)
        _refuse([p for p in [entries.move_problem(key, row.formation, data.formation,
                                                   _formations(w.conn))] if p])
        if key in taken_for_real(w.conn, now()):
            raise Conflict(entries.held_refusal(key, row.formation))
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == key).values(
            formation=data.formation, edited=True, revision=row.revision + 1))
        w.audit("forces.unit.move", "force_unit", key, {
            "before": {"formation": row.formation}, "after": {"formation": data.formation}})
        w.emit("forces", "unit", key=key)
        return _unit_out(w.conn.execute(access.select_visible(t.force_unit, actor)
                                        .where(t.force_unit.c.key == key)).one())


def add_aircraft(db: Database, data: AircraftIn, *, actor: Principal) -> AircraftOut:
    """Add an aircraft of the lift: its state's representative or the staff."""
    if not may_change(actor, data.state):
        raise Forbidden(entries.add_refused(data.state, "aircraft"))
    with db.write(actor) as w:
        forces = orgs.organization(w.conn).forces
        kinds = entries.aircraft_kinds(forces.get("aircraft", []))
        _refuse(entries.aircraft_problems(
            state=data.state, kind=data.type, base=data.base, formation=data.formation,
            members=_members(w.conn), kinds=kinds, formations=_formations(w.conn),
            bases={b.key for b in bases(w.conn)}))
        key, position = _keyed(w.conn, t.force_aircraft, data.state,
                               data.formation or "lift")
        figures = kinds[data.type]
        w.conn.execute(insert(t.force_aircraft).values(
            key=key, position=position, formation=data.formation, state_code=data.state,
            type=data.type, base=data.base, **figures,
            sidc=aircraft_sidc(figures), withdrawn=False, edited=True,
            **_classified(data.state)))
        w.audit("forces.aircraft.create", "force_aircraft", key, data.model_dump())
        w.emit("forces", "aircraft", key=key)
    return _aircraft_out(db, key, actor)

