"""Forces and means under /api/v1: the registry, consent per crisis, force requirements,
the deployment planner's runs, and the common operational picture."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from phalanx.services import forces
from phalanx.web.auth import Reader, Releaser, Writer
from phalanx.web.deps import DB, Conn, Id, IsoDate, Precondition
from phalanx.web.problem_document import problem_responses

router = APIRouter(tags=["forces"])
Key = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_-]*$")]
StateCode = Annotated[str, Path(pattern=r"^[A-Z]{3}$")]


@router.get("/forces/formations", response_model=list[forces.FormationOut])
def formations(actor: Reader, conn: Conn) -> list[forces.FormationOut]:
    """Formations with their declared and listed strength."""
    return forces.formations(conn, actor=actor)


@router.get("/forces/units", response_model=list[forces.UnitOut])
def units(actor: Reader, conn: Conn,
          state: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
          formation: Annotated[str | None, Query(max_length=64)] = None,
          on: Annotated[IsoDate | None, Query(description=(
              "The registry as it stood at the end of this past day (the changes the "
              "audit trail records since undone)."))] = None
          ) -> list[forces.UnitOut]:
    if on is not None:
        return forces.units_on(conn, on, actor=actor, state=state, formation=formation)
    return forces.units(conn, actor=actor, state=state, formation=formation)


@router.get("/forces/registry.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def registry_csv(request: Request, actor: Reader, conn: Conn,
                 formation: Annotated[str | None, Query(max_length=64)] = None,
                 state: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
                 on: Annotated[IsoDate | None, Query(description=(
                     "The registry as it stood at the end of this past day."))] = None
                 ) -> Response:
    """The units the reader may read, by formation and state, as CSV in the reader's
    language (`?lang=ru` or Accept-Language: semicolons and decimal commas)."""
    from phalanx.web.pages.render import language
    from phalanx.web.registry_export import registry_csv as write

    body = write(conn, actor=actor, lang=language(request), formation=formation,
                 state=state, on=on)
    return Response(body, media_type="text/csv; charset=utf-8")


@router.post("/forces/units", response_model=forces.UnitOut, status_code=201)
def add_unit(data: forces.UnitIn, actor: Writer, db: DB) -> forces.UnitOut:
    """Add a unit a member state has assigned (its representative or the Joint Staff); its
    key is assigned; audited."""
    return forces.add_unit(db, data, actor=actor)


@router.get("/forces/units/{key}", response_model=forces.UnitOut)
def unit(key: Key, actor: Reader, conn: Conn) -> forces.UnitOut:
    return forces.unit(conn, key, actor=actor)


@router.patch("/forces/units/{key}", response_model=forces.UnitOut,
              responses=problem_responses(409))
def update_unit(key: Key, data: forces.UnitPatch, actor: Writer, db: DB) -> forces.UnitOut:
    """Change a unit (its state's representative or the Joint Staff); audited."""
    return forces.update_unit(db, key, data, actor=actor)


@router.post("/forces/units/{key}/marking", response_model=forces.UnitOut,
             responses=problem_responses(409))
def mark_unit(key: Key, data: forces.UnitMarkingIn, actor: Releaser,
              db: DB) -> forces.UnitOut:
    """Keep a unit NATIONAL or release it to the Organization (its own state only, with
    its reason; audited)."""
    return forces.mark_unit(db, key, data, actor=actor)


@router.post("/forces/units/{key}/formation", response_model=forces.UnitOut,
             responses=problem_responses(409))
def move_unit(key: Key, data: forces.FormationMove, actor: Writer,
              db: DB) -> forces.UnitOut:
    """Move a unit to another formation (its state's representative or the Joint Staff);
    refused (409) while a decided deployment plan in force counts it; audited."""
    return forces.move_unit(db, key, data, actor=actor)


@router.post("/forces/aircraft", response_model=forces.AircraftOut, status_code=201)
def add_aircraft(data: forces.AircraftIn, actor: Writer, db: DB) -> forces.AircraftOut:
    """Add an aircraft of the lift, of one of the lift's kinds (its state's representative
    or the Joint Staff); its key is assigned; audited."""
    return forces.add_aircraft(db, data, actor=actor)


@router.get("/forces/aircraft", response_model=list[forces.AircraftOut])
def aircraft(actor: Reader, conn: Conn) -> list[forces.AircraftOut]:
    return forces.aircraft(conn, actor=actor)


@router.patch("/forces/aircraft/{key}", response_model=forces.AircraftOut)
def update_aircraft(key: Key, data: forces.AircraftPatch, actor: Writer,
                    db: DB) -> forces.AircraftOut:
    """Move, correct or withdraw a lift asset (its state or the Joint Staff); audited."""
    return forces.update_aircraft(db, key, data, actor=actor)


@router.get("/forces/bases", response_model=list[forces.BaseOut])
def bases(actor: Reader, conn: Conn) -> list[forces.BaseOut]:
    return forces.bases(conn)


@router.get("/forces/picture")
def picture(actor: Reader, conn: Conn) -> dict[str, Any]:
    """Units, aircraft, bases, open crises and planned movements (for the map)."""
    return forces.picture(conn, actor=actor)


@router.get("/crises/{crisis_id}/requirements", response_model=list[forces.RequirementOut])
def requirements(crisis_id: Id, actor: Reader, conn: Conn) -> list[forces.RequirementOut]:
    return forces.requirements(conn, crisis_id, actor=actor)


@router.post("/crises/{crisis_id}/requirements", response_model=forces.RequirementOut,
             status_code=201, responses=problem_responses(409))
def add_requirement(crisis_id: Id, data: forces.RequirementIn, actor: Writer,
                    db: DB) -> forces.RequirementOut:
    return forces.add_requirement(db, crisis_id, data, actor=actor)


class WithdrawnOut(BaseModel):
    plans_set_aside: list[int]  # the proposed plans made with it, superseded


@router.post("/crises/{crisis_id}/requirements/{requirement_id}/withdrawal",
             response_model=WithdrawnOut, responses=problem_responses(404, 409))
def withdraw_requirement(crisis_id: Id, requirement_id: Id, actor: Writer,
                         db: DB) -> WithdrawnOut:
    """A requirement taken back before a plan serving it is decided; the proposed plans
    made with it are set aside (409 when the decided plan serves it)."""
    return WithdrawnOut(plans_set_aside=forces.withdraw_requirement(
        db, crisis_id, requirement_id, actor=actor))


@router.get("/crises/{crisis_id}/consents", response_model=list[forces.ConsentOut])
def consents(crisis_id: Id, actor: Reader, conn: Conn) -> list[forces.ConsentOut]:
    return forces.consents(conn, crisis_id, actor=actor)


@router.put("/crises/{crisis_id}/consents/{state}", response_model=forces.ConsentOut,
            responses=problem_responses(412))
def give_consent(crisis_id: Id, state: StateCode, data: forces.ConsentIn, actor: Writer,
                 db: DB, expect: Precondition, response: Response) -> forces.ConsentOut:
    """A state makes its units available for the crisis: all, some (named) or none. The
    new answer replaces the state's earlier one: send the `version` read with it as
    If-Match (or If-None-Match: * for a first answer), so that an answer given meanwhile
    (in the crisis room, by another system) is not overwritten unseen (412). The answer's
    header ETag is the new answer's version."""
    out = forces.give_consent(db, crisis_id, state, data, actor=actor, expect=expect)
    response.headers["ETag"] = f'"{out.version}"'
    return out


class ConditionsIn(BaseModel):
    conditions: str = Field(max_length=2000)  # the conditions as the acceptor read them


@router.post("/crises/{crisis_id}/consents/{state}/acceptance", status_code=204,
             responses=problem_responses(409))
def accept_conditions(crisis_id: Id, state: StateCode, data: ConditionsIn, actor: Writer,
                      db: DB) -> Response:
    """The Joint Staff or the Secretariat accepts the conditions of a state's answer: a
    plan moving that state's units is decided only once they are accepted."""
    forces.accept_conditions(db, crisis_id, state, data.conditions, actor=actor)
    return Response(status_code=204)


@router.get("/crises/{crisis_id}/plans", response_model=list[forces.PlanOut])
def plans(crisis_id: Id, actor: Reader, conn: Conn) -> list[forces.PlanOut]:
    return forces.plans(conn, crisis_id, actor=actor)


@router.post("/crises/{crisis_id}/plans", response_model=forces.PlanOut, status_code=201)
def run_plan(crisis_id: Id, data: forces.PlanIn, actor: Writer, db: DB) -> forces.PlanOut:
    """Run the deployment planner (within `time_limit` seconds): the plan, its bound and
    gap, every unit's explanation; stored as proposed."""
    return forces.run_plan(db, crisis_id, data, actor=actor)


@router.post("/crises/{crisis_id}/withdrawal", response_model=forces.PlanOut, status_code=201,
             responses=problem_responses(409))
def plan_withdrawal(crisis_id: Id, data: forces.WithdrawalIn, actor: Writer,
                    db: DB) -> forces.PlanOut:
    """After the mission (monitoring): plan the return of the deployed units to their
    garrisons (same lift, same checker); stored as a proposed plan of kind withdrawal,
    decided at /plans/{id}/decide."""
    return forces.plan_withdrawal(db, crisis_id, data, actor=actor)


@router.get("/plans/{plan_id}", response_model=forces.PlanOut)
def plan(plan_id: Id, actor: Reader, conn: Conn) -> forces.PlanOut:
    return forces.plan_out(conn, plan_id, actor=actor)


@router.post("/plans/{plan_id}/decide", response_model=forces.PlanOut,
             responses=problem_responses(409))
def decide(plan_id: Id, actor: Writer, db: DB) -> forces.PlanOut:
    """The proposed plan becomes the crisis's deployment."""
    return forces.decide_plan(db, plan_id, actor=actor)


@router.get("/crises/{crisis_id}/deployment", response_model=forces.ProgressOut | None)
def deployment(crisis_id: Id, actor: Reader, conn: Conn) -> forces.ProgressOut | None:
    """The decided deployment's progress: waiting, moving, arrived; once a withdrawal is
    decided, leaving and returned."""
    return forces.progress(conn, crisis_id, actor=actor)
