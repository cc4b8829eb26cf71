"""The registry's new entries on /forces: a unit a member state has assigned, a unit's
move to another formation, an aircraft of the lift; and the registry as a CSV file in the
reader's language (`web/registry_export.py`). The rules are the services' and the
domain's (`domain/forces/entries.py`); a refusal, the services' or a field the input
model refuses, shows as the error page says any (`problems`: a 422 naming the field by its
label, in the page's language)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.services import forces
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, FormDay
from phalanx.web.pages.render import language
from phalanx.web.registry_export import registry_csv

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Text = Annotated[str, Form(max_length=200)]


@router.post("/forces/units")
def add_unit(actor: Writer, db: DB, state: Annotated[str, Form(max_length=3)],
             formation: Text, name: Text, capability: Text,
             strength: Annotated[int, Form(ge=1, le=100_000)],
             readiness_h: Annotated[float, Form(ge=0, le=8760)],
             weight_t: Annotated[float, Form(gt=0, le=100_000)], garrison: Text,
             certified_until: Annotated[date | None, Form()] = None,
             note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    u = forces.add_unit(db, forces.UnitIn.model_validate({
        "state": state, "formation": formation, "name": name, "capability": capability,
        "strength": strength, "readiness_h": readiness_h, "weight_t": weight_t,
        "garrison": garrison, "certified_until": certified_until, "note": note}),
        actor=actor)
    return RedirectResponse(f"/forces?saved=1#unit-{u.key}", status_code=303)


@router.post("/forces/units/{key}/formation")
def move_unit(key: str, actor: Writer, db: DB, formation: Text,
              revision: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None
              ) -> Response:
    forces.move_unit(db, key, forces.FormationMove.model_validate({
        "formation": formation, "revision": revision}), actor=actor)
    return RedirectResponse(f"/forces?saved=1#unit-{key}", status_code=303)


@router.post("/forces/aircraft")
def add_aircraft(actor: Writer, db: DB, state: Annotated[str, Form(max_length=3)],
                 type: Text, base: Text, formation: Text = "") -> Response:
    a = forces.add_aircraft(db, forces.AircraftIn.model_validate({
        "state": state, "type": type, "base": base, "formation": formation or None}),
        actor=actor)
    return RedirectResponse(f"/forces?saved=1#aircraft-{a.key}", status_code=303)


@router.get("/forces/registry.csv")
def export(request: Request, actor: Reader, conn: Conn,
           formation: Annotated[str | None, Query(max_length=64)] = None,
           state: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
           on: FormDay = None) -> Response:
    """The units the reader may read, by formation and state, in the page's language;
    `on`: as they stood at the end of that past day."""
    body = registry_csv(conn, actor=actor, lang=language(request), formation=formation or None,
                        state=state or None, on=on)
    scope = "".join(f"-{v.lower()}" for v in (formation, state, on and on.isoformat()) if v)
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="registry{scope}.csv"'})
