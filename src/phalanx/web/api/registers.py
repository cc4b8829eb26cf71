"""The year-round registers under /api/v1: the Parliamentary Assembly (/parliament),
military-technical cooperation (/mtc), training quotas (/training), joint exercises
(/joint-exercises), external relations (/external) and the Secretariat's overview
(/secretariat). Reads are filtered by the reader's markings; changes check the owner
rules in the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from phalanx.services.registers import exercises as ex
from phalanx.services.registers import external as ext
from phalanx.services.registers import overview as ov
from phalanx.services.registers import parliament as pa
from phalanx.services.registers import supply as mtc
from phalanx.services.registers import training as tr
from phalanx.web.auth import Reader, Writer
from phalanx.web.deps import DB, Conn, Id, Org

router = APIRouter(tags=["registers"])
Key = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
State = Annotated[str, Path(pattern=r"^[A-Z]{3}$")]
Year = Annotated[int, Path(ge=1990, le=2200)]
YearQuery = Annotated[int | None, Query(ge=1990, le=2200)]


# --- Parliamentary Assembly --------------------------------------------------------------


@router.get("/parliament/model-laws", response_model=list[pa.LawOut])
def model_laws(actor: Reader, conn: Conn) -> list[pa.LawOut]:
    return pa.list_laws(conn, actor=actor)


@router.post("/parliament/model-laws", response_model=pa.LawOut, status_code=201)
def create_model_law(data: pa.LawIn, actor: Writer, db: DB) -> pa.LawOut:
    return pa.create_law(db, data, actor=actor)


@router.get("/parliament/model-laws/{key}", response_model=pa.LawOut)
def model_law(key: Key, actor: Reader, conn: Conn) -> pa.LawOut:
    return pa.get_law(conn, key, actor=actor)


class AdoptIn(BaseModel):
    on: date


@router.post("/parliament/model-laws/{key}/adopt", response_model=pa.LawOut)
def adopt_model_law(key: Key, data: AdoptIn, actor: Writer, db: DB) -> pa.LawOut:
    return pa.adopt_law(db, key, data.on, actor=actor)


@router.put("/parliament/model-laws/{key}/transposition/{state}", response_model=pa.LawOut)
def set_transposition(key: Key, state: State, data: pa.TranspositionIn, actor: Writer,
                      db: DB) -> pa.LawOut:
    """A member's transposition status: its representative or the Secretariat."""
    return pa.set_transposition(db, key, state, data, actor=actor)


@router.get("/parliament/matrix", response_model=pa.MatrixOut)
def harmonization_matrix(actor: Reader, conn: Conn) -> pa.MatrixOut:
    return pa.matrix(conn, actor=actor)


@router.get("/parliament/field-sessions", response_model=list[pa.FieldSessionOut])
def field_sessions(actor: Reader, conn: Conn, year: YearQuery = None
                   ) -> list[pa.FieldSessionOut]:
    return pa.field_sessions(conn, actor=actor, year=year)


@router.post("/parliament/field-sessions", response_model=pa.FieldSessionOut, status_code=201)
def add_field_session(data: pa.FieldSessionIn, actor: Writer, db: DB) -> pa.FieldSessionOut:
    return pa.add_field_session(db, data, actor=actor)


@router.get("/parliament/observers", response_model=list[dict[str, Any]])
def observer_parliaments(actor: Reader, org: Org) -> list[dict[str, Any]]:
    return list(pa.section(org)["observer_parliaments"])


# --- military-technical cooperation ------------------------------------------------------


@router.get("/mtc/supplies", response_model=list[mtc.SupplyOut])
def supplies(actor: Reader, conn: Conn, year: YearQuery = None) -> list[mtc.SupplyOut]:
    """The supplies the reader may see: its own state's, or all for the staff."""
    return mtc.list_supplies(conn, actor=actor, year=year)


@router.get("/mtc/supplies/count", response_model=dict[str, int])
def supplies_count(actor: Reader, conn: Conn) -> dict[str, int]:
    return {"count": mtc.count_supplies(conn, actor=actor)}


@router.post("/mtc/supplies", response_model=mtc.SupplyOut, status_code=201)
def create_supply(data: mtc.SupplyIn, actor: Writer, db: DB) -> mtc.SupplyOut:
    return mtc.create_supply(db, data, actor=actor)


@router.get("/mtc/supplies/{key}", response_model=mtc.SupplyOut)
def supply(key: Key, actor: Reader, conn: Conn) -> mtc.SupplyOut:
    return mtc.get_supply(conn, key, actor=actor)


@router.post("/mtc/supplies/{key}/deliveries", response_model=mtc.SupplyOut, status_code=201)
def add_delivery(key: Key, data: mtc.DeliveryIn, actor: Writer, db: DB) -> mtc.SupplyOut:
    return mtc.add_delivery(db, key, data, actor=actor)


@router.get("/mtc/totals", response_model=mtc.TotalsOut)
def supply_totals(actor: Reader, conn: Conn) -> mtc.TotalsOut:
    return mtc.totals(conn, actor=actor)


@router.get("/mtc/programmes", response_model=list[mtc.ProgrammeOut])
def programmes(actor: Reader, conn: Conn) -> list[mtc.ProgrammeOut]:
    return mtc.programmes(conn, actor=actor)


@router.post("/mtc/programmes", response_model=mtc.ProgrammeOut, status_code=201)
def add_programme(data: mtc.ProgrammeIn, actor: Writer, db: DB) -> mtc.ProgrammeOut:
    return mtc.add_programme(db, data, actor=actor)


# --- training quotas ---------------------------------------------------------------------


@router.get("/training/institutions", response_model=list[dict[str, Any]])
def institutions(actor: Reader, org: Org) -> list[dict[str, Any]]:
    return list(tr.institutions(org).values())


@router.get("/training/quotas", response_model=list[tr.QuotaOut])
def quotas(actor: Reader, conn: Conn, year: YearQuery = None) -> list[tr.QuotaOut]:
    return tr.list_quotas(conn, actor=actor, year=year)


@router.post("/training/quotas", response_model=tr.QuotaOut)
def offer(data: tr.OfferIn, actor: Writer, db: DB) -> tr.QuotaOut:
    """The host's offer for a year in one institution (created, or changed)."""
    return tr.offer(db, data, actor=actor)


@router.put("/training/quotas/{quota_id}/allocations/{state}", response_model=tr.QuotaOut)
def allocate(quota_id: Id, state: State, data: tr.AllocationIn, actor: Writer,
             db: DB) -> tr.QuotaOut:
    return tr.allocate(db, quota_id, state, data, actor=actor)


@router.get("/training/use", response_model=list[tr.UseOut])
def quota_use(actor: Reader, conn: Conn) -> list[tr.UseOut]:
    return tr.use_by_year(conn, actor=actor)


# --- joint exercises ---------------------------------------------------------------------


@router.get("/joint-exercises", response_model=list[ex.ExerciseOut])
def exercise_calendar(actor: Reader, conn: Conn, year: YearQuery = None
                      ) -> list[ex.ExerciseOut]:
    return ex.calendar(conn, actor=actor, year=year)


@router.post("/joint-exercises", response_model=ex.ExerciseOut, status_code=201)
def plan_exercise(data: ex.ExerciseIn, actor: Writer, db: DB) -> ex.ExerciseOut:
    return ex.create(db, data, actor=actor)


@router.get("/joint-exercises/findings", response_model=list[ex.FindingOut])
def open_findings(actor: Reader, conn: Conn, open_only: bool = True) -> list[ex.FindingOut]:
    return ex.findings(conn, actor=actor, open_only=open_only)


@router.patch("/joint-exercises/findings/{finding_id}", response_model=ex.FindingOut)
def update_finding(finding_id: Id, data: ex.FindingUpdate, actor: Writer,
                   db: DB) -> ex.FindingOut:
    return ex.update_finding(db, finding_id, data, actor=actor)


@router.get("/joint-exercises/{key}", response_model=ex.ExerciseOut)
def exercise(key: Key, actor: Reader, conn: Conn) -> ex.ExerciseOut:
    return ex.get(conn, key, actor=actor)


@router.post("/joint-exercises/{key}/participants", response_model=ex.ExerciseOut,
             status_code=201)
def add_participant(key: Key, data: ex.ParticipantIn, actor: Writer, db: DB
                    ) -> ex.ExerciseOut:
    """A state commits one of its formations (its own representative only)."""
    return ex.add_participant(db, key, data, actor=actor)


@router.post("/joint-exercises/{key}/cancel", response_model=ex.ExerciseOut)
def cancel_exercise(key: Key, data: ex.CancelIn, actor: Writer, db: DB) -> ex.ExerciseOut:
    """The host state (its representative), the Secretariat or the Joint Staff cancel a
    planned exercise, with its reason."""
    return ex.cancel(db, key, data, actor=actor)


@router.post("/joint-exercises/{key}/findings", response_model=ex.FindingOut, status_code=201)
def add_finding(key: Key, data: ex.FindingIn, actor: Writer, db: DB) -> ex.FindingOut:
    return ex.add_finding(db, key, data, actor=actor)


# --- external relations ------------------------------------------------------------------


@router.get("/external/partners", response_model=list[dict[str, Any]])
def partner_organizations(actor: Reader, org: Org) -> list[dict[str, Any]]:
    return ext.partners(org)


@router.get("/external/instruments", response_model=list[ext.InstrumentOut])
def instruments(actor: Reader, conn: Conn) -> list[ext.InstrumentOut]:
    return ext.instruments(conn, actor=actor)


@router.post("/external/instruments", response_model=ext.InstrumentOut, status_code=201)
def add_instrument(data: ext.InstrumentIn, actor: Writer, db: DB) -> ext.InstrumentOut:
    return ext.add_instrument(db, data, actor=actor)


@router.get("/external/events", response_model=list[ext.EventOut])
def relation_events(actor: Reader, conn: Conn, year: YearQuery = None) -> list[ext.EventOut]:
    return ext.events(conn, actor=actor, year=year)


@router.post("/external/events", response_model=ext.EventOut, status_code=201)
def add_event(data: ext.EventIn, actor: Writer, db: DB) -> ext.EventOut:
    return ext.add_event(db, data, actor=actor)


# --- the Secretariat's overview and annual report ----------------------------------------


@router.get("/secretariat/overview", response_model=ov.OverviewOut)
def overview(actor: Reader, conn: Conn) -> ov.OverviewOut:
    return ov.overview(conn, actor=actor)


@router.get("/secretariat/annual-report/{year}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def annual_report(request: Request, year: Year, actor: Reader, conn: Conn) -> Response:
    """The year's registers, decisions, crises and operations, as the reader may see them,
    in the reader's language (`?lang=`, else the `lang` cookie, else the default)."""
    from phalanx.web.i18n import texts_for
    from phalanx.web.pages.render import language

    return Response(ov.annual_report_pdf(conn, year, actor=actor,
                                         texts=texts_for(language(request))),
                    media_type="application/pdf",
                    headers={"Content-Disposition":
                             f'inline; filename="annual-report-{year}.pdf"'})
