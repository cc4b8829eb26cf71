"""The forces pages: the registry, the common operational picture, and the crisis room's
forms for force requirements and the deployment planner (a member's answer whether its
units take part: `crisis_forms`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Permission, StateAct, acts_for, is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.forces.registry import may_change
from phalanx.services import forces
from phalanx.services import organization as orgs
from phalanx.services.errors import Invalid, NotFound
from phalanx.web import charts, cop
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, FormDay, Id, Org
from phalanx.web.i18n import localized
from phalanx.web.pages import planner_runs
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Releaser = Annotated[Principal, Depends(requires(Permission.RECORDS_RELEASE))]
StateCode = Annotated[str, Path(pattern=r"^[A-Z]{3}$")]


@router.get("/forces", response_class=HTMLResponse)
def registry(request: Request, actor: Reader, conn: Conn,
             formation: str | None = None, state: str | None = None,
             on: FormDay = None) -> HTMLResponse:
    # on a past day, the formations with the units listed that day
    fs = forces.formations_on(conn, on, actor=actor) if on else forces.formations(
        conn, actor=actor)
    lang = language(request)
    name = localized(lang)
    chart = charts.strength_bars([(name(f, "abbreviation") or name(f), f.listed_strength,
                                   f.declared_strength) for f in fs if f.units], lang)
    bases = forces.bases(conn)
    return render(request, "forces.html", {
        "formations": fs, "on": on,
        # a past day's registry (`registry_history.py`): read, not changed
        "units": forces.units_on(conn, on, actor=actor, formation=formation, state=state)
        if on else forces.units(conn, actor=actor, formation=formation, state=state),
        "aircraft": forces.aircraft(conn, actor=actor), "bases": bases,
        "base_names": {b.key: b.name for b in bases},  # garrisons and bases by their names
        "may_change": (lambda _state: False) if on else partial(may_change, actor),
        "formation": formation,
        # a unit's marking is its own state's to change (the staff's edits stop short)
        "may_mark": lambda u: acts_for(actor, u.state, StateAct.RECORDS),
        "state": state, "chart": chart, "today": orgs.today(conn),
        # the new entries' forms (`forces_entries.py`): the states the reader adds for
        "add_states": [] if on else forces.addable_states(conn, actor),
        "capabilities": forces.CAPABILITIES,
        "lift_kinds": forces.lift_kinds(conn)})


@router.post("/forces/units/{key}")
def edit_unit(key: str, actor: Writer, db: DB,
              strength: Annotated[int, Form(ge=1, le=100_000)],
              readiness_h: Annotated[float, Form(ge=0, le=8760)],
              withdrawn: Annotated[str | None, Form(max_length=8)] = None,
              note: Annotated[str, Form(max_length=2000)] = "",
              certified_until: Annotated[date | None, Form()] = None,
              garrison: Annotated[str | None, Form(max_length=64)] = None,
              revision: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None
              ) -> Response:
    # the revision the form was read at: a change saved meanwhile is not overwritten
    forces.update_unit(db, key, forces.UnitPatch(
        strength=strength, readiness_h=readiness_h, withdrawn=withdrawn == "on", note=note,
        certified_until=certified_until, garrison=garrison or None, revision=revision),
        actor=actor)
    return RedirectResponse(f"/forces?saved=1#unit-{key}", status_code=303)


@router.post("/forces/units/{key}/marking")
def mark_unit(key: str, actor: Releaser, db: DB,
              marking: Annotated[str, Form(pattern="^(ORGANIZATION|NATIONAL)$")],
              reason: Annotated[str, Form(max_length=2000)] = "",
              revision: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None
              ) -> Response:
    forces.mark_unit(db, key, forces.UnitMarkingIn(
        marking=marking, reason=reason, revision=revision), actor=actor)  # type: ignore[arg-type]
    return RedirectResponse(f"/forces?saved=1#unit-{key}", status_code=303)


@router.post("/forces/aircraft/{key}")
def edit_aircraft(key: str, actor: Writer, db: DB,
                  base: Annotated[str, Form(min_length=1, max_length=64)],
                  payload_t: Annotated[float, Form(gt=0, le=1000)],
                  speed_kmh: Annotated[float, Form(gt=0, le=3000)],
                  range_km: Annotated[float, Form(gt=0, le=20_000)],
                  turnaround_h: Annotated[float, Form(ge=0, le=48)],
                  withdrawn: Annotated[str | None, Form(max_length=8)] = None) -> Response:
    forces.update_aircraft(db, key, forces.AircraftPatch(
        base=base, payload_t=payload_t, speed_kmh=speed_kmh, range_km=range_km,
        turnaround_h=turnaround_h, withdrawn=withdrawn == "on"), actor=actor)
    return RedirectResponse(f"/forces?saved=1#aircraft-{key}", status_code=303)


@router.get("/forces/map", response_class=HTMLResponse)
def operational_picture(request: Request, actor: Reader, conn: Conn,
                        crisis: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None
                        ) -> HTMLResponse:
    pic = forces.picture(conn, actor=actor)
    plan = proposal = None
    if crisis is not None:  # the plan in force, and a newer proposal (drawn dashed)
        decided, proposal = forces.in_force(conn, crisis, actor=actor)
        plan, proposal = (decided, proposal) if decided is not None else (proposal, None)
    moves = [m for m in pic["movements"] if crisis is None or m["crisis"] == crisis]
    data = "/forces/map/data.json" + (f"?crisis={crisis}" if crisis is not None else "")
    return render(request, "forces_map.html", {
        "picture": pic, "crisis": crisis, "plan": plan, "proposal": proposal,
        "moves": len(moves),
        "map_data": data, "tile_url": request.app.state.settings.map_tile_url})


@router.get("/forces/map/data.json")
def operational_picture_data(request: Request, actor: Reader, conn: Conn, org: Org,
                             crisis: int | None = None) -> JSONResponse:
    """The symbols, movements, legend and frame of the interactive map (static/cop.js)."""
    return JSONResponse(cop.picture_data(forces.picture(conn, actor=actor), language(request),
                                         crisis=crisis, org=org),
                        headers={"cache-control": "no-store"})


@router.get("/crises/{crisis_id}/map.json")
def crisis_map_data(request: Request, crisis_id: Id, actor: Reader, conn: Conn,
                    org: Org) -> JSONResponse:
    """The crisis room's interactive map (static/cop.js): the crisis, its movements and
    the areas of its CAP alert, framed on them."""
    from phalanx.services import alert_standing, crises

    c = crises.get(conn, crisis_id, actor=actor)
    areas = alert_standing.crisis_areas(conn, crisis_id, actor=actor)
    return JSONResponse(cop.crisis_map_data(forces.picture(conn, actor=actor), c, areas,
                                            language(request), org=org),
                        headers={"cache-control": "no-store"})


# --- the crisis room's forms -----------------------------------------------------------


@router.post("/crises/{crisis_id}/requirements")
def add_requirement(crisis_id: Id, actor: Writer, db: DB,
                    capability: Annotated[str, Form(max_length=32)],
                    strength: Annotated[int, Form(ge=1, le=100_000)],
                    place: Annotated[str, Form(min_length=1, max_length=300)],
                    hours: Annotated[int, Form(ge=1, le=2160)] = 24,
                    node: Annotated[str, Form(max_length=64)] = "",
                    task: Annotated[str, Form(max_length=12)] = "unit",
                    sites: Annotated[int | None, Form(ge=1, le=500)] = None,
                    state: Annotated[str, Form(max_length=3)] = "",
                    state_rule: Annotated[str, Form(max_length=12)] = "") -> Response:
    if not node:  # a place of the dataset chosen by its name: its coordinates
        from phalanx.services import crises

        with db.read() as conn:
            node = next((b.key for b in forces.bases(conn)
                         if place.strip().casefold() in (b.name.casefold(),
                                                         b.name_ru.casefold())), "")
            own = crises.get(conn, crisis_id, actor=actor).place
        # any other name would be planned at the crisis's coordinates without a word
        if not node and place.strip().casefold() != own.strip().casefold():
            raise Invalid("place", f"'{place.strip()}' is not a place the dataset knows: "
                                   f"choose one of the list, or the crisis's place ({own})")
    forces.add_requirement(db, crisis_id, _requirement({
        "capability": capability, "strength": strength, "place": place,
        "node": node or None, "needed_by": datetime.now(UTC) + timedelta(hours=hours),
        "task": task, "sites": sites if task == "sites" else None,
        "state": state or None, "state_rule": (state_rule or "preferred") if state else None}),
        actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#forces", status_code=303)


@router.post("/crises/{crisis_id}/requirements/{requirement_id}/withdrawal")
def withdraw_requirement(crisis_id: Id, requirement_id: Id, actor: Writer, db: DB
                         ) -> Response:
    forces.withdraw_requirement(db, crisis_id, requirement_id, actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#forces", status_code=303)


def _requirement(values: dict[str, object]) -> forces.RequirementIn:
    try:
        return forces.RequirementIn.model_validate(values)
    except ValidationError as exc:  # said as the API says it
        first = exc.errors()[0]
        raise Invalid(".".join(str(p) for p in first["loc"]) or "task",
                      first["msg"].removeprefix("Value error, ")) from None


@router.post("/crises/{crisis_id}/withdrawal")
def plan_withdrawal(crisis_id: Id, actor: Writer, db: DB,
                    time_limit: Annotated[float, Form(ge=0.5, le=120)] = 5.0) -> Response:
    forces.plan_withdrawal(db, crisis_id, forces.WithdrawalIn(time_limit=time_limit),
                           actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#withdrawal", status_code=303)


@router.post("/crises/{crisis_id}/consents/{state}/acceptance")
def accept_conditions(crisis_id: Id, state: StateCode, actor: Writer, db: DB,
                      conditions: Annotated[str, Form(max_length=2000)]) -> Response:
    forces.accept_conditions(db, crisis_id, state, conditions, actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#forces", status_code=303)


@router.post("/crises/{crisis_id}/plans")
def run_plan(request: Request, crisis_id: Id, actor: Writer, db: DB,
             time_limit: Annotated[float, Form(ge=0.5, le=120)] = 5.0) -> Response:
    """Run the planner: from the page (htmx) in the background, with its progress and a
    cancel button (`planner_runs`); without JavaScript in the request."""
    if request.headers.get("HX-Request") == "true":
        if not is_staff(actor):  # as run_plan itself says, before a thread is started
            forces.run_plan(db, crisis_id, forces.PlanIn(time_limit=time_limit), actor=actor)
        run = planner_runs.start(db, crisis_id, time_limit, actor)
        return _planner(request, crisis_id, run)
    forces.run_plan(db, crisis_id, forces.PlanIn(time_limit=time_limit), actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#forces", status_code=303)


def _planner(request: Request, crisis_id: int, run: planner_runs.Run | None) -> Response:
    if run is not None and run.status == "done":
        # the page reloads on the new plan (the plan's id in the address: a page already
        # at "?saved=1#forces" would otherwise only scroll to the anchor)
        return Response(status_code=204, headers={
            "HX-Redirect": f"/crises/{crisis_id}?saved=1&plan={run.plan_id}#forces"})
    return render(request, "_planner.html", {"crisis_id": crisis_id,
                                             "run": run.view() if run else None})


def _staff_run(run_id: str, actor: Principal) -> planner_runs.Run:
    run = planner_runs.get(run_id)
    if run is None or not is_staff(actor):
        raise NotFound("planner run", run_id)
    return run


@router.get("/planner-runs/{run_id}", response_class=HTMLResponse)
def planner_run(request: Request, run_id: str, actor: Reader) -> Response:
    """A run's progress (the page asks every second while it runs)."""
    run = _staff_run(run_id, actor)
    return _planner(request, run.crisis_id, run)


@router.post("/planner-runs/{run_id}/cancel", response_class=HTMLResponse)
def cancel_planner_run(request: Request, run_id: str, actor: Writer) -> Response:
    run = _staff_run(run_id, actor)
    planner_runs.cancel(run)
    return _planner(request, run.crisis_id, run)


@router.post("/plans/{plan_id}/decide")
def decide_plan(plan_id: Id, actor: Writer, db: DB) -> Response:
    p = forces.decide_plan(db, plan_id, actor=actor)
    return RedirectResponse(f"/crises/{p.crisis_id}?saved=1#forces", status_code=303)
