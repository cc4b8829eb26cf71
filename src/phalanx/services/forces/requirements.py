"""A crisis's force requirements, and each state's consent to the use of its units."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct, acts_for, is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import FINAL, Stage
from phalanx.domain.forces.boarding import Boarding
from phalanx.domain.forces.registry import (
    Consent,
    Scope,
    UnitFacts,
    consent_problems,
)
from phalanx.services import clock, offered_units, preconditions
from phalanx.services import crises as crs
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.forces import consent as consent_rules
from phalanx.services.forces import hosts
from phalanx.services.forces.airfields import apron_at, ground_times, landings
from phalanx.services.forces.registry import (
    Capability,
    bases,
)
from phalanx.services.types import InMoment

# --- requirements and consent ------------------------------------------------------------


class RequirementIn(BaseModel):
    """A force requirement, by task (`domain/forces/tasks.py`): `unit` — one unit of at
    least `strength`; `strength` — `strength` at the place, covered by one or more units
    (or parts of units where the formation sends detachments); `sites` — `sites` sites to
    guard, `strength` each. `state` with `state_rule`: only that state's units serve it
    (required), or they serve it first (preferred)."""

    capability: Capability
    strength: int = Field(ge=1, le=100_000, description="of the unit, of the strength at "
                          "the place, or of each site for a task of sites")
    place: str = Field(min_length=1, max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    node: str | None = Field(default=None, max_length=64)
    needed_by: InMoment
    task: Literal["unit", "strength", "sites"] = "unit"
    sites: int | None = Field(default=None, ge=1, le=500)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    state_rule: Literal["preferred", "required"] | None = None

    @model_validator(mode="after")
    def _task(self) -> RequirementIn:
        if (self.task == "sites") != (self.sites is not None):
            raise ValueError("give the number of sites with a task of sites, and only then")
        if (self.state is None) != (self.state_rule is None):
            raise ValueError("a state is given with its rule (preferred or required)")
        return self


class RequirementOut(BaseModel):
    id: int
    crisis_id: int
    capability: str
    strength: int
    place: str
    lat: float
    lon: float
    node: str | None
    needed_by: datetime
    task: str = "unit"
    sites: int | None = None
    state: str | None = None
    state_rule: str | None = None
    territory: str | None = None  # the member whose territory the place lies on, if any
    barred: str | None = None  # why forces may not go there now (`forces/hosts.py`)
    # a place without an airfield: the base (its key) where aircraft land for it, and the
    # hours by ground from there (`domain/forces/boarding.py`)
    lands: str | None = None
    lands_h: float | None = None
    # the airfield (its key) where its aircraft land that takes only so many on the ground
    # at once, its place or within 5 km of it (`domain/forces/apron.py`)
    apron: str | None = None


def _req_out(r: Any, territory: str | None = None, barred: str | None = None,
             lands: Boarding | None = None, apron: str | None = None) -> RequirementOut:
    return RequirementOut(id=r.id, crisis_id=r.crisis_id, capability=r.capability,
                          strength=r.strength, place=r.place, lat=r.lat, lon=r.lon,
                          node=r.node, needed_by=aware(r.needed_by), task=r.task,
                          sites=r.sites, state=r.state_code, state_rule=r.state_rule or None,
                          territory=territory, barred=barred,
                          lands=lands.base if lands else None,
                          lands_h=lands.hours if lands else None, apron=apron)


def _with_hosts(conn: Connection, crisis: Any, rows: list[Any]) -> list[RequirementOut]:
    """The requirements with the member whose territory each place lies on, why forces
    may not go there as things stand, and where aircraft land for a place without an
    airfield."""
    where = hosts.hosts(conn, rows)
    why = hosts.refusals(conn, crisis, rows, where=where)
    forces = orgs.organization(conn).forces
    lands = landings(forces, ground_times(forces), rows, where)
    out = []
    for r in rows:
        land = lands.get(str(r.id))
        out.append(_req_out(r, where.get(r.id), why.get(r.id), land,
                            apron_at(forces, land.place if land else (r.lat, r.lon))))
    return out


def requirements(conn: Connection, crisis_id: int, *, actor: Principal) -> list[RequirementOut]:
    row = crs.crisis_row(conn, crisis_id, actor)
    return _with_hosts(conn, row, list(conn.execute(
        select(t.force_requirement).where(t.force_requirement.c.crisis_id == crisis_id,
                                          t.force_requirement.c.withdrawn.is_(False))
        .order_by(t.force_requirement.c.id))))


def _by_staff(actor: Principal) -> None:
    if not is_staff(actor):
        raise Forbidden("force requirements are stated by the Joint Staff or the Secretariat")


def _still_open(conn: Connection, crisis_id: int, actor: Principal) -> Any:
    """The crisis, locked, while it is still being answered."""
    row = crs.crisis_row(conn, crisis_id, actor, lock=True)
    if Stage(row.stage) in FINAL:
        raise Conflict(f"crisis {crisis_id} is {row.stage}")
    return row


def add_requirement(db: Database, crisis_id: int, data: RequirementIn, *, actor: Principal,
                    at: datetime | None = None) -> RequirementOut:
    """The Joint Staff (or the Secretariat) states what forces the crisis needs."""
    at = at or now()
    _by_staff(actor)
    with db.write(actor) as w:
        row = _still_open(w.conn, crisis_id, actor)
        nodes = {b.key: b for b in bases(w.conn)}
        lat, lon = data.lat, data.lon
        if data.node is not None:
            if data.node not in nodes:
                raise Invalid("node", f"unknown base or node {data.node!r}")
            if lat is None or lon is None:
                lat, lon = nodes[data.node].lat, nodes[data.node].lon
        if lat is None or lon is None:
            lat, lon = row.lat, row.lon
        if lat is None or lon is None:
            raise Invalid("lat", "give the place's coordinates (lat, lon) or a known node")
        if aware(data.needed_by) < at - timedelta(days=1):
            raise Invalid("needed_by", "is in the past")
        if data.state is not None and data.state not in orgs.organization(w.conn).states:
            raise Invalid("state", f"unknown state {data.state!r}")
        rid = w.conn.execute(insert(t.force_requirement).values(
            crisis_id=crisis_id, capability=data.capability, strength=data.strength,
            place=data.place, lat=lat, lon=lon, node=data.node, needed_by=data.needed_by,
            created_by=actor.username, created_at=at, task=data.task, sites=data.sites,
            state_code=data.state, state_rule=data.state_rule or "").returning(
            t.force_requirement.c.id)).scalar_one()
        w.audit("forces.requirement", "crisis", crisis_id,
                {"requirement": rid, **data.model_dump(mode="json"), "lat": lat, "lon": lon})
        w.emit(f"crisis:{crisis_id}", "requirement", id=rid)
        return _with_hosts(w.conn, row, [w.conn.execute(select(t.force_requirement).where(
            t.force_requirement.c.id == rid)).one()])[0]


def withdraw_requirement(db: Database, crisis_id: int, requirement_id: int, *,
                         actor: Principal, at: datetime | None = None) -> list[int]:
    """The Joint Staff (or the Secretariat) takes back a requirement stated in error or no
    longer needed, before a plan serving it is decided (a decided plan's units move under
    it). The proposed plans made with it are set aside (superseded), as they plan what is
    no longer asked: the planner runs again. Returns the plans set aside."""
    at = at or now()
    _by_staff(actor)
    with db.write(actor) as w:
        _still_open(w.conn, crisis_id, actor)
        fr = t.force_requirement.c
        req = w.conn.execute(select(t.force_requirement).where(
            fr.id == requirement_id, fr.crisis_id == crisis_id, fr.withdrawn.is_(False))
            .with_for_update()).first()
        if req is None:
            raise NotFound("requirement", requirement_id)
        dp = t.deployment_plan.c
        plans = [p for p in w.conn.execute(select(t.deployment_plan).where(
            dp.kind == "deployment", dp.status.in_(("proposed", "decided")))
            .order_by(dp.id)) if crisis_id in (p.crises or [p.crisis_id])]
        for p in plans:
            if p.status == "decided" and any(m["requirement"] == requirement_id
                                             for m in p.movements):
                raise Conflict(f"requirement {requirement_id} is served by plan {p.id}, "
                               "decided: its units move under it")
        aside = [p.id for p in plans if p.status == "proposed"]
        w.conn.execute(update(t.force_requirement).where(fr.id == requirement_id)
                       .values(withdrawn=True))
        if aside:
            w.conn.execute(update(t.deployment_plan).where(dp.id.in_(aside))
                           .values(status="superseded"))
        w.audit("forces.requirement.withdraw", "crisis", crisis_id,
                {"requirement": requirement_id, "plans_set_aside": aside})
        w.emit(f"crisis:{crisis_id}", "requirement", id=requirement_id)
        return aside


class ConsentIn(BaseModel):
    scope: Scope
    units: list[str] = Field(default_factory=list, max_length=500)
    conditions: str = Field(default="", max_length=2000)


class ConsentOut(BaseModel):
    state: str
    scope: Scope
    units: list[str]
    conditions: str
    given_by: str
    given_at: datetime
    # who accepted the conditions for the Organization, and when (None: not accepted)
    conditions_accepted_by: str | None = None
    conditions_accepted_at: datetime | None = None
    version: str = Field(default="", description=(
        "this answer's version: send it as If-Match with a new answer that replaces it"))


def reads_consents(actor: Principal) -> bool:
    """Whether `actor` reads the members' answers on their units (`access.reads_consent`):
    a page says so rather than show an empty list as "no member has answered"."""
    return access.reads_consent(actor)


def consents(conn: Connection, crisis_id: int, *, actor: Principal) -> list[ConsentOut]:
    """The members' answers on their units, those the reader reads (a state's answer is
    its position: `access.reads_consent`, not an observer's or the public's); a unit the
    reader may not see is named by no key ("")."""
    crs.crisis_row(conn, crisis_id, actor)
    hidden = offered_units.hidden(conn, actor)
    return [ConsentOut(state=r.state_code, scope=Scope(r.scope),
                       units=["" if k in hidden else k for k in r.units],
                       conditions=r.conditions, given_by=r.given_by,
                       given_at=aware(r.given_at),
                       conditions_accepted_by=r.conditions_accepted_by,
                       conditions_accepted_at=(aware(r.conditions_accepted_at)
                                               if r.conditions_accepted_at else None),
                       version=preconditions.version_of(r.given_at) or "")
            for r in conn.execute(select(t.unit_consent)
                                  .where(t.unit_consent.c.crisis_id == crisis_id)
                                  .order_by(t.unit_consent.c.state_code))
            if access.reads_consent(actor, r.state_code)]


def _unit_facts(conn: Connection, actor: Principal) -> dict[str, UnitFacts]:
    constraint = {f["key"]: f.get("use_constraint", "none")
                  for f in orgs.organization(conn).forces.get("formations", [])}
    return {r.key: UnitFacts(r.key, r.state_code, r.formation,
                             constraint.get(r.formation, "none"), r.certified_until,
                             r.withdrawn)
            for r in conn.execute(access.select_visible(t.force_unit, actor))}


def give_consent(db: Database, crisis_id: int, state: str, data: ConsentIn, *,
                 actor: Principal, at: datetime | None = None,
                 expect: preconditions.Expect | None = None) -> ConsentOut:
    """A state makes its units available for the crisis: all, some (named), or none,
    with its conditions. Only that state's representative answers for it, and only a
    state asked (`consent.outside_crisis`: not a member, suspended, or out of the crisis's
    decision taken in a limited format, is not). A new answer
    needs its conditions accepted again (`consent.accept_conditions`). With `expect`, the
    answer it replaces must be the one the client read (`preconditions`)."""
    at = at or now()
    if not acts_for(actor, state, StateAct.CONSENT):
        raise Forbidden(f"only {state}'s representative decides whether its units take part")
    with db.write(actor) as w:
        row = crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        org = orgs.organization(w.conn)
        if state not in org.states:
            raise Invalid("state", f"unknown state {state!r}")
        if why := consent_rules.outside_crisis(w.conn, org, row, clock.day(org, at),
                                                [state], actor).get(state):
            raise Forbidden(why)
        consent = Consent(state, data.scope, frozenset(data.units), data.conditions)
        # a unit the representative may not see is unknown to it, whoever holds it
        problems = consent_problems([consent], _unit_facts(w.conn, actor))
        if problems:
            raise Invalid("units", "; ".join(problems))
        old = w.conn.execute(select(t.unit_consent).where(
            t.unit_consent.c.crisis_id == crisis_id, t.unit_consent.c.state_code == state)
        ).first()
        preconditions.check(expect, old.given_at if old is not None else None, state,
                            "crisis", crisis_id)
        values = {"scope": data.scope.value, "units": sorted(data.units),
                  "conditions": data.conditions, "given_by": actor.username, "given_at": at,
                  "conditions_accepted_by": None, "conditions_accepted_at": None}
        if old is None:
            w.conn.execute(insert(t.unit_consent).values(crisis_id=crisis_id,
                                                         state_code=state, **values))
        else:
            w.conn.execute(update(t.unit_consent).where(t.unit_consent.c.id == old.id)
                           .values(**values))
        w.audit("forces.consent", "crisis", crisis_id, {
            "state": state, "scope": data.scope.value, "units": sorted(data.units),
            "conditions": data.conditions,
            "before": None if old is None else {"scope": old.scope, "units": old.units}})
        crs.add_event(w, crisis_id, "consent",
                      f"{state}: units {data.scope.value}"
                      + (f" ({', '.join(sorted(data.units))})" if data.units else "")
                      + (f"; conditions: {data.conditions}" if data.conditions else ""), at)
        w.emit(f"crisis:{crisis_id}", "consent", state=state,
               classification=access.consent_classification(state))
        return ConsentOut(state=state, scope=data.scope, units=sorted(data.units),
                          conditions=data.conditions, given_by=actor.username, given_at=at,
                          version=preconditions.version_of(at) or "")



