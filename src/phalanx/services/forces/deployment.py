"""Deployments: deciding a plan, the units it commits, its progress, the common operational
picture."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.workflow import FINAL, Stage
from phalanx.domain.forces.registry import (
    CAPABILITIES,
)
from phalanx.domain.forces.tasks import whole_of
from phalanx.services import crises as crs
from phalanx.services import organization as orgs
from phalanx.services import plans_in_force as stored_plans
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, NotFound, missing_as
from phalanx.services.forces import consent as consent_rules
from phalanx.services.forces import hosts
from phalanx.services.forces.planning import (
    PlanOut,
    plan_out,
)
from phalanx.services.forces.registry import (
    aircraft,
    bases,
    units,
)
from phalanx.services.forces.requirements import _unit_facts
from phalanx.services.forces.withdrawal import return_times

# --- deployment -------------------------------------------------------------------------

# why a plan is not decided, where the requirement refused is of a crisis planned with it
# that the decider may not read (its number, place and state are not said)
UNSEEN_UNREQUESTED = ("a crisis planned with it, which you may not read, would send forces "
                      "onto a member's territory without that member's request: plan again")


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
        # every crisis the plan plans is locked, in id order (so two deciders never wait on
        # each other): a plan decided at the same moment from another of them, a request
        # withdrawn or a crisis closed there, comes before or after this one, never beside
        w.conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
            t.crisis.c.id.in_(sorted({r.crisis_id, *(r.crises or [])})))
            .order_by(t.crisis.c.id).with_for_update())
        with missing_as("plan", plan_id):
            row = crs.crisis_row(w.conn, r.crisis_id, actor, lock=True)
        if r.status != "proposed":
            raise Conflict(f"plan {plan_id} is {r.status}")
        if r.kind == "withdrawal" and Stage(row.stage) is not Stage.MONITORING:
            raise Conflict(f"a withdrawal is decided after the mission (monitoring); crisis "
                           f"{row.id} is at {row.stage}")
        if Stage(row.stage) not in (Stage.RESPONSE, Stage.DEPLOYED, Stage.MONITORING):
            raise Conflict(f"a deployment is decided in the response stage; crisis "
                           f"{row.id} is at {row.stage}")
        # the host state withdrew its request, or the decision's period is over: units go
        # home, no new ones go out
        if r.kind != "withdrawal" and (problems := crs.deployment_refusals(
                w.conn, row, at=at, actor=actor)):
            raise Conflict(f"plan {plan_id} is not decided: " + "; ".join(problems))
        # forces go onto a member's territory only at that member's request
        if r.kind != "withdrawal" and (problems := unrequested(w.conn, r.movements, at,
                                                                actor)):
            raise Conflict(f"plan {plan_id} is not decided: " + "; ".join(problems))
        # every unit it moves may still serve: its state's answer as it stands now, the
        # state not outside the response, the conditions accepted (`forces/consent.py`)
        if r.kind != "withdrawal" and (problems := consent_rules.refusals(
                w.conn, orgs.organization(w.conn), _unit_facts(w.conn, SYSTEM),
                r.movements, at, actor)):
            raise Conflict(f"plan {plan_id} is not decided: " + "; ".join(problems))
        # an exercise never supersedes a real plan, nor a real one an exercise's
        same_kind = access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
            t.crisis.c.id.in_(r.crises), t.crisis.c.exercise.is_(bool(row.exercise)))
        w.conn.execute(update(t.deployment_plan).where(
            t.deployment_plan.c.crisis_id.in_(same_kind), t.deployment_plan.c.status == "decided",
            t.deployment_plan.c.kind == r.kind).values(status="superseded"))
        w.conn.execute(update(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)
                       .values(status="decided", decided_at=at))
        mine = [m for m in r.movements if m["crisis_id"] == r.crisis_id]
        w.audit("forces.plan.decide", "crisis", r.crisis_id,
                {"plan": plan_id, "kind": r.kind, "movements": len(mine)})
        crs.add_event(w, r.crisis_id, "deployment",
                      f"{r.kind} plan {plan_id} decided: {len(mine)} units move"
                      + (" home" if r.kind == "withdrawal" else ""), at)
        w.emit(f"crisis:{r.crisis_id}", "deployment", id=plan_id)
        return plan_out(w.conn, plan_id, actor=actor)


def unrequested(conn: Connection, movements: list[dict[str, Any]], at: datetime,
                actor: Principal = SYSTEM) -> list[str]:
    """Why the plan's movements may not go where they go at `at`: each requirement they
    serve whose place lies on a member's territory that member's request does not cover
    (`forces/hosts.py`), named with the reason where `actor` may read its crisis; those of
    the crises planned with it that it may not read, in words that name none of them."""
    wanted: dict[int, set[int]] = {}
    for m in movements:
        wanted.setdefault(m["crisis_id"], set()).add(m["requirement"])
    seen = {c for (c,) in conn.execute(access.select_visible(t.crisis, actor, t.crisis.c.id)
                                       .where(t.crisis.c.id.in_(wanted or {-1})))}
    out = []
    unseen = False
    for crisis in conn.execute(access.select_visible(t.crisis, SYSTEM).where(
            t.crisis.c.id.in_(wanted or {-1})).order_by(t.crisis.c.id)):
        places = list(conn.execute(select(t.force_requirement).where(
            t.force_requirement.c.id.in_(wanted[crisis.id])).order_by(t.force_requirement.c.id)))
        for rid, why in hosts.refusals(conn, crisis, places, at).items():
            if crisis.id in seen:
                out.append(f"requirement {rid}: {why}")
            else:
                unseen = True
    if unseen:
        out.append(UNSEEN_UNREQUESTED)
    return out


def in_force(conn: Connection, crisis_id: int, *, actor: Principal
             ) -> tuple[PlanOut | None, PlanOut | None]:
    """The crisis's deployment plan in force (the decided one, under which units move,
    run from this crisis or from one planned with it) and a proposal newer than it (a
    re-run not yet decided), as far as the reader may see them."""
    crs.crisis_row(conn, crisis_id, actor)
    decided = stored_plans.decided(conn, crisis_id)
    proposal = stored_plans.newer_proposal(conn, crisis_id, decided.id if decided else None)

    def seen(r: Any) -> PlanOut | None:
        try:  # (a plan run from a crisis the reader may not see is not shown)
            return plan_out(conn, r.id, actor=actor) if r is not None else None
        except NotFound:
            return None

    return seen(decided), seen(proposal)


def committed_units(conn: Connection, crisis_id: int) -> int:
    """Units the crisis's decided deployment plan moves."""
    r = stored_plans.decided(conn, crisis_id)
    if r is None:
        return 0
    return sum(1 for m in r.movements if m["crisis_id"] == crisis_id)


class ProgressOut(BaseModel):
    plan_id: int
    at: datetime
    moving: int  # arriving
    arrived: int  # in place
    waiting: int
    leaving: int = 0  # on the way home (a decided withdrawal)
    returned: int = 0  # home again
    withdrawal_plan_id: int | None = None
    rows: list[dict[str, Any]]


def progress(conn: Connection, crisis_id: int, *, actor: Principal,
             at: datetime | None = None) -> ProgressOut | None:
    """The decided deployment, unit by unit at `at`: waiting, moving (arriving), arrived
    (in place); once a withdrawal is decided, leaving and returned."""
    at = at or now()
    crs.crisis_row(conn, crisis_id, actor)
    r = stored_plans.decided(conn, crisis_id)
    if r is None:
        return None
    with missing_as("plan", r.id):  # (planned with a crisis this reader may not see)
        p = plan_out(conn, r.id, actor=actor)
    rows = []
    counts = {"waiting": 0, "moving": 0, "arrived": 0, "leaving": 0, "returned": 0}
    # the way home is found by the unit, which the reader may not see (`plan_out` names
    # it by no key): the stored movements, in the order the plan gives them
    stored = [m["unit"] for m in r.movements if m["crisis_id"] == crisis_id]
    shown = [m for m in p.movements if m.crisis_id == crisis_id]
    home_id, home = return_times(conn, crisis_id, hidden={
        unit for unit, m in zip(stored, shown, strict=True) if not m.unit})
    # a reader who may not read the routes (`access.reads_routes`: an observer, the public)
    # reads each unit's state, not how far along its way it is nor when it is home: the
    # state is judged on the plan's own times, the same order of movements
    routes = access.reads_routes(actor)
    sets_off = [m.depart for m in (shown if routes else [
        x for x in plan_out(conn, r.id, actor=SYSTEM).movements if x.crisis_id == crisis_id])]
    for unit, m, depart in zip(stored, shown, sets_off, strict=True):
        leaves = depart or (p.starts_at + timedelta(hours=0))
        status = ("arrived" if at >= m.arrive else "moving" if at >= leaves else "waiting")
        span = (m.arrive - leaves).total_seconds() or 1.0
        done = min(1.0, max(0.0, (at - leaves).total_seconds() / span))
        back = home.get(unit)
        if back is not None and status == "arrived" and at >= back[0]:
            status = "returned" if at >= back[1] else "leaving"
            span = (back[1] - back[0]).total_seconds() or 1.0
            done = min(1.0, max(0.0, (at - back[0]).total_seconds() / span))
        counts[status] += 1
        rows.append({"unit": m.unit, "state": m.state, "mode": m.mode, "label": m.label,
                     "requirement": m.requirement, "arrive": m.arrive, "status": status,
                     "done": round(done, 3) if routes else None, "late_h": m.late_h,
                     "leaves": back[0] if back else None,
                     "home": back[1] if back and routes else None})
    return ProgressOut(plan_id=p.id, at=at, rows=rows, withdrawal_plan_id=home_id, **counts)


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
        # the plan in force (decided), and the movements a newer proposal would change
        decided = stored_plans.decided(conn, c.id)
        proposal = stored_plans.newer_proposal(conn, c.id, decided.id if decided else None)
        reqs = {r.id: r for r in conn.execute(select(t.force_requirement).where(
            t.force_requirement.c.crisis_id == c.id))}
        kept = {(m["requirement"], m["unit"], m["mode"]) for m in decided.movements} \
            if decided is not None else set()
        for found in (decided, proposal):
            for m in found.movements if found is not None else []:
                home = where.get(m["unit"]) or where.get(whole_of(m["unit"]))  # a part: its unit's
                if m["crisis_id"] != c.id or m["requirement"] not in reqs or home is None:
                    continue
                if found is proposal and (m["requirement"], m["unit"], m["mode"]) in kept:
                    continue
                r = reqs[m["requirement"]]
                movements.append({"plan": found.id, "status": found.status, "crisis": c.id,
                                  "unit": m["unit"], "mode": m["mode"],
                                  "from": list(home), "to": [r.lat, r.lon],
                                  "via": m.get("boards_at"), "boards": m.get("boards"),
                                  "boards_h": m.get("boards_h"), "land": m.get("lands_at"),
                                  "lands": m.get("lands"), "lands_h": m.get("lands_h"),
                                  "arrive_h": m["arrive_h"]})
    return {"units": the_units,
            "aircraft": [a.model_dump(mode="json") for a in aircraft(conn, actor=actor)],
            "bases": [b.model_dump(mode="json") for b in bases(conn)],
            "crises": the_crises, "movements": movements,
            "capabilities": list(CAPABILITIES)}

