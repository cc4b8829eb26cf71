"""The review of an operation's results: a report's versions and its withdrawal, the
look-alike reports to resolve, and the years closed by the Secretariat with the changes
made to their figures after."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from phalanx.domain.access.policy import reviews_reports
from phalanx.domain.operations.closing import REASON_MAX
from phalanx.services import operation_duplicates as dups
from phalanx.services import (
    operation_history,
    operation_reports,
    operation_withdrawal,
    operation_years,
    opsreport,
)
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.services.errors import NotFound
from phalanx.web.deps import DB, Conn, Id
from phalanx.web.i18n import texts_for
from phalanx.web.pages.operations import Reader, Writer
from phalanx.web.pages.render import language, pager, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=REASON_MAX)]


@router.get("/operations/{key}/review", response_class=HTMLResponse)
def review(request: Request, key: str, actor: Reader, conn: Conn,
           resolved: bool = False) -> HTMLResponse:
    """The look-alike reports flagged (open ones, or all), and a report found by its
    reference."""
    op = ops.operation(conn, key)
    flags = dups.duplicates(conn, key, actor=actor, open_only=not resolved)
    return render(request, "operation_review.html", {
        "op": op, "key": key, "flags": flags, "resolved": resolved,
        "may_resolve": {f.id for f in flags if reviews_reports(actor, f.state, f.agency)},
        "states": sorted(op.get("agencies", {})),
        "agencies": sorted({a for v in op.get("agencies", {}).values() for a in v})})


@router.get("/operations/{key}/reports/{state}/{agency}/{reference:path}",
            response_class=HTMLResponse)
def report(request: Request, key: str, state: str, agency: str, reference: str,
           actor: Reader, conn: Conn) -> HTMLResponse:
    """Every version of one report the reader may see, and the form that withdraws it."""
    versions = operation_history.history(conn, key, state, agency, reference, actor=actor)
    if not versions:
        raise NotFound("report", reference)  # named by its reference: the page's words
    return render(request, "operation_report.html", {
        "op": ops.operation(conn, key), "key": key, "state": state, "agency": agency,
        "reference": reference, "versions": versions,
        "stage_names": opsreport.stage_names(conn, key, texts_for(language(request))),
        "may_withdraw": versions[0]["current"]
        and reviews_reports(actor, state, agency)})


@router.get("/operations/{key}/reports", response_class=HTMLResponse)
def reports(request: Request, key: str, actor: Reader, conn: Conn, state: str = "",
            agency: str = "", withdrawn: bool = False, page: int = 1) -> HTMLResponse:
    """The reports sent, a page at a time: an agency's reporter sees its own agency's
    unless it chooses others; the Secretariat chooses a state and an agency, or sees all."""
    state = (state or (actor.state if actor.agency else "") or "").strip().upper()
    agency = (agency or (actor.agency.value if actor.agency else "")).strip()
    page = max(page, 1)
    lines, total = operation_reports.reports(conn, key, actor=actor, state=state or None,
                                             agency=agency or None, withdrawn=withdrawn,
                                             page=page)
    query = urlencode({k: v for k, v in (("state", state), ("agency", agency),
                                         ("withdrawn", "true" if withdrawn else ""))
                       if v})

    def link(n: int) -> str:
        return f"/operations/{key}/reports?{query}{'&' if query else ''}page={n}"

    pairs = operation_reports.agencies(conn, key)
    return render(request, "operation_reports.html", {
        "op": ops.operation(conn, key), "key": key, "lines": lines, "state": state,
        "agency": agency, "withdrawn": withdrawn,
        "states": sorted({s for s, _ in pairs}), "agencies": sorted({a for _, a in pairs}),
        "stage_names": opsreport.stage_names(conn, key, texts_for(language(request))),
        **pager(link, page, operation_reports.PAGE, len(lines), total)})


@router.get("/operations/{key}/find-report")
def find_report(key: str, actor: Reader, state: str = "", agency: str = "",
                reference: str = "") -> RedirectResponse:
    """The review page's search: to the report's page (the reporter's own state and
    agency unless others are chosen)."""
    state = (state or actor.state or "").strip().upper()
    agency = (agency or (actor.agency.value if actor.agency else "")).strip()
    if not (state and agency and reference.strip()):
        return RedirectResponse(f"/operations/{key}/review", status_code=303)
    return RedirectResponse(_report_url(key, state, agency, reference.strip()),
                            status_code=303)


def _report_url(key: str, state: str, agency: str, reference: str) -> str:
    """A report's page: its reference as written, slashes and signs included, quoted."""
    return f"/operations/{key}/reports/{state}/{agency}/{quote(reference, safe='')}"


@router.post("/operations/{key}/reports/{state}/{agency}/{reference:path}/withdrawal")
def withdraw(key: str, state: str, agency: str, reference: str, actor: Writer, db: DB,
             reason: Text = "", back: Annotated[str, Form(max_length=16)] = "report"
             ) -> RedirectResponse:
    operation_withdrawal.withdraw(db, key, state, agency, reference, reason, actor=actor)
    to = (f"/operations/{key}/review" if back == "review"
          else _report_url(key, state, agency, reference))
    return RedirectResponse(to, status_code=303)


@router.post("/operations/{key}/duplicates/{flag_id}/keep")
def keep(key: str, flag_id: Id, actor: Writer, db: DB, note: Text = "") -> RedirectResponse:
    dups.resolve(db, key, flag_id, note, actor=actor)
    return RedirectResponse(f"/operations/{key}/review", status_code=303)


@router.get("/operation-years", response_class=HTMLResponse)
def years(request: Request, actor: Reader, conn: Conn, year: str | None = None
          ) -> HTMLResponse:
    """The closed years, the changes to one's figures since, and (to the Secretariat) the
    form that closes a year."""
    closed = operation_years.closed_years(conn)
    shown = int(year) if year and year.isdigit() and int(year) in closed else \
        max(closed, default=None)
    today = orgs.today(conn)
    return render(request, "operation_years.html", {
        "closed": list(closed.values()), "shown": shown,
        "changes": operation_years.late_changes(conn, shown, actor=actor)
        if shown is not None else [],
        "may_close": operation_years.may_close(actor),
        "closable": [y for y in range(today.year - 1, today.year - 6, -1) if y not in closed]})


@router.post("/operation-years/close")
def close(actor: Writer, db: DB, year: Annotated[int, Form(ge=1990, le=2200)],
          note: Text = "") -> RedirectResponse:
    operation_years.close_year(db, year, note, actor=actor)
    return RedirectResponse(f"/operation-years?year={year}", status_code=303)
