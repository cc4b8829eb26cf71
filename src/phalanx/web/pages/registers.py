"""The registers' pages: the Parliamentary Assembly (/parliament), military-technical
cooperation (/mtc), training quotas (/training), joint exercises (/joint-exercises),
external relations (/external), and the Secretariat's overview (/secretariat) with the
annual report. Each page shows what the reader may see, with its chart drawn as SVG on
the server; the forms post to the same services as the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.domain.registers.parliament import Transposition
from phalanx.services import organization as orgs
from phalanx.services.registers import exercises as ex
from phalanx.services.registers import external as ext
from phalanx.services.registers import overview as ov
from phalanx.services.registers import parliament as pa
from phalanx.services.registers import supply as mtc
from phalanx.services.registers import training as tr
from phalanx.services.registers.common import acts_for, staff
from phalanx.web import charts
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id, Org
from phalanx.web.i18n import labeller, texts_for, translator
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]

Key = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]


def _t(request: Request):  # type: ignore[no-untyped-def]
    lang = language(request)
    return translator(lang), labeller(lang)


def _progress_chart(request: Request, progress: list[dict[str, int]]) -> str:
    _, label = _t(request)
    keys = ("adopted", "in_progress", "declined")
    return charts.bars([str(p["year"]) for p in progress],
                       {label("tr", k): [float(p[k]) for p in progress] for k in keys},
                       _("National acts by status, end of each year"),
                       chart_id="transposition-chart", lang=language(request))


def _supply_chart(request: Request, totals: mtc.TotalsOut) -> str:
    _ = _t(request)[0]
    return charts.bars([str(y.year) for y in totals.years],
                       {_("Agreed"): [y.agreed_value for y in totals.years],
                        _("Delivered"): [y.delivered_value for y in totals.years]},
                       _("Supplies by year"),
                       _("million %(currency)s", currency=totals.currency),
                       chart_id="supply-chart", lang=language(request))


def _quota_chart(request: Request, use: list[tr.UseOut]) -> str:
    _, label = _t(request)
    labels = [f"{u.year} {label('inst_short', u.type.value)}" for u in use]
    series = {"offered": _("offered"), "allocated": _("allocated"),
              "enrolled": _("enrolled"), "graduated": _("graduated")}
    return charts.bars(labels, {text: [float(getattr(u, k)) for u in use]
                                for k, text in series.items()},
                       _("Quota use"), _("places"), chart_id="quota-chart", lang=language(request))


def _exercise_chart(request: Request, by_year: dict[str, int]) -> str:
    _ = _t(request)[0]
    return charts.bars(list(by_year), {_("Exercises"): [float(v) for v in by_year.values()]},
                       _("Exercises by year"), chart_id="exercise-chart", lang=language(request))


def _external_chart(request: Request, by_kind: dict[str, int]) -> str:
    _, label = _t(request)
    return charts.bars([label("instrument", k) for k in by_kind],
                       {_("Instruments"): [float(v) for v in by_kind.values()]},
                       _("Instruments by kind"), chart_id="instrument-chart",
                       lang=language(request))


# --- Parliamentary Assembly --------------------------------------------------------------


@router.get("/parliament", response_class=HTMLResponse)
def parliament(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    matrix = pa.matrix(conn, actor=actor)
    laws = pa.list_laws(conn, actor=actor)
    # the states whose transposition the reader records: the service's rule
    editable = [s for s in matrix.states if staff(actor) or acts_for(actor, s)]
    return render(request, "parliament.html", {
        "laws": laws, "matrix": matrix, "sessions": pa.field_sessions(conn, actor=actor),
        "section": pa.section(org), "bodies": org.bodies, "editable": editable,
        "statuses": [s.value for s in Transposition if s is not Transposition.NOT_STARTED],
        "chart": _progress_chart(request, matrix.progress)})


@router.post("/parliament/transposition")
def transposition(actor: Writer, db: DB, law: Annotated[str, Form(max_length=64)],
                  state: Annotated[str, Form(max_length=3)],
                  status: Annotated[Transposition, Form()], on: Annotated[date, Form()],
                  reference: Annotated[str, Form(max_length=500)] = "") -> RedirectResponse:
    pa.set_transposition(db, law, state, pa.TranspositionIn(status=status, on=on,
                                                            reference=reference), actor=actor)
    return RedirectResponse(f"/parliament#law-{law}", status_code=303)


# --- military-technical cooperation ------------------------------------------------------


@router.get("/mtc", response_class=HTMLResponse)
def military_technical(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    totals = mtc.totals(conn, actor=actor)
    supplies = mtc.list_supplies(conn, actor=actor)
    return render(request, "mtc.html", {
        "supplies": supplies, "totals": totals,
        "programmes": mtc.programmes(conn, actor=actor), "section": mtc.section(org),
        "deliverable": mtc.deliverable(supplies, actor=actor),
        "chart": _supply_chart(request, totals)})


@router.post("/mtc/deliveries")
def delivery(actor: Writer, db: DB, supply: Annotated[str, Form(max_length=64)],
             quantity: Annotated[int, Form(gt=0, le=10_000_000)],
             value: Annotated[float, Form(ge=0, le=1e9)],
             on: Annotated[date, Form()]) -> RedirectResponse:
    # (the bounds of `DeliveryIn`: a form outside them is refused as a bad field, not as
    # the service model's own error, which no handler answers)
    mtc.add_delivery(db, supply, mtc.DeliveryIn(quantity=quantity, value=value, on=on),
                     actor=actor)
    return RedirectResponse(f"/mtc#supply-{supply}", status_code=303)


# --- training quotas ---------------------------------------------------------------------


@router.get("/training", response_class=HTMLResponse)
def training(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    use = tr.use_by_year(conn, actor=actor)
    return render(request, "training.html", {
        "quotas": tr.list_quotas(conn, actor=actor), "institutions": tr.institutions(org),
        "limits": tr.section(org)["limits"], "use": use, "chart": _quota_chart(request, use)})


# --- joint exercises ---------------------------------------------------------------------


@router.get("/joint-exercises", response_class=HTMLResponse)
def exercises(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    cal = ex.calendar(conn, actor=actor)
    by_year: dict[str, int] = {}
    for e in sorted(cal, key=lambda e: e.start):
        by_year[str(e.start.year)] = by_year.get(str(e.start.year), 0) + 1
    return render(request, "joint_exercises.html", {
        "calendar": cal, "open": ex.findings(conn, actor=actor, open_only=True),
        "is_staff": staff(actor), "chart": _exercise_chart(request, by_year),
        "cancels": {e.key for e in cal if ex.may_cancel(actor, e.host)},
        "today": orgs.today(conn)})


@router.post("/joint-exercises/findings/{finding_id}")
def finding_done(finding_id: Id, actor: Writer, db: DB) -> RedirectResponse:
    ex.update_finding(db, finding_id, ex.FindingUpdate(status="done"), actor=actor)
    return RedirectResponse("/joint-exercises#findings", status_code=303)


@router.post("/joint-exercises/{key}/cancel")
def cancel_exercise(key: Key, actor: Writer, db: DB,
                    reason: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:
    """The host state (its representative), the Secretariat or the Joint Staff cancel a
    planned exercise, with its reason."""
    ex.cancel(db, key, ex.CancelIn.model_construct(reason=reason, on=None), actor=actor)
    return RedirectResponse(f"/joint-exercises#exercise-{key}", status_code=303)


# --- external relations ------------------------------------------------------------------


@router.get("/external", response_class=HTMLResponse)
def external(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    instruments = ext.instruments(conn, actor=actor)
    by_kind: dict[str, int] = {}
    for i in instruments:
        by_kind[i.kind] = by_kind.get(i.kind, 0) + 1
    return render(request, "external.html", {
        "partners": ext.partners(org), "instruments": instruments,
        "events": ext.events(conn, actor=actor),
        "counts": [h for h in org.historical_counts if h.kind == "statement"],
        "chart": _external_chart(request, by_kind)})


# --- the Secretariat's overview ----------------------------------------------------------


@router.get("/secretariat", response_class=HTMLResponse)
def secretariat(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    o = ov.overview(conn, actor=actor)
    totals = mtc.TotalsOut(years=o.mtc["years"], by_category={}, growth=None,
                           currency=o.mtc["currency"])
    use = [tr.UseOut(**u) for u in o.training["years"]]
    year = orgs.today(conn).year
    return render(request, "secretariat.html", {
        "o": o, "year": year, "years": list(range(year, year - 8, -1)),
        "charts": {
            "parliament": _progress_chart(request, o.parliament["progress"][-8:]),
            "mtc": _supply_chart(request, totals),
            "training": _quota_chart(request, use[-6:]),
            "exercises": _exercise_chart(request, o.exercises["by_year"]),
            "external": _external_chart(request, o.external["by_kind"])}})


@router.get("/secretariat/annual-report.pdf")
def annual_report_form(actor: Reader, conn: Conn,
                       year: Annotated[int | None, Query(ge=1, le=9999)] = None
                       ) -> RedirectResponse:
    y = year if year and 1990 <= year <= 2200 else orgs.today(conn).year
    return RedirectResponse(f"/secretariat/annual-report/{y}.pdf", status_code=303)


@router.get("/secretariat/annual-report/{year}.pdf")
def annual_report(request: Request, year: Annotated[int, Path(ge=1, le=9999)], actor: Reader,
                  conn: Conn) -> Response:
    if not 1990 <= year <= 2200:
        from phalanx.services.errors import Invalid

        raise Invalid("year", f"{year} is not a year of the organization")
    return Response(ov.annual_report_pdf(conn, year, actor=actor,
                                         texts=texts_for(language(request))),
                    media_type="application/pdf",
                    headers={"Content-Disposition":
                             f'inline; filename="annual-report-{year}.pdf"'})
