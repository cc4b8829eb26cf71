"""Planner runs attached to crises: the problem built from the stored crises, registry,
consents and the decision's authorization; runs stored as proposed; plans read through
what the reader may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import FINAL, Measure, Stage
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces.improve import Result, repair, solve
from phalanx.domain.forces.registry import (
    Consent,
    CrisisFacts,
    Scope,
    availability,
    consent_problems,
    crisis_weight,
)
from phalanx.services import crises as crs
from phalanx.services import crisis_requests
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound, missing_as
from phalanx.services.forces.requirements import (
    _unit_facts,
)

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


class Cancelled(Exception):
    """The run was cancelled by its user: nothing is stored."""


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


# runs the search: solver("solve" or "repair", *args, **kwargs) -> Result, as
# improve.solve / improve.repair would (the pages run it in a process of its own, which a
# cancel stops at once)
Solver = Callable[..., Result]


def direct(kind: str, *args: Any, **kwargs: Any) -> Result:
    """The search in this process."""
    return (solve if kind == "solve" else repair)(*args, **kwargs)


def run_plan(db: Database, crisis_id: int, data: PlanIn, *, actor: Principal,
             at: datetime | None = None, on_plan: Callable[[pl.Plan], None] | None = None,
             cancelled: Callable[[], bool] | None = None,
             solver: Solver = direct) -> PlanOut:
    """Plan the deployment for `crisis_id` (and the crises competing with it), keeping
    movements of decided plans already under way; store the run as proposed.
    `cancelled` is asked at each better plan the search finds and before the plan is
    stored: once it says yes, the run stops with `Cancelled` and stores nothing.
    `solver` runs the search (`direct`: here)."""
    if cancelled is not None:
        report = on_plan

        def on_plan(p: pl.Plan) -> None:
            if cancelled():
                raise Cancelled()
            if report is not None:
                report(p)
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
        result = solver("repair", problem, _keep_known(problem, built.previous), shift,
                        time_limit=data.time_limit, seed=data.seed, on_plan=on_plan)
    else:
        result = solver("solve", problem, time_limit=data.time_limit, seed=data.seed,
                        on_plan=on_plan)
    problems = pl.check(result.problem, result.plan)
    if problems:  # never shown: the checker guards every plan
        raise AssertionError(f"the plan fails the checker: {problems}")
    if cancelled is not None and cancelled():
        raise Cancelled()
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


