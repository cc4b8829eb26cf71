"""The public pages: home, members (with the timeline), bodies, agreements."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from phalanx.domain.organization import Organization
from phalanx.services import organization as orgs
from phalanx.web import charts
from phalanx.web.deps import Org
from phalanx.web.i18n import translator
from phalanx.web.pages.render import language, parse_day, render

router = APIRouter(include_in_schema=False)


def _day(request: Request) -> tuple[date, str | None]:
    """The `on` date of the query, or today with an error message naming the bad value."""
    raw = request.query_params.get("on")
    try:
        return parse_day(raw) or date.today(), None
    except ValueError:
        return date.today(), translator(language(request))("bad_date", value=raw)


def _names(org: Organization, lang: str) -> dict[str, dict[str, str]]:
    return {
        "state_names": {k: s.name.get(lang) for k, s in org.states.items()},
        "office_names": {k: o.name.get(lang) for k, o in org.offices.items()},
        "post_names": {k: p.name.get(lang) for k, p in org.posts.items()},
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, org: Org) -> HTMLResponse:
    return render(request, "home.html", {
        "members": orgs.members_on(org, date.today()), "bodies": orgs.bodies(org),
        "agreements": orgs.agreements(org)})


@router.get("/members", response_class=HTMLResponse)
def members(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request)
    svg = charts.membership_timeline(orgs.timeline(org), day, date.today(), language(request))
    return render(request, "members.html", {
        "day": day, "error": error, "members": orgs.members_on(org, day),
        "timeline_svg": svg}, status_code=400 if error else 200)


@router.get("/members/table", response_class=HTMLResponse)
def members_table(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request)
    svg = charts.membership_timeline(orgs.timeline(org), day, date.today(), language(request))
    return render(request, "_members_table.html", {
        "day": day, "error": error, "members": [] if error else orgs.members_on(org, day),
        "timeline_svg": svg}, status_code=400 if error else 200)


@router.get("/bodies", response_class=HTMLResponse)
def bodies(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request)
    return render(request, "bodies.html", {"day": day, "error": error,
                                           "bodies": orgs.bodies(org, day)},
                  status_code=400 if error else 200)


@router.get("/bodies/{key}", response_class=HTMLResponse)
def body(request: Request, key: str, org: Org) -> HTMLResponse:
    day, error = _day(request)
    if error:
        return render(request, "error.html", {"title": "400", "detail": error}, 400)
    return render(request, "body.html", {
        "day": day, "c": orgs.composition(org, key, day), **_names(org, language(request))})


@router.get("/agreements", response_class=HTMLResponse)
def agreements(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request)
    return render(request, "agreements.html", {
        "day": day, "error": error, "agreements": orgs.agreements(org, day),
        **_names(org, language(request))}, status_code=400 if error else 200)
