"""The way home: after the mission (the crisis is in monitoring), the Joint Staff plans the
return of the units deployed for the crisis to their garrisons — the reverse problem of
`domain/forces/withdrawal.py`, solved by the same planner with the same lift and checked
by the same checker — stored as a plan of kind `withdrawal`, decided like any plan. The
lift is shared: aircraft flying other crises' decided plans are free for it only once
they land (`commitments.py`), and a deployment planned later waits for its aircraft. The
decided withdrawal gives the response card its start (the first departure) and end (the
last unit home), and the deployment view its units leaving and returned."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.workflow import Stage
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces import tasks as tk
from phalanx.domain.forces import withdrawal as wd
from phalanx.domain.forces.boarding import Boarding
from phalanx.services import crises as crs
from phalanx.services import organization as orgs
from phalanx.services import plans_in_force as in_force
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden
from phalanx.services.forces import commitments, hosts
from phalanx.services.forces.airfields import aprons, boardings, ground_times, landings
from phalanx.services.forces.planning import PlanOut, plan_out
from phalanx.services.forces.problem import lift

WITHDRAWAL_HOURS = 72.0  # when the dataset gives no `withdrawal_hours` setting


class WayHomeIn(BaseModel):
    time_limit: float = Field(default=10.0, ge=0.5, le=120)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


WithdrawalIn = WayHomeIn  # the name the code uses; the API's schema names it WayHomeIn


def _decided(conn: Connection, crisis_id: int, kind: str) -> Any:
    return in_force.decided(conn, crisis_id, kind)


def _problem(conn: Connection, crisis_id: int, at: datetime
             ) -> tuple[pl.Problem, dict[str, dict[str, Any]], commitments.Committed,
                        dict[str, pl.Unit], dict[str, Boarding], dict[str, Boarding]]:
    """The reverse problem for the crisis's decided deployment, each unit's movement
    there, the aircraft it waits for (other crises' plans hold them), each unit as at its
    garrison, where the units of a garrison without an airfield board, and where
    aircraft land for each requirement's place without one (by requirement id)."""
    plan = _decided(conn, crisis_id, "deployment")
    if plan is None:
        raise Conflict(f"crisis {crisis_id} has no decided deployment to bring home")
    org = orgs.organization(conn)
    start = aware(plan.starts_at)
    moved = {m["unit"]: m for m in plan.movements if m["crisis_id"] == crisis_id}
    registry = {r.key: r for r in conn.execute(access.select_visible(t.force_unit, SYSTEM))}
    reqs = {r.id: r for r in conn.execute(select(t.force_requirement).where(
        t.force_requirement.c.crisis_id == crisis_id))}
    deployed = []
    ground = ground_times(org.forces)
    boards = boardings(org.forces, ground)
    lands = landings(org.forces, ground, list(reqs.values()),
                     hosts.hosts(conn, reqs.values(), at))
    for uid, m in sorted(moved.items()):
        u, r = registry.get(tk.whole_of(uid)), reqs.get(m["requirement"])
        if u is None or r is None:
            continue
        strength = int(m.get("strength") or u.strength)
        weight = float(m.get("weight_t") or u.weight_t * strength / u.strength)
        arrived = start + timedelta(hours=m["arrive_h"])
        b = boards.get(u.garrison or "")
        land = lands.get(str(r.id))
        deployed.append(wd.Deployed(
            pl.Unit(uid, u.state_code, u.capability, strength, (u.lat, u.lon), 0.0, weight,
                    garrison=u.garrison or "", boards_at=b.place if b else None,
                    boards_h=b.hours if b else 0.0),
            (r.lat, r.lon), r.node or "", (arrived - at).total_seconds() / 3600,
            land.place if land else None, land.hours if land else 0.0))
    if not deployed:
        raise Conflict(f"no unit of crisis {crisis_id}'s deployment is there to bring home")
    hours = float(org.settings.get("withdrawal_hours", WITHDRAWAL_HOURS))
    ready = max(max(d.ready_h for d in deployed), 0.0)
    problem = replace(wd.problem(deployed, lift(conn, org.forces), str(crisis_id),
                                 ready + hours, ground), aprons=aprons(org.forces))
    # aircraft flying other crises' decided plans are free only once they land; an
    # exercise's way home waits for those real plans hold, as its deployment does (it plans
    # with the forces actually available), and no real plan waits for an exercise's
    held = commitments.committed(conn, at, skip=lambda p: p.kind == "withdrawal"
                                 and crisis_id in commitments.crises_of(p))
    problem = replace(problem, aircraft_start=commitments.hours_from(at, held),
                      apron_taken=commitments.ground_from(at, held))
    return problem, moved, held, {d.unit.id: d.unit for d in deployed}, boards, lands


def plan_withdrawal(db: Database, crisis_id: int, data: WithdrawalIn, *, actor: Principal,
                    at: datetime | None = None) -> PlanOut:
    """Plan the return movements after the mission; stored as a proposed withdrawal."""
    if not is_staff(actor):
        raise Forbidden("the withdrawal is planned by the Joint Staff or the Secretariat")
    at = at or now()
    with db.read() as conn:
        row = crs.crisis_row(conn, crisis_id, actor)
        if Stage(row.stage) is not Stage.MONITORING:
            raise Conflict(f"the withdrawal is planned after the mission (monitoring); crisis "
                           f"{crisis_id} is at {row.stage}")
        problem, moved, held, garrisoned, boards, lands = _problem(conn, crisis_id, at)
    from phalanx.domain.forces.improve import solve  # loaded by the first plan (planning)

    result = solve(problem, time_limit=data.time_limit, seed=data.seed)
    problems = pl.check(result.problem, result.plan)
    if problems:  # never shown: the checker guards every plan
        raise AssertionError(f"the withdrawal fails the checker: {problems}")
    p = result.plan
    units = {u.id: u for u in problem.units}
    reqs = {r.id: r for r in problem.requirements}
    movements = []
    for m in sorted(p.movements, key=lambda m: m.unit):
        r, u, there = reqs[m.requirement], units[m.unit], moved[m.unit]
        home = garrisoned[m.unit]
        b = boards.get(home.garrison) if home.boards_at is not None else None
        land = lands.get(str(there["requirement"])) if m.sorties else None
        movements.append({
            "requirement_key": m.requirement, "requirement": there["requirement"],
            "crisis_id": crisis_id, "unit": m.unit, "state": u.state, "label": "home",
            "strength": u.strength, "weight_t": u.weight_t, "mode": m.mode,
            # by air from a place without an airfield, by ground to where it boards first
            "depart_h": min((s.depart_h for s in m.sorties), default=u.readiness_h)
            - (land.hours if land else 0.0),
            "arrive_h": wd.home_h(home, m.arrive_h),
            "late_h": max(0.0, m.arrive_h - r.needed_by_h),
            **({"boards": b.base, "boards_h": b.hours} if b is not None and m.sorties
               else {}),
            **({"lands": land.base, "lands_h": land.hours} if land is not None else {}),
            "sorties": [{"aircraft": s.aircraft, "depart_h": s.depart_h,
                         "arrive_h": s.arrive_h, "load_t": s.load_t, "start": list(s.start)}
                        for s in m.sorties]})
    uncovered = [{"key": rid, "requirement": moved[rid.removeprefix("home:")]["requirement"],
                  "crisis_id": crisis_id, "label": "home", "capability": "return",
                  "strength": reqs[rid].strength, "proven": False} for rid in p.uncovered]
    span = wd.span((m["depart_h"], m["arrive_h"]) for m in movements)
    with db.write(actor) as w:
        crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        pid = w.conn.execute(insert(t.deployment_plan).values(
            crisis_id=crisis_id, kind="withdrawal", status="proposed", starts_at=at,
            created_by=actor.username, created_at=at, method=p.method,
            solver_status=result.status, seconds=result.seconds, seed=data.seed,
            objective=asdict(p.objective), greedy=asdict(result.greedy.objective),
            bound=result.bounds.closure, gap=result.gap, movements=movements,
            uncovered=uncovered, explanations=_explain(movements),
            warnings=held.warnings(), crises=[crisis_id], drew_on=sorted(held.crises),
        ).returning(t.deployment_plan.c.id)).scalar_one()
        w.audit("forces.withdrawal", "crisis", crisis_id, {
            "plan": pid, "units": len(movements), "uncovered": len(uncovered),
            "start_h": span[0] if span else None, "end_h": span[1] if span else None})
        # (the entry is read by every reader of the crisis: not when the last is home,
        # which an observer may not read, `way_home.py`; the plan says it to the others)
        crs.add_event(w, crisis_id, "plan",
                      f"withdrawal plan {pid} proposed: {len(movements)} units home", at)
        w.emit(f"crisis:{crisis_id}", "plan", id=pid)
        return plan_out(w.conn, pid, actor=actor)


def _explain(movements: list[dict[str, Any]]) -> dict[str, str]:
    return {m["unit"]: (f"goes home {'by air' if m['sorties'] else 'by ground'}: leaves at "
                        f"{m['depart_h']:.1f} h, home at {m['arrive_h']:.1f} h")
            for m in movements}


def return_times(conn: Connection, crisis_id: int, hidden: Container[str] = ()
                 ) -> tuple[int | None, dict[str, tuple[datetime, datetime]]]:
    """The decided withdrawal: its id, and for each unit when it leaves and is home; for
    a unit flown home that the reader may not see (`hidden`), its aircraft's first
    departure and last landing, as its plan shows them (`planning.plan_out`: the ground
    times either side would tell where it boards)."""
    plan = _decided(conn, crisis_id, "withdrawal")
    if plan is None:
        return None, {}
    start = aware(plan.starts_at)

    def times(m: dict[str, Any]) -> tuple[datetime, datetime]:
        leave, home = ((min(s["depart_h"] for s in m["sorties"]),
                        max(s["arrive_h"] for s in m["sorties"]))
                       if m["unit"] in hidden and m["sorties"]
                       else (m["depart_h"], m["arrive_h"]))
        return start + timedelta(hours=leave), start + timedelta(hours=home)

    return plan.id, {m["unit"]: times(m) for m in plan.movements}
