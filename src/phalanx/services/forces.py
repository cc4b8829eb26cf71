"""Forces and means: the registry, each state's consent per crisis, a crisis's force
requirements, and the deployment planner's runs attached to the crisis.

A planner run takes every crisis still being answered that has force requirements: they
compete for the same units and aircraft. Movements of decided plans already under way
are kept (`improve.repair`). A run is stored as *proposed*; once decided it is the
crisis's deployment, whose progress the crisis room shows, and it commits units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct, acts_for, is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import FINAL, Measure, Stage
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces.improve import Result, repair, solve
from phalanx.domain.forces.registry import (
    CAPABILITIES,
    Consent,
    CrisisFacts,
    Scope,
    UnitFacts,
    availability,
    consent_problems,
    crisis_weight,
    may_change,
)
from phalanx.services import crises as crs
from phalanx.services import crisis_requests
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound, missing_as

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
    decided: date | None
    declared_strength: int | None
    listed_strength: int
    units: int
    use_constraint: str
    illustrative_composition: bool
    note: str
    source: str


class BaseOut(BaseModel):
    key: str
    name: str
    icao: str | None
    state: str
    kind: str
    lat: float
    lon: float


def _unit_out(r: Any) -> UnitOut:
    return UnitOut(key=r.key, formation=r.formation, state=r.state_code, name=r.name,
                   capability=r.capability, strength=r.strength, garrison=r.garrison,
                   lat=r.lat, lon=r.lon, readiness_h=r.readiness_h, weight_t=r.weight_t,
                   outsize=r.outsize, certified_until=r.certified_until, sidc=r.sidc,
                   note=r.note, withdrawn=r.withdrawn, edited=r.edited, revision=r.revision)


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
    return [BaseOut(key=b["key"], name=b["name"], icao=b.get("icao"), state=b["state"],
                    kind=b["kind"], lat=b["lat"], lon=b["lon"])
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


def formations(conn: Connection, *, actor: Principal) -> list[FormationOut]:
    forces = orgs.organization(conn).forces
    listed: dict[str, list[UnitOut]] = {}
    for u in units(conn, actor=actor):
        listed.setdefault(u.formation, []).append(u)
    out = []
    for f in forces.get("formations", []):
        mine = listed.get(f["key"], [])
        abbr = f.get("abbreviation") or {}
        out.append(FormationOut(
            key=f["key"], name=f["name"]["en"], name_ru=f["name"].get("ru", ""),
            abbreviation=abbr.get("en", ""), decided=f.get("decided"),
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
    withdrawn: bool | None = None
    note: str | None = Field(default=None, max_length=2000)
    revision: int | None = Field(default=None, ge=1, le=2_147_483_647)


def update_unit(db: Database, key: str, patch: UnitPatch, *, actor: Principal) -> UnitOut:
    """Change a unit: its own state's representative, or the Joint Staff and Secretariat.
    A withdrawal takes the unit out of every plan not yet under way (re-plan to apply)."""
    with db.write(actor) as w:
        stmt = access.select_visible(t.force_unit, actor).where(t.force_unit.c.key == key)
        row = w.conn.execute(stmt.with_for_update()).first()
        if row is None:
            raise NotFound("unit", key)
        if not may_change(actor, row.state_code):
            raise Forbidden(f"only {row.state_code}'s representative or the Joint Staff "
                            "change this unit")
        if patch.revision is not None and patch.revision != row.revision:
            raise Conflict(f"unit {key} was changed meanwhile (revision {row.revision})")
        change = patch.model_dump(exclude_none=True, exclude={"revision"}, mode="json")
        if not change:
            raise Invalid("body", "nothing to change")
        values = patch.model_dump(exclude_none=True, exclude={"revision"})
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == key).values(
            **values, edited=True, revision=row.revision + 1))
        w.audit("forces.unit.update", "force_unit", key, {
            "before": {k: _jsonable(getattr(row, k)) for k in change}, "after": change})
        w.emit("forces", "unit", key=key)
        return _unit_out(w.conn.execute(access.select_visible(t.force_unit, actor)
                                        .where(t.force_unit.c.key == key)).one())


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
    with db.write(actor) as w:
        stmt = access.select_visible(t.force_aircraft, actor).where(
            t.force_aircraft.c.key == key)
        row = w.conn.execute(stmt.with_for_update()).first()
        if row is None:
            raise NotFound("aircraft", key)
        if not may_change(actor, row.state_code):
            raise Forbidden(f"only {row.state_code}'s representative or the Joint Staff "
                            "change this aircraft")
        change = patch.model_dump(exclude_none=True, mode="json")
        if not change:
            raise Invalid("body", "nothing to change")
        if patch.base is not None and patch.base not in {b.key for b in bases(w.conn)}:
            raise Invalid("base", f"unknown base {patch.base!r}")
        w.conn.execute(update(t.force_aircraft).where(t.force_aircraft.c.key == key)
                       .values(**patch.model_dump(exclude_none=True), edited=True))
        w.audit("forces.aircraft.update", "force_aircraft", key, {
            "before": {k: getattr(row, k) for k in change}, "after": change})
        w.emit("forces", "aircraft", key=key)
    with db.read() as conn:
        return next(a for a in aircraft(conn, actor=actor) if a.key == key)


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


# --- requirements and consent ------------------------------------------------------------


class RequirementIn(BaseModel):
    capability: Capability
    strength: int = Field(ge=1, le=100_000)
    place: str = Field(min_length=1, max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    node: str | None = Field(default=None, max_length=64)
    needed_by: datetime


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


def _req_out(r: Any) -> RequirementOut:
    return RequirementOut(id=r.id, crisis_id=r.crisis_id, capability=r.capability,
                          strength=r.strength, place=r.place, lat=r.lat, lon=r.lon,
                          node=r.node, needed_by=aware(r.needed_by))


def requirements(conn: Connection, crisis_id: int, *, actor: Principal) -> list[RequirementOut]:
    crs.crisis_row(conn, crisis_id, actor)
    return [_req_out(r) for r in conn.execute(
        select(t.force_requirement).where(t.force_requirement.c.crisis_id == crisis_id,
                                          t.force_requirement.c.withdrawn.is_(False))
        .order_by(t.force_requirement.c.id))]


def add_requirement(db: Database, crisis_id: int, data: RequirementIn, *, actor: Principal,
                    at: datetime | None = None) -> RequirementOut:
    """The Joint Staff (or the Secretariat) states what forces the crisis needs."""
    at = at or now()
    if not is_staff(actor):
        raise Forbidden("force requirements are stated by the Joint Staff or the Secretariat")
    with db.write(actor) as w:
        row = crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        if Stage(row.stage) in FINAL:
            raise Conflict(f"crisis {crisis_id} is {row.stage}")
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
        rid = w.conn.execute(insert(t.force_requirement).values(
            crisis_id=crisis_id, capability=data.capability, strength=data.strength,
            place=data.place, lat=lat, lon=lon, node=data.node, needed_by=data.needed_by,
            created_by=actor.username, created_at=at).returning(
            t.force_requirement.c.id)).scalar_one()
        w.audit("forces.requirement", "crisis", crisis_id,
                {"requirement": rid, **data.model_dump(mode="json"), "lat": lat, "lon": lon})
        w.emit(f"crisis:{crisis_id}", "requirement", id=rid)
        return _req_out(w.conn.execute(select(t.force_requirement)
                                       .where(t.force_requirement.c.id == rid)).one())


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


def consents(conn: Connection, crisis_id: int, *, actor: Principal) -> list[ConsentOut]:
    crs.crisis_row(conn, crisis_id, actor)
    return [ConsentOut(state=r.state_code, scope=Scope(r.scope), units=list(r.units),
                       conditions=r.conditions, given_by=r.given_by,
                       given_at=aware(r.given_at))
            for r in conn.execute(select(t.unit_consent)
                                  .where(t.unit_consent.c.crisis_id == crisis_id)
                                  .order_by(t.unit_consent.c.state_code))]


def _unit_facts(conn: Connection, actor: Principal) -> dict[str, UnitFacts]:
    constraint = {f["key"]: f.get("use_constraint", "none")
                  for f in orgs.organization(conn).forces.get("formations", [])}
    return {r.key: UnitFacts(r.key, r.state_code, r.formation,
                             constraint.get(r.formation, "none"), r.certified_until,
                             r.withdrawn)
            for r in conn.execute(access.select_visible(t.force_unit, actor))}


def give_consent(db: Database, crisis_id: int, state: str, data: ConsentIn, *,
                 actor: Principal, at: datetime | None = None) -> ConsentOut:
    """A state makes its units available for the crisis: all, some (named), or none,
    with its conditions. Only that state's representative answers for it."""
    at = at or now()
    if not acts_for(actor, state, StateAct.CONSENT):
        raise Forbidden(f"only {state}'s representative decides whether its units take part")
    with db.write(actor) as w:
        crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        if state not in orgs.organization(w.conn).states:
            raise Invalid("state", f"unknown state {state!r}")
        consent = Consent(state, data.scope, frozenset(data.units), data.conditions)
        problems = consent_problems([consent], _unit_facts(w.conn, SYSTEM))
        if problems:
            raise Invalid("units", "; ".join(problems))
        old = w.conn.execute(select(t.unit_consent).where(
            t.unit_consent.c.crisis_id == crisis_id, t.unit_consent.c.state_code == state)
        ).first()
        values = {"scope": data.scope.value, "units": sorted(data.units),
                  "conditions": data.conditions, "given_by": actor.username, "given_at": at}
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
        w.emit(f"crisis:{crisis_id}", "consent", state=state)
        return ConsentOut(state=state, scope=data.scope, units=sorted(data.units),
                          conditions=data.conditions, given_by=actor.username, given_at=at)



# --- planning ------------------------------------------------------------------------------


class MovementOut(BaseModel):
    requirement: int
    crisis_id: int
    unit: str
    state: str
    mode: str
    depart: datetime | None
    arrive: datetime
    arrive_h: float
    late_h: float
    sorties: list[dict[str, Any]]


class PlanOut(BaseModel):
    id: int
    crisis_id: int
    status: str
    starts_at: datetime
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    method: str
    solver_status: str
    seconds: float
    seed: int
    objective: dict[str, Any]
    greedy: dict[str, Any]
    bound: float | None
    gap: float | None
    improvement: float | None  # against the greedy plan, closure term
    crises: list[int]
    movements: list[MovementOut]
    uncovered: list[dict[str, Any]]
    explanations: dict[str, str]
    warnings: list[str]
    # the plan also serves crises this reader may not see: the figures are those of the
    # visible movements only, and the whole plan's bound, gap and greedy run are withheld
    partial: bool = False


class PlanIn(BaseModel):
    time_limit: float = Field(default=10.0, ge=0.5, le=120)  # longer runs: the CLI
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


def _active_crises(conn: Connection, actor: Principal, include: int) -> list[Any]:
    """Crises still being answered that have force requirements (they compete). Real
    crises compete with each other; an exercise crisis is planned alone."""
    with_reqs = {r.crisis_id for r in conn.execute(
        select(t.force_requirement.c.crisis_id).where(t.force_requirement.c.withdrawn.is_(False))
        .distinct())}
    rows = [r for r in conn.execute(access.select_visible(t.crisis, SYSTEM)
                                    .where(t.crisis.c.id.in_(with_reqs or {-1})))
            if Stage(r.stage) not in FINAL]
    if any(r.exercise for r in rows if r.id == include):
        return [r for r in rows if r.id == include]
    rows = [r for r in rows if not r.exercise]
    return sorted(rows, key=lambda r: r.id)


def _hours(at: datetime, start: datetime) -> float:
    return (aware(at) - start).total_seconds() / 3600


class Built:
    """A planning problem built from the stored crises, registry and consents."""

    def __init__(self, problem: pl.Problem, start: datetime, crisis_ids: list[int],
                 warnings: list[str], previous: pl.Plan | None, states: dict[str, str]) -> None:
        self.problem, self.start, self.crisis_ids = problem, start, crisis_ids
        self.warnings, self.previous, self.states = warnings, previous, states


def build(conn: Connection, crisis_id: int, *, actor: Principal, at: datetime | None = None
          ) -> Built:
    """The planning problem for `crisis_id` and every crisis competing with it."""
    at = at or now()
    crs.crisis_row(conn, crisis_id, actor)  # the actor must see the crisis
    org = orgs.organization(conn)
    forces = org.forces
    nodes = {b["key"]: b for b in forces.get("bases", [])}
    ground = {(g["from"], g["to"]): float(g["hours"]) for g in forces.get("ground_times", [])}
    ground.update({(b, a): h for (a, b), h in list(ground.items()) if (b, a) not in ground})
    rows = _active_crises(conn, actor, crisis_id)
    if crisis_id not in {r.id for r in rows}:
        raise Invalid("requirements", f"crisis {crisis_id} has no force requirements yet")
    warnings: list[str] = []
    facts = _unit_facts(conn, SYSTEM)
    unit_rows = {r.key: r for r in conn.execute(access.select_visible(t.force_unit,
                                                                      SYSTEM))}
    units = tuple(pl.Unit(r.key, r.state_code, r.capability, r.strength, (r.lat, r.lon),
                          r.readiness_h, r.weight_t, available=not r.withdrawn,
                          garrison=r.garrison or "")
                  for r in sorted(unit_rows.values(), key=lambda r: (r.position, r.key)))
    reqs: list[pl.Requirement] = []
    barred: dict[tuple[str, str], str] = {}
    weights: dict[str, float] = {}
    for row in rows:
        cid = str(row.id)
        weights[cid] = crisis_weight(row.severity)
        given = [Consent(c.state_code, Scope(c.scope), frozenset(c.units), c.conditions)
                 for c in conn.execute(select(t.unit_consent)
                                       .where(t.unit_consent.c.crisis_id == row.id))]
        for p in consent_problems(given, facts):
            warnings.append(f"crisis {row.id}: {p}")
        peacekeeping_requested = crisis_requests.requested(
            conn, row.id, crs.affected_of(row), Measure.MILITARY_PEACEKEEPING)
        crisis = CrisisFacts(cid, row.bilateral_dispute, row.against_cis_or_neighbour,
                             peacekeeping_requested, row.un_mandate, row.on_member_territory)
        _ok, why = availability(facts.values(), given, crisis, at.date())
        for key, reason in why.items():
            barred[(key, cid)] = reason
        authorization = _authorization(conn, row)
        if authorization is None:
            warnings.append(f"crisis {row.id}: no decision authorizing forces is linked yet")
        else:
            for key, reason in authority.unauthorized_units(
                    ((u.key, u.state_code, u.formation) for u in unit_rows.values()),
                    authorization, org.settings.get("measure_formations", {})).items():
                barred.setdefault((key, cid), reason)
        for r in conn.execute(select(t.force_requirement).where(
                t.force_requirement.c.crisis_id == row.id,
                t.force_requirement.c.withdrawn.is_(False)).order_by(t.force_requirement.c.id)):
            reqs.append(pl.Requirement(str(r.id), cid, r.capability, r.strength,
                                       (r.lat, r.lon), _hours(r.needed_by, at),
                                       node=r.node or ""))
    planes = []
    for r in conn.execute(access.select_visible(t.force_aircraft, SYSTEM)
                          .order_by(t.force_aircraft.c.position)):
        if r.role != "transport" or r.withdrawn or r.base not in nodes:
            continue
        b = nodes[r.base]
        planes.append(pl.Aircraft(r.key, r.type, r.payload_t, r.speed_kmh, r.range_km,
                                  (b["lat"], b["lon"]), r.turnaround_h))
    problem = pl.Problem(units, tuple(reqs), tuple(planes), weights, barred, ground)
    warnings += pl.input_warnings(problem)
    previous, start = _decided_plan(conn, rows, at)
    states = {r.key: r.state_code for r in unit_rows.values()}
    return Built(problem, start or at, [r.id for r in rows], warnings, previous, states)


def _authorization(conn: Connection, row: Any) -> authority.Authorization | None:
    """What the crisis's linked decision authorizes (None if no decision is linked)."""
    if row.decision_id is None:
        return None
    d = conn.execute(access.select_visible(t.decision, SYSTEM).where(
        t.decision.c.id == row.decision_id)).first()
    if d is None:
        return None
    return authority.Authorization(
        d.number, frozenset(Measure(m) for m in row.authorizes), frozenset(d.formations),
        frozenset(d.contributing_states))


def _decided_plan(conn: Connection, rows: list[Any], at: datetime
                  ) -> tuple[pl.Plan | None, datetime | None]:
    """The movements of the crises' decided plans, in the newest one's hours."""
    ids = [r.id for r in rows]
    found = conn.execute(select(t.deployment_plan).where(
        t.deployment_plan.c.crisis_id.in_(ids or [-1]),
        t.deployment_plan.c.status == "decided").order_by(t.deployment_plan.c.id.desc())).first()
    if found is None:
        return None, None
    return _plan_from_json(found.movements, found.uncovered), aware(found.starts_at)


def _plan_from_json(movements: list[dict[str, Any]], uncovered: list[dict[str, Any]]
                    ) -> pl.Plan:
    ms = tuple(pl.Movement(m["requirement_key"], m["unit"], m["mode"], m["arrive_h"],
                           tuple(pl.Sortie(s["aircraft"], m["unit"], m["requirement_key"],
                                           s["depart_h"], s["arrive_h"], s["load_t"],
                                           tuple(s["start"])) for s in m["sorties"]))
               for m in movements)
    return pl.Plan(ms, tuple(u["key"] for u in uncovered), pl.Objective(0, 0, 0, 0))


def run_plan(db: Database, crisis_id: int, data: PlanIn, *, actor: Principal,
             at: datetime | None = None, on_plan: Callable[[pl.Plan], None] | None = None
             ) -> PlanOut:
    """Plan the deployment for `crisis_id` (and the crises competing with it), keeping
    movements of decided plans already under way; store the run as proposed."""
    if not is_staff(actor):
        raise Forbidden("the deployment planner is run by the Joint Staff or the Secretariat")
    at = at or now()
    with db.read() as conn:
        built = build(conn, crisis_id, actor=actor, at=at)
    problem = built.problem
    start = at
    if built.previous is not None:
        # re-plan: shift to the previous plan's clock, keep what is moving
        start = built.start
        shift = _hours(at, start)
        problem = _shifted(problem, shift)
        result = repair(problem, _keep_known(problem, built.previous), shift,
                        time_limit=data.time_limit, seed=data.seed, on_plan=on_plan)
    else:
        result = solve(problem, time_limit=data.time_limit, seed=data.seed, on_plan=on_plan)
    problems = pl.check(result.problem, result.plan)
    if problems:  # never shown: the checker guards every plan
        raise AssertionError(f"the plan fails the checker: {problems}")
    return _store(db, crisis_id, built, result, start, data, actor=actor, at=at)


def _shifted(problem: pl.Problem, hours: float) -> pl.Problem:
    """Requirements' needed-by times in the previous plan's hours."""
    from dataclasses import replace

    return replace(problem, requirements=tuple(replace(r, needed_by_h=r.needed_by_h + hours)
                                               for r in problem.requirements))


def _keep_known(problem: pl.Problem, previous: pl.Plan) -> pl.Plan:
    reqs = {r.id for r in problem.requirements}
    units = {u.id for u in problem.units}
    return pl.Plan(tuple(m for m in previous.movements
                         if m.requirement in reqs and m.unit in units), (), previous.objective)


def _store(db: Database, crisis_id: int, built: Built, result: Result, start: datetime,
           data: PlanIn, *, actor: Principal, at: datetime) -> PlanOut:
    problem = result.problem
    p = result.plan
    reqs = {r.id: r for r in problem.requirements}
    movements = []
    for m in sorted(p.movements, key=lambda m: (int(reqs[m.requirement].crisis),
                                                 int(m.requirement))):
        r = reqs[m.requirement]
        movements.append({
            "requirement_key": m.requirement, "requirement": int(m.requirement),
            "crisis_id": int(r.crisis), "unit": m.unit, "state": built.states.get(m.unit, ""),
            "mode": m.mode, "arrive_h": m.arrive_h,
            "late_h": max(0.0, m.arrive_h - r.needed_by_h),
            "sorties": [{"aircraft": s.aircraft, "depart_h": s.depart_h,
                         "arrive_h": s.arrive_h, "load_t": s.load_t, "start": list(s.start)}
                        for s in m.sorties]})
    uncovered = [{"key": rid, "requirement": int(rid), "crisis_id": int(reqs[rid].crisis),
                  "capability": reqs[rid].capability, "strength": reqs[rid].strength,
                  "proven": rid in result.bounds.uncoverable}
                 for rid in p.uncovered]
    explanations = pl.explain(problem, p)
    with db.write(actor) as w:
        crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        pid = w.conn.execute(insert(t.deployment_plan).values(
            crisis_id=crisis_id, status="proposed", starts_at=start, created_by=actor.username,
            created_at=at, method=p.method, solver_status=result.status,
            seconds=result.seconds, seed=data.seed, objective=asdict(p.objective),
            greedy=asdict(result.greedy.objective), bound=result.bounds.closure,
            gap=result.gap, movements=movements, uncovered=uncovered,
            explanations=explanations, warnings=built.warnings, crises=built.crisis_ids,
        ).returning(t.deployment_plan.c.id)).scalar_one()
        w.audit("forces.plan", "crisis", crisis_id, {
            "plan": pid, "objective": asdict(p.objective), "bound": result.bounds.closure,
            "gap": result.gap, "crises": built.crisis_ids, "time_limit": data.time_limit,
            "seed": data.seed})
        crs.add_event(w, crisis_id, "plan",
                      f"deployment plan {pid} proposed: {len(movements)} movements, "
                      f"{len(uncovered)} uncovered, gap {_pct(result.gap)}", at)
        w.emit(f"crisis:{crisis_id}", "plan", id=pid)
        return plan_out(w.conn, pid, actor=actor)


def _pct(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap:.1%}"


def plan_out(conn: Connection, plan_id: int, *, actor: Principal) -> PlanOut:
    r = conn.execute(select(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)).first()
    if r is None:
        raise NotFound("plan", plan_id)
    with missing_as("plan", plan_id):  # seen only by those who see the crisis
        crs.crisis_row(conn, r.crisis_id, actor)
    start = aware(r.starts_at)
    closure = r.objective.get("closure", 0.0)
    greedy = r.greedy.get("closure", 0.0)
    # the crises planned together that this reader may see; the others' movements stay out
    visible = {c.id for c in conn.execute(access.select_visible(t.crisis, actor, t.crisis.c.id)
                                          .where(t.crisis.c.id.in_(r.crises or [-1])))}
    hidden_units = {m["unit"] for m in r.movements if m["crisis_id"] not in visible}
    visible_reqs = {x.id for x in conn.execute(select(t.force_requirement.c.id).where(
        t.force_requirement.c.crisis_id.in_(visible or {-1})))}
    partial = not set(r.crises or [r.crisis_id]) <= visible
    moves = []
    for m in r.movements:
        if m["crisis_id"] not in visible:
            continue
        departs = [s["depart_h"] for s in m["sorties"]]
        # where an aircraft starts a sortie tells where its previous one went
        sorties = m["sorties"] if not partial else [
            {k: v for k, v in s.items() if k != "start"} for s in m["sorties"]]
        moves.append(MovementOut(
            requirement=m["requirement"], crisis_id=m["crisis_id"], unit=m["unit"],
            state=m["state"], mode=m["mode"],
            depart=start + timedelta(hours=min(departs)) if departs else None,
            arrive=start + timedelta(hours=m["arrive_h"]), arrive_h=m["arrive_h"],
            late_h=m["late_h"], sorties=sorties))
    uncovered = [u for u in r.uncovered if u["crisis_id"] in visible]
    explanations = {k: v for k, v in r.explanations.items() if k not in hidden_units}
    objective, greedy_out, bound, gap = r.objective, r.greedy, r.bound, r.gap
    improvement = (greedy - closure) / greedy if greedy > 0 else None
    if partial:
        # only what the visible movements say: why a unit was passed over, barred or too
        # small is weighed against every requirement, the hidden ones included
        served = {m.unit for m in moves}
        explanations = {k: v for k, v in explanations.items() if k in served}
        objective = {"uncovered": len(uncovered),
                     "closure": max((m.arrive_h for m in moves), default=0.0),
                     "lateness": sum(m.late_h for m in moves),
                     "sorties": sum(len(m.sorties) for m in moves)}
        greedy_out, bound, gap, improvement = {}, None, None, None
    return PlanOut(
        id=r.id, crisis_id=r.crisis_id, status=r.status, starts_at=start,
        created_by=r.created_by, created_at=aware(r.created_at),
        decided_at=aware(r.decided_at) if r.decided_at else None, method=r.method,
        solver_status=r.solver_status, seconds=r.seconds, seed=r.seed, objective=objective,
        greedy=greedy_out, bound=bound, gap=gap, improvement=improvement,
        crises=[c for c in r.crises if c in visible], movements=moves, uncovered=uncovered,
        explanations=explanations,
        warnings=[w for w in r.warnings if _warning_visible(w, visible, visible_reqs)],
        partial=partial)


def _warning_visible(w: str, crises: set[int], requirements: set[int]) -> bool:
    """Warnings name a crisis ("crisis 3: ...") or a requirement ("requirement 7 ...")."""
    kind, _, rest = w.partition(" ")
    number = rest.split(" ", 1)[0].rstrip(":")
    if not number.isdigit():
        return True
    if kind == "crisis":
        return int(number) in crises
    if kind == "requirement":
        return int(number) in requirements
    return True


def plans(conn: Connection, crisis_id: int, *, actor: Principal) -> list[PlanOut]:
    crs.crisis_row(conn, crisis_id, actor)
    return [plan_out(conn, r.id, actor=actor) for r in conn.execute(
        select(t.deployment_plan.c.id).where(t.deployment_plan.c.crisis_id == crisis_id)
        .order_by(t.deployment_plan.c.id.desc()))]


def decide_plan(db: Database, plan_id: int, *, actor: Principal,
                at: datetime | None = None) -> PlanOut:
    """The proposed plan becomes the crisis's deployment; an earlier one is superseded."""
    at = at or now()
    if not is_staff(actor):
        raise Forbidden("a deployment is decided by the Joint Staff or the Secretariat")
    with db.write(actor) as w:
        r = w.conn.execute(select(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)
                           .with_for_update()).first()
        if r is None:
            raise NotFound("plan", plan_id)
        with missing_as("plan", plan_id):
            row = crs.crisis_row(w.conn, r.crisis_id, actor, lock=True)
        if r.status != "proposed":
            raise Conflict(f"plan {plan_id} is {r.status}")
        if Stage(row.stage) not in (Stage.RESPONSE, Stage.DEPLOYED, Stage.MONITORING):
            raise Conflict(f"a deployment is decided in the response stage; crisis "
                           f"{row.id} is at {row.stage}")
        same_kind = select(t.crisis.c.id).where(  # an exercise never supersedes a real plan
            t.crisis.c.id.in_(r.crises), t.crisis.c.exercise.is_(bool(row.exercise)))
        w.conn.execute(update(t.deployment_plan).where(
            t.deployment_plan.c.crisis_id.in_(same_kind), t.deployment_plan.c.status == "decided")
            .values(status="superseded"))
        w.conn.execute(update(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)
                       .values(status="decided", decided_at=at))
        mine = [m for m in r.movements if m["crisis_id"] == r.crisis_id]
        w.audit("forces.plan.decide", "crisis", r.crisis_id,
                {"plan": plan_id, "movements": len(mine)})
        crs.add_event(w, r.crisis_id, "deployment",
                      f"deployment plan {plan_id} decided: {len(mine)} units move", at)
        w.emit(f"crisis:{r.crisis_id}", "deployment", id=plan_id)
        return plan_out(w.conn, plan_id, actor=actor)


def committed_units(conn: Connection, crisis_id: int) -> int:
    """Units the crisis's decided deployment plan moves."""
    r = conn.execute(select(t.deployment_plan.c.movements).where(
        t.deployment_plan.c.status == "decided",
        t.deployment_plan.c.crisis_id == crisis_id)).first()
    if r is None:
        return 0
    return sum(1 for m in r.movements if m["crisis_id"] == crisis_id)


class ProgressOut(BaseModel):
    plan_id: int
    at: datetime
    moving: int
    arrived: int
    waiting: int
    rows: list[dict[str, Any]]


def progress(conn: Connection, crisis_id: int, *, actor: Principal,
             at: datetime | None = None) -> ProgressOut | None:
    """The decided deployment, movement by movement: waiting, moving, arrived."""
    at = at or now()
    crs.crisis_row(conn, crisis_id, actor)
    r = conn.execute(select(t.deployment_plan.c.id).where(
        t.deployment_plan.c.status == "decided",
        t.deployment_plan.c.crisis_id == crisis_id)).first()
    if r is None:
        return None
    p = plan_out(conn, r.id, actor=actor)
    rows = []
    counts = {"waiting": 0, "moving": 0, "arrived": 0}
    for m in p.movements:
        if m.crisis_id != crisis_id:
            continue
        leaves = m.depart or (p.starts_at + timedelta(hours=0))
        status = ("arrived" if at >= m.arrive else "moving" if at >= leaves else "waiting")
        counts[status] += 1
        span = (m.arrive - leaves).total_seconds() or 1.0
        done = min(1.0, max(0.0, (at - leaves).total_seconds() / span))
        rows.append({"unit": m.unit, "state": m.state, "mode": m.mode,
                     "requirement": m.requirement, "arrive": m.arrive, "status": status,
                     "done": round(done, 3), "late_h": m.late_h})
    return ProgressOut(plan_id=p.id, at=at, rows=rows, **counts)


# --- the common operational picture --------------------------------------------------------


def picture(conn: Connection, *, actor: Principal) -> dict[str, Any]:
    """Units, bases, aircraft, crises and planned movements, for the map and the CoT feed
    (what the actor may see)."""
    org = orgs.organization(conn)
    crisis_symbols = org.forces.get("crisis_symbols", {})
    the_units = [u.model_dump(mode="json") for u in units(conn, actor=actor)]
    crisis_rows = [r for r in conn.execute(access.select_visible(t.crisis, actor))
                   if Stage(r.stage) not in FINAL and r.lat is not None and not r.exercise]
    the_crises = [{"id": r.id, "title": r.title, "category": r.category, "stage": r.stage,
                   "severity": r.severity, "lat": r.lat, "lon": r.lon,
                   "sidc": crisis_symbols.get(r.category, "EHIPA----------")}
                  for r in crisis_rows]
    where = {u["key"]: (u["lat"], u["lon"]) for u in the_units}
    movements = []
    for c in crisis_rows:
        found = conn.execute(select(t.deployment_plan).where(
            t.deployment_plan.c.crisis_id == c.id,
            t.deployment_plan.c.status.in_(("decided", "proposed")))
            .order_by(t.deployment_plan.c.status, t.deployment_plan.c.id.desc())).first()
        if found is None:
            continue
        reqs = {r.id: r for r in conn.execute(select(t.force_requirement).where(
            t.force_requirement.c.crisis_id == c.id))}
        for m in found.movements:
            if m["crisis_id"] != c.id or m["requirement"] not in reqs or m["unit"] not in where:
                continue
            r = reqs[m["requirement"]]
            movements.append({"plan": found.id, "status": found.status, "crisis": c.id,
                              "unit": m["unit"], "mode": m["mode"],
                              "from": list(where[m["unit"]]), "to": [r.lat, r.lon],
                              "arrive_h": m["arrive_h"]})
    return {"units": the_units,
            "aircraft": [a.model_dump(mode="json") for a in aircraft(conn, actor=actor)],
            "bases": [b.model_dump(mode="json") for b in bases(conn)],
            "crises": the_crises, "movements": movements,
            "capabilities": list(CAPABILITIES)}

