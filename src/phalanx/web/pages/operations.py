"""Operation pages: the list, the dashboard (figures, charts, corridors on a map),
the upload with every error in its row, and the printable report."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from phalanx.adapters import template
from phalanx.adapters.ingest import FileProblem, read_file
from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.operations import months, results
from phalanx.services import operation_years, opsreport
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.web import charts, maps
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Org
from phalanx.web.i18n import errors, labeller, month_name, texts_for, translator
from phalanx.web.pages.drafts import state_names
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _marking(actor: Principal, lang: str = "en") -> str:
    """What a printed page carries: the widest marking its figures may include."""
    _, label = translator(lang), labeller(lang)
    if actor.role is Role.OBSERVER:
        return _("RELEASED TO OBSERVERS")
    organization = label("marking", "ORGANIZATION")
    if actor.role is Role.REPORTER and actor.state and actor.agency:
        # an agency's reporter reads its own agency's national reports, no other of its
        # state's (`domain/access/policy.py`, `read_scope`)
        return f"{organization} · " + _("includes NATIONAL data of %(state)s's %(agency)s",
                                        state=actor.state,
                                        agency=label("agency", actor.agency))
    return (f"{organization} · " + _("includes NATIONAL data of %(state)s", state=actor.state)
            if actor.state else organization)


@router.get("/operations", response_class=HTMLResponse)
def operations(request: Request, actor: Reader, org: Org) -> HTMLResponse:
    return render(request, "operations.html", {"ops": list(org.operations.values()),
                                               "bodies": org.bodies})


@router.get("/operations/{key}", response_class=HTMLResponse)
def dashboard(request: Request, key: str, actor: Reader, conn: Conn, org: Org,
              stage: str | None = None, year: str | None = None) -> HTMLResponse:
    d = opsreport.dashboard(conn, key, actor=actor, stage=stage or None, year=_year(year))
    svg = maps.render(maps.Box(west=24, south=33, east=82, north=57),
                      [], routes=[(maps.atlas_name(c.route_from), maps.atlas_name(c.route_to),
                                   c.kg) for c in d["corridors"]], lang=language(request))
    names = state_names(org, language(request))
    return render(request, "operation.html", {
        **_charts(request, conn, key, actor, stage or None, _year(year), names),
        **d, "key": key, "states": names, "map_svg": svg, "marking": _marking(actor),
        "route_names": opsreport.route_names(conn, d["corridors"], language(request)),
        "for_observers": actor.role is Role.OBSERVER, "national_of": actor.state,
        "closed_year": operation_years.closed_years(conn).get(_year(year) or 0),
        "may_submit": ops.why_not_submit(d["op"], actor) is None})


def _charts(request: Request, conn: Conn, key: str, actor: Principal, stage: str | None,
            year: int | None, names: dict[str, str]) -> dict[str, str]:
    """The page's charts, drawn as the other pages' (SVG), in the page's language, the
    states by their names in it (`names`)."""
    lang = language(request)
    _, label = translator(lang), labeller(lang)
    op = ops.operation(conn, key)
    metric = results.headline(op.get("kind", ""))
    stages = opsreport.by_stage(conn, key, actor=actor, texts=texts_for(lang), stage=stage,
                                year=year, metric=metric)
    columns = list(dict.fromkeys(s for points in stages.values() for s, _v in points))
    per_state = {names.get(state) or state: [dict(points).get(s, 0.0) for s in columns]
                 for state, points in sorted(stages.items())}
    month = _month_chart(conn, key, actor, stage, year, metric, lang)
    if not opsreport.seizures(op):  # its counts: by metric, and its headline's by stage
        names, counts = opsreport.by_metric(conn, key, actor=actor, stage=stage, year=year)
        return {"substance_chart": charts.bars(
                    [label("metric", m) for m in names], {_("reported through Phalanx"): counts},
                    _("Results by metric"), chart_id="substance-chart", lang=lang),
                "stage_chart": charts.bars(
                    columns, per_state, _("%(metric)s by stage and state",
                                          metric=label("metric", metric)),
                    chart_id="stage-chart", lang=lang), **month}
    keys, values, hist = opsreport.by_substance(conn, key, actor=actor, stage=stage,
                                                year=year)
    series = {_("reported through Phalanx"): values}
    if hist is not None:
        series[_("historical total (reported by the organization)")] = hist
    return {"substance_chart": charts.bars([label("substance", k) for k in keys], series,
                                           _("Seizures by substance"), _("kg"),
                                           chart_id="substance-chart", lang=lang),
            "stage_chart": charts.bars(columns, per_state, _("Seizures by stage and state"),
                                       _("kg"), chart_id="stage-chart", lang=lang), **month}


def _month_chart(conn: Conn, key: str, actor: Principal, stage: str | None,
                 year: int | None, metric: str, lang: str) -> dict[str, Any]:
    """The headline metric month by month of the year shown (the latest with reports
    unless one is asked for), each month by its name in the page's language; a month
    still to come is drawn with none, not a zero. Its rows for the table beside it."""
    _, label = translator(lang), labeller(lang)
    shown, totals = opsreport.by_month(conn, key, actor=actor, stage=stage, year=year,
                                       metric=metric)
    if shown is None:
        return {"month_chart": "", "month_year": None, "month_rows": []}
    values = months.series(totals, shown, orgs.today(conn))
    names = [month_name(m, lang) for m in months.MONTHS]
    title = (_("Seizures by month, %(year)s", year=shown) if metric == "seizure"
             else _("%(metric)s by month, %(year)s", metric=label("metric", metric),
                    year=shown))
    unit = _("kg") if metric == "seizure" else ""
    return {"month_chart": charts.bars(names, {label("metric", metric): values}, title,
                                       unit, chart_id="month-chart", lang=lang),
            "month_year": shown, "month_unit": "kg" if metric == "seizure" else "count",
            "month_rows": [(month_name(m, lang, "wide"), v)
                           for m, v in zip(months.MONTHS, values, strict=True)
                           if v is not None]}


def _year(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 1990 <= int(raw) <= 2200 else None


@router.get("/operations/{key}/seizures.png")
def seizures_png(request: Request, key: str, actor: Reader, conn: Conn,
                 stage: str | None = None, year: str | None = None) -> Response:
    lang = language(request)
    return Response(opsreport.seizures_chart(conn, key, actor=actor, stage=stage or None,
                                             marking=_marking(actor, lang), year=_year(year),
                                             texts=texts_for(lang)),
                    media_type="image/png")


@router.get("/operations/{key}/stages.png")
def stages_png(request: Request, key: str, actor: Reader, conn: Conn,
               stage: str | None = None, year: str | None = None) -> Response:
    lang = language(request)
    return Response(opsreport.stages_chart(conn, key, actor=actor,
                                           marking=_marking(actor, lang),
                                           texts=texts_for(lang), stage=stage or None,
                                           year=_year(year)),
                    media_type="image/png")


@router.get("/operations/{key}/report.pdf")
def report(request: Request, key: str, actor: Reader, conn: Conn, stage: str | None = None,
           year: str | None = None) -> Response:
    """The printable report of a stage, a year, or the whole operation, in the reader's
    language."""
    lang = language(request)
    return Response(opsreport.report_pdf(conn, key, actor=actor, stage=stage or None,
                                         marking=_marking(actor, lang), year=_year(year),
                                         texts=texts_for(lang)),
                    media_type="application/pdf")


@router.get("/operations/{key}/statistics.csv")
def statistics_csv(request: Request, key: str, actor: Reader, conn: Conn,
                   stage: str | None = None, year: str | None = None,
                   lang: str | None = None) -> Response:
    """The totals the reader may see, row by row, for a spreadsheet in the page's language
    (or `lang`'s): on a Russian page, the columns and the values people read in Russian,
    semicolons and decimal commas, as a Russian spreadsheet takes them; in English, the
    keys (what a program reads)."""
    lang = lang if lang in ("en", "ru") else language(request)
    body = opsreport.statistics_csv(conn, key, actor=actor, marking=_marking(actor, lang),
                                    stage=stage or None, year=_year(year),
                                    semicolons=lang == "ru",
                                    texts=texts_for(lang) if lang == "ru" else None)
    scope = "".join(f"-{v}" for v in (stage, _year(year)) if v)
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{key}{scope}-statistics.csv"'})


# the units of each way a metric is measured, as `results.check_row` takes them
UNITS = {"mass_or_volume": [*results.MASS_UNITS, *results.VOLUME_UNITS],
         "mass": list(results.MASS_UNITS), "count": [results.COUNT]}


def _allowed(op: dict[str, Any]) -> dict[str, Any]:
    """What the upload page lists as the values each column takes: the units with the
    metrics each serves (a seizure in g to l, explosives by mass, the rest counted)."""
    metrics = sorted(results.OPERATION_METRICS.get(op.get("kind", ""), results.METRICS))
    units = [(units, [m for m in metrics if results.METRICS[m] == measure])
             for measure, units in UNITS.items()]
    return {"columns": list(results.COLUMNS), "metrics": metrics,
            "substances": list(results.SUBSTANCES), "units": [u for u in units if u[1]],
            "russian_units": ", ".join(results.RUSSIAN_UNITS)}


@router.get("/operations/{key}/upload", response_class=HTMLResponse)
def upload_form(request: Request, key: str, actor: Writer, conn: Conn) -> HTMLResponse:
    """The upload form; to a user who may not submit results, why not, instead of it."""
    op = ops.operation(conn, key)
    return render(request, "upload.html", {"op": op, "key": key, "result": None,
                                           "problem": None, "closed": _closed(conn),
                                           **_refusal(op, actor),
                                           **_allowed(op)})


def _refusal(op: dict[str, Any], actor: Principal) -> dict[str, Any]:
    """Why the user may not submit (None: it may), and its state's agencies that take part."""
    return {"refusal": ops.why_not_submit(op, actor),
            "agencies": op.get("agencies", {}).get(actor.state or "", [])}


def _example(op: dict[str, Any], day: date) -> dict[str, Any]:
    """One example row of this operation, one that passes the row check: its last stage
    begun by `day`, the organization's day (a result is dated on a day that has come), a
    metric it reports (a seizure, with its decimal mark, where it reports seizures)."""
    stages = op.get("stages") or [{}]
    today = day.isoformat()
    stage = next((s for s in reversed(stages) if s.get("start", "") <= today), stages[0])
    metrics = results.OPERATION_METRICS.get(op.get("kind", ""), {"seizure"})
    metric = "seizure" if "seizure" in metrics else sorted(metrics)[0]
    start = stage.get("start")
    return {"reference": "EXAMPLE-1", "date": date.fromisoformat(start) if start else "",
            "stage": stage.get("key", ""), "metric": metric,
            "substance": "heroin" if metric == "seizure" else "",
            "quantity": 1.5 if metric == "seizure" else 1,
            "unit": "kg" if metric == "seizure" else "count", "area": "Khorog"}


@router.get("/operations/{key}/upload/template.csv")
def upload_template(request: Request, key: str, actor: Writer, conn: Conn) -> Response:
    """The file to fill in: the columns, and one example row of this operation; for a
    Russian reader, as a Russian spreadsheet writes CSV (semicolons, decimal commas)."""
    body = template.template_csv(_example(ops.operation(conn, key), orgs.today(conn)),
                                 semicolons=language(request) == "ru")
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{key}-template.csv"'})


@router.get("/operations/{key}/upload/template.xlsx")
def upload_template_xlsx(key: str, actor: Writer, conn: Conn) -> Response:
    """The same as a workbook, which opens alike whatever the spreadsheet's language."""
    example = _example(ops.operation(conn, key), orgs.today(conn))
    return Response(template.template_xlsx(example),
                    media_type=XLSX, headers={
                        "content-disposition": f'attachment; filename="{key}-template.xlsx"'})


@router.post("/operations/{key}/upload", response_class=HTMLResponse)
def upload(request: Request, key: str, actor: Writer, db: DB, conn: Conn,
           file: Annotated[UploadFile, File()],
           store_valid: Annotated[bool, Form()] = False,
           reason: Annotated[str, Form(max_length=500)] = "") -> HTMLResponse:
    op = ops.operation(conn, key)
    name = Path(file.filename or "upload").name
    problem, result = None, None
    notes: list[str] = []  # what the file was read as
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix.lower()) as tmp:
        while chunk := file.file.read(1024 * 1024):
            tmp.write(chunk)
        tmp.flush()
        try:
            result = ops.ingest(db, key, actor.state or "", actor.agency.value
                                if actor.agency else "", read_file(Path(tmp.name), notes),
                                actor=actor, source=name, store_valid=store_valid,
                                reason=reason or None)
        except FileProblem as exc:  # (said of the file by its name, not the temporary one)
            lang = language(request)
            message = errors.translate(exc.message.replace(Path(tmp.name).name, name), lang)
            _ = translator(lang)
            problem = _("%(file)s: %(message)s", file=name, message=message) if exc.row == 0 \
                else _("%(file)s: row %(row)s, %(column)s: %(message)s", file=name,
                       row=exc.row, column=exc.column, message=message)
    status = 422 if problem or (result and result.errors and not store_valid) else 200
    return render(request, "upload.html", {"op": op, "key": key, "result": result,
                                           "problem": problem, "file": name, "notes": notes,
                                           "reason": reason, "closed": _closed(conn),
                                           **_refusal(op, actor), **_allowed(op)},
                  status_code=status)


def _closed(conn: Conn) -> list[int]:
    """The years whose figures the Secretariat closed (a change to them needs a reason)."""
    return list(operation_years.closed_years(conn))
