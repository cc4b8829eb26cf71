"""Planner runs attached to crises: the problem (`problem.py`) planned, checked, stored
as proposed; plans read through what the reader may see."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.workflow import FINAL, Stage
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces.registry import crisis_weight
from phalanx.services import crises as crs
from phalanx.services import offered_units
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, NotFound, missing_as
from phalanx.services.forces import lapsed, way_home
from phalanx.services.forces.plan_aircraft import aircraft_names, aliased
from phalanx.services.forces.plan_schemas import MovementOut, PlanOut
from phalanx.services.forces.problem import Built, _hours, _plan_from_json, build

if TYPE_CHECKING:
    from phalanx.domain.forces.improve import Result

__all__ = ["Built", "MovementOut", "PlanIn", "PlanOut", "_plan_from_json", "build",
           "plan_out", "plans", "run_plan"]

# --- planning ------------------------------------------------------------------------------


OPTIMAL_GAP = 1e-6  # a gap below it is none


class Cancelled(Exception):
    """The run was cancelled by its user: nothing is stored."""


class PlanIn(BaseModel):
    time_limit: float = Field(default=10.0, ge=0.5, le=120)  # longer runs: the CLI
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


# runs the search: solver("solve" or "repair", *args, **kwargs) -> Result, as
# improve.solve / improve.repair would (the pages run it in a process of its own, which a
# cancel stops at once)
Solver = Callable[..., "Result"]


def direct(kind: str, *args: Any, **kwargs: Any) -> Result:
    """The search in this process. The search and its solvers (OR-Tools, which brings
    pandas) are loaded by the first plan made, not by every command and process that
    imports the services."""
    from phalanx.domain.forces import improve

    return (improve.solve if kind == "solve" else improve.repair)(*args, **kwargs)


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
    """Requirements' needed-by times, when aircraft committed elsewhere are free, and when
    they are on the ground where they land (`apron.py`), in the previous plan's hours."""
    from dataclasses import replace

    return replace(problem, requirements=tuple(replace(r, needed_by_h=r.needed_by_h + hours)
                                               for r in problem.requirements),
                   aircraft_start={k: (h + hours, where)
                                   for k, (h, where) in problem.aircraft_start.items()},
                   apron_taken=tuple((where, t0 + hours, t1 + hours)
                                     for where, t0, t1 in problem.apron_taken))


def _keep_known(problem: pl.Problem, previous: pl.Plan) -> pl.Plan:
    reqs = {r.id for r in problem.requirements}
    units = {u.id for u in problem.units}
    return pl.Plan(tuple(m for m in previous.movements
                         if m.requirement in reqs and m.unit in units), (), previous.objective)


def _boards(built: Built, unit: pl.Unit, m: pl.Movement) -> dict[str, Any]:
    """Where a unit carried by air boards, when not at its garrison (`boarding.py`)."""
    b = built.boards.get(unit.garrison)
    return ({"boards": b.base, "boards_h": b.hours, "boards_at": list(b.place)}
            if b is not None and m.mode == "air" else {})


def _lands(built: Built, r: pl.Requirement, m: pl.Movement) -> dict[str, Any]:
    """Where aircraft land for a unit carried by air, when not at its place: the airfield
    (its key and place) and the hours by ground on to the place (`boarding.py`)."""
    b = built.lands.get(str(built.requirement_of(r.id)))
    return ({"lands": b.base, "lands_h": b.hours, "lands_at": list(b.place)}
            if b is not None and m.mode == "air" else {})


def _store(db: Database, crisis_id: int, built: Built, result: Result, start: datetime,
           data: PlanIn, *, actor: Principal, at: datetime) -> PlanOut:
    problem = result.problem
    p = result.plan
    reqs = {r.id: r for r in problem.requirements}
    strength = {u.id: u for u in problem.units}
    movements = []
    for m in sorted(p.movements, key=lambda m: (built.crisis_of(m.requirement,
                                                                 reqs[m.requirement].crisis),
                                                 built.requirement_of(m.requirement),
                                                 m.requirement)):
        r = reqs[m.requirement]
        movements.append({
            "requirement_key": m.requirement, "requirement": built.requirement_of(r.id),
            "crisis_id": built.crisis_of(r.id, r.crisis), "unit": m.unit,
            "state": built.states.get(m.unit, ""), "label": built.label_of(r.id),
            **built.piece_of(r.id),
            "strength": strength[m.unit].strength, "weight_t": strength[m.unit].weight_t,
            "mode": m.mode, "arrive_h": m.arrive_h,
            "late_h": max(0.0, m.arrive_h - r.needed_by_h),
            **_boards(built, strength[m.unit], m), **_lands(built, r, m),
            "sorties": [{"aircraft": s.aircraft, "depart_h": s.depart_h,
                         "arrive_h": s.arrive_h, "load_t": s.load_t, "start": list(s.start)}
                        for s in m.sorties]})
    # tasks with more pieces than candidate units: an uncovered piece of one is short of a
    # unit because the others took them all (`tasks.py`)
    short = {piece.task for piece in built.pieces.values() if piece.short}
    took = pl.taken(problem, p)
    uncovered = [{"key": rid, "requirement": built.requirement_of(rid),
                  "crisis_id": built.crisis_of(rid, reqs[rid].crisis),
                  "label": built.label_of(rid), **built.piece_of(rid),
                  "capability": reqs[rid].capability, "strength": reqs[rid].strength,
                  "proven": rid in result.bounds.uncoverable,
                  "short": str(built.requirement_of(rid)) in short,
                  # every unit able to meet it serves one of these requirements
                  "taken_by": [{"unit": uid, "requirement_key": by}
                               for uid, by in took.get(rid, [])]}
                 for rid in p.uncovered]
    explanations = built.named(pl.explain(problem, p), p, problem)
    with db.write(actor) as w:
        crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        pid = w.conn.execute(insert(t.deployment_plan).values(
            crisis_id=crisis_id, status="proposed", starts_at=start, created_by=actor.username,
            created_at=at, method=p.method, solver_status=result.status,
            seconds=result.seconds, seed=data.seed, objective=asdict(p.objective),
            greedy=asdict(result.greedy.objective), bound=result.bounds.closure,
            gap=result.gap, movements=movements, uncovered=uncovered,
            explanations=explanations, warnings=built.warnings, crises=built.crisis_ids,
            drew_on=built.drew_on,
        ).returning(t.deployment_plan.c.id)).scalar_one()
        w.audit("forces.plan", "crisis", crisis_id, {
            "plan": pid, "objective": asdict(p.objective), "bound": result.bounds.closure,
            "gap": result.gap, "crises": built.crisis_ids, "time_limit": data.time_limit,
            "seed": data.seed})
        # the entry is read by every reader of this crisis, not all of whom read the
        # crises planned with it: it counts this crisis's movements and uncovered
        # requirements, and the gap (whose bound counts the others) of a plan of it alone
        alone = set(built.crisis_ids) <= {crisis_id}
        crs.add_event(w, crisis_id, "plan",
                      f"deployment plan {pid} proposed: "
                      f"{sum(m['crisis_id'] == crisis_id for m in movements)} movements, "
                      f"{sum(u['crisis_id'] == crisis_id for u in uncovered)} uncovered, "
                      f"gap {_pct(result.gap if alone else None)}", at)
        w.emit(f"crisis:{crisis_id}", "plan", id=pid)
        return plan_out(w.conn, pid, actor=actor)


def _sortie(s: dict[str, Any], start: bool, load: bool, planes: dict[str, str]
            ) -> dict[str, Any]:
    """A stored sortie as its reader may see it: where its aircraft starts from only with
    `start`, and not for an aircraft the reader may not read (its base, or where its last
    sortie went); the load only with `load` (the unit seen); the aircraft by its key, or
    by its name in `planes`."""
    plane = planes.get(s["aircraft"])
    return {k: (plane if k == "aircraft" and plane else v) for k, v in s.items()
            if (k != "start" or (start and plane is None)) and (k != "load_t" or load)}


def _pct(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap:.1%}"


def plan_out(conn: Connection, plan_id: int, *, actor: Principal) -> PlanOut:
    r = conn.execute(select(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)).first()
    if r is None:
        raise NotFound("plan", plan_id)
    with missing_as("plan", plan_id):  # seen only by those who see the crisis
        crisis = crs.crisis_row(conn, r.crisis_id, actor)
    start = aware(r.starts_at)
    closure = r.objective.get("closure", 0.0)
    greedy = r.greedy.get("closure", 0.0)
    # the crises planned together that this reader may see (the others' movements stay
    # out), and those whose decided plans held aircraft it waited for (`drew_on`)
    drew_on = set(r.drew_on or [])
    seen = {c.id: c.severity for c in conn.execute(
        access.select_visible(t.crisis, actor, t.crisis.c.id, t.crisis.c.severity)
        .where(t.crisis.c.id.in_({*(r.crises or []), *drew_on} or {-1})))}
    severity = {c: v for c, v in seen.items() if c in (r.crises or [])}
    visible = set(severity)
    hidden_units = {m["unit"] for m in r.movements if m["crisis_id"] not in visible}
    visible_reqs = {x.id for x in conn.execute(select(t.force_requirement.c.id).where(
        t.force_requirement.c.crisis_id.in_(visible or {-1})))}
    partial = not set(r.crises or [r.crisis_id]) <= visible
    # a unit the reader may not see (one its state keeps NATIONAL): its movement is the
    # crisis's and shows, the unit does not (its key, strength, load, and where the
    # aircraft that carry it start from are its state's)
    unseen = offered_units.hidden(conn, actor)
    # an aircraft that waited for another crisis's decided plan starts where that plan
    # left it: said only to a reader who may see every crisis the plan waited for
    drew_seen = drew_on & set(seen)
    lift_hidden = bool(drew_on - drew_seen)
    planes = aircraft_names(
        conn, actor, [m for m in r.movements if m["crisis_id"] in visible],
        [*(w for w in r.warnings if _warning_visible(w, visible | drew_seen, visible_reqs)),
         *(v for k, v in r.explanations.items()
           if k not in hidden_units and not offered_units.is_hidden(k, unseen))])
    # a route (when a unit sets off, where it boards, its sorties' times) tells where the
    # unit and its aircraft come from: to a reader who may not read it (an observer, the
    # public), each movement is its arrival at the crisis's place and the aircraft flying it
    routes = access.reads_routes(actor)
    moves = []
    for m in r.movements:
        if m["crisis_id"] not in visible:
            continue
        departs = [s["depart_h"] for s in m["sorties"]] if routes else []
        unit_seen = not offered_units.is_hidden(m["unit"], unseen)
        # where an aircraft starts a sortie tells where its previous one went
        sorties = [_sortie(s, not (partial or lift_hidden) and unit_seen, unit_seen, planes)
                   if routes else {"aircraft": planes.get(s["aircraft"], s["aircraft"])}
                   for s in m["sorties"]]
        # the unit sets off from its garrison, by ground to where it boards first (on the
        # way home, from its place to where aircraft landed it), and on the way home is
        # there that ground time after it lands; to a reader who may not see the unit, the
        # movement is its aircraft's (the time between would tell where it boards)
        ground = m.get("boards_h") or 0.0
        before = (ground if r.kind == "deployment" else m.get("lands_h") or 0.0) \
            if unit_seen else 0.0
        after = ground if r.kind == "withdrawal" and not unit_seen else 0.0
        moves.append(MovementOut(
            requirement=m["requirement"], crisis_id=m["crisis_id"],
            unit=m["unit"] if unit_seen else "", state=m["state"], mode=m["mode"],
            # (by ground: none, but on the way home, when it may leave)
            depart=start + timedelta(hours=min(departs) - before) if departs else
            start + timedelta(hours=m["depart_h"]) if m.get("depart_h") is not None
            and r.kind == "withdrawal" else None,
            arrive=start + timedelta(hours=m["arrive_h"] - after),
            arrive_h=m["arrive_h"] - after, late_h=max(0.0, m["late_h"] - after),
            sorties=sorties, label=m.get("label"),
            strength=m.get("strength") if unit_seen else None, site=m.get("site", 0),
            sites=m.get("sites", 0), part=m.get("part", 0), parts=m.get("parts", 0),
            boards=m.get("boards") if unit_seen and routes else None,
            boards_h=m.get("boards_h") if unit_seen and routes else None,
            lands=m.get("lands"), lands_h=m.get("lands_h")))
    # by requirement, then site and part in figures ("site 2" before "site 10")
    moves.sort(key=lambda m: (m.crisis_id, m.requirement, m.site, m.part))
    # why one is uncovered: the units able to meet it serve other requirements, named
    # where the reader may see both the unit and that requirement's crisis
    served = {m.get("requirement_key"): m for m in r.movements
              if m["crisis_id"] in visible and not offered_units.is_hidden(m["unit"], unseen)}
    uncovered = sorted(({**{k: v for k, v in u.items() if k != "taken_by"},
                         "taken": bool(u.get("taken_by")),
                         "taken_by": [_took(x["unit"], served[x["requirement_key"]])
                                      for x in u.get("taken_by", [])
                                      if x["requirement_key"] in served]}
                        for u in r.uncovered if u["crisis_id"] in visible),
                       key=lambda u: (u["crisis_id"], u.get("requirement") or 0,
                                      u.get("site") or 0, u.get("part") or 0))
    # a decision the reader may not read (limited format) is named by no number
    unread = [n for (n,) in conn.execute(access.select_visible(
        t.decision, SYSTEM, t.decision.c.number).where(
        t.decision.c.id.in_(access.select_visible(t.crisis, SYSTEM, t.crisis.c.decision_id)
                            .where(t.crisis.c.id.in_(visible or {-1}))),
        t.decision.c.id.not_in(access.select_visible(t.decision, actor, t.decision.c.id))))]

    def unnamed(text: str) -> str:
        for number in unread:
            text = re.sub(re.escape(number) + r"(?![\w-])", offered_units.UNNAMED_DECISION,
                          text)
        return text

    # why a unit the reader may not see was passed over, barred or too small: not said,
    # and another unit's line names it by no key
    explanations = {k: aliased(offered_units.masked(unnamed(v), unseen), planes)
                    for k, v in r.explanations.items()
                    if k not in hidden_units and not offered_units.is_hidden(k, unseen)}
    objective, greedy_out, bound, gap = r.objective, r.greedy, r.bound, r.gap
    improvement = (greedy - closure) / greedy if greedy > 0 else None
    if partial:
        # only what the visible movements say: why a unit was passed over, barred or too
        # small is weighed against every requirement, the hidden ones included
        served = {m.unit for m in moves}
        explanations = {k: v for k, v in explanations.items() if k in served}
        # each visible crisis's weight times its closure, as the whole plan's objective
        closes: dict[int, float] = {}
        for m in moves:
            closes[m.crisis_id] = max(closes.get(m.crisis_id, 0.0), m.arrive_h)
        objective = {"uncovered": len(uncovered),
                     "closure": sum(crisis_weight(severity[c]) * h for c, h in closes.items()),
                     "lateness": sum(m.late_h for m in moves),
                     "sorties": sum(len(m.sorties) for m in moves)}
        greedy_out, bound, gap, improvement = {}, None, None, None
    # a unit it moves withdrawn or out of certification since, an aircraft withdrawn: said
    since = lapsed.warnings(conn, (m for m in r.movements if m["crisis_id"] in visible),
                            on=orgs.today(conn), unseen=unseen) \
        if r.kind == "deployment" and r.status in ("proposed", "decided") \
        and Stage(crisis.stage) not in FINAL else []
    out = PlanOut(
        id=r.id, crisis_id=r.crisis_id, status=r.status, kind=r.kind, starts_at=start,
        created_by=r.created_by, created_at=aware(r.created_at),
        decided_at=aware(r.decided_at) if r.decided_at else None, method=r.method,
        solver_status=r.solver_status, seconds=r.seconds, seed=r.seed, objective=objective,
        greedy=greedy_out, bound=bound, gap=gap, improvement=improvement,
        crises=[c for c in r.crises if c in visible], movements=moves, uncovered=uncovered,
        explanations=explanations,
        warnings=[*(aliased(offered_units.masked(unnamed(w), unseen), planes)
                    for w in r.warnings
                    if _warning_visible(w, visible | drew_seen, visible_reqs)),
                  *(aliased(w, planes) for w in since)],
        closures={c: max(m.arrive_h for m in moves if m.crisis_id == c)
                  for c in sorted({m.crisis_id for m in moves})},
        partial=partial,
        optimal=r.solver_status == "optimal" or (
            r.gap is not None and r.gap < OPTIMAL_GAP and all(u["proven"] for u in r.uncovered)))
    # the way home, to a reader who may not read the routes: when each unit leaves
    return way_home.leaving_only(out) if r.kind == "withdrawal" and not routes else out


def _took(unit: str, m: dict[str, Any]) -> dict[str, Any]:
    return {"unit": unit, "crisis_id": m["crisis_id"], "requirement": m["requirement"],
            **{k: m.get(k) for k in ("label", "site", "sites", "part", "parts")}}


def _warning_visible(w: str, crises: set[int], requirements: set[int]) -> bool:
    """Warnings name a crisis ("crisis 3: ...") or a requirement ("requirement 7 ...",
    "requirement 7, site 2 of 3 ...", "requirement 7.2.1 ...")."""
    kind, _, rest = w.partition(" ")
    number = rest.split(" ", 1)[0].rstrip(":,").split(".", 1)[0]
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


