"""The public pages: home, members (with the timeline), bodies, agreements.

Every dated page takes `?on=YYYY-MM-DD` (today when absent); a bad value gets the page
with a message saying what is wrong, and status 400."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from phalanx.domain.organization import Organization
from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services import organization_terms as terms
from phalanx.web import charts, cop
from phalanx.web.deps import Org
from phalanx.web.i18n import translator
from phalanx.web.pages.render import language, language_links, parse_day, render

router = APIRouter(include_in_schema=False)


def _day(request: Request, org: Organization) -> tuple[date | None, str | None]:
    """The `on` date of the query (today when absent), or None and a message naming the
    bad value."""
    raw = request.query_params.get("on")
    try:
        return parse_day(raw) or clock.today(org), None
    except ValueError:
        _ = translator(language(request))
        return None, _("“%(value)s” is not a date (use YYYY-MM-DD).", value=raw)


def _names(org: Organization, lang: str) -> dict[str, dict[str, str]]:
    """Code to name, in the page's language, for states, offices and posts."""
    return {
        "state_names": {k: s.name.get(lang) for k, s in org.states.items()},
        "office_names": {k: o.name.get(lang) for k, o in org.offices.items()},
        "post_names": {k: p.name.get(lang) for k, p in org.posts.items()},
        "body_abbr": {k: b.abbreviation.get(lang) for k, b in org.bodies.items()
                      if b.abbreviation},
    }


def _status(error: str | None) -> int:
    return 400 if error else 200


@router.get("/", response_class=HTMLResponse)
def home(request: Request, org: Org) -> HTMLResponse:
    today = clock.today(org)
    bodies = orgs.bodies(org, today)
    return render(request, "home.html", {
        "members": orgs.members_on(org, today),
        "bodies": bodies, "main_bodies": [b for b in bodies if b.parent is None],
        "agreements": orgs.agreements(org, today), **_names(org, language(request))})


def _members_context(request: Request, org: Organization) -> dict[str, Any]:
    day, error = _day(request, org)
    if day is None:
        return {"day": None, "error": error, "members": [], "timeline_svg": ""}
    svg = charts.membership_timeline(terms.timeline(org), day, clock.today(org),
                                       language(request))
    return {"day": day, "error": None, "members": orgs.members_on(org, day),
            "timeline_svg": svg}


@router.get("/members", response_class=HTMLResponse)
def members(request: Request, org: Org) -> HTMLResponse:
    ctx = _members_context(request, org)
    return render(request, "members.html", ctx, status_code=_status(ctx["error"]))


@router.get("/members/table", response_class=HTMLResponse)
def members_table(request: Request, org: Org) -> HTMLResponse:
    """The part of /members that follows the date picker (htmx swaps it in place). The
    address bar and the language links follow the chosen date."""
    ctx = _members_context(request, org)
    headers = {}
    if ctx["day"] is not None:
        headers["HX-Push-Url"] = f"/members?on={ctx['day'].isoformat()}"
    ctx.update(oob=True, languages=language_links(request, "/members"))
    return render(request, "_members_table.html", ctx, status_code=_status(ctx["error"]),
                  headers=headers)


@router.get("/bodies", response_class=HTMLResponse)
def bodies(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request, org)
    return render(request, "bodies.html", {
        "day": day, "error": error, "bodies": orgs.bodies(org, day) if day else [],
        **_names(org, language(request))}, status_code=_status(error))


@router.get("/bodies/{key}", response_class=HTMLResponse)
def body(request: Request, key: str, org: Org) -> HTMLResponse:
    lang = language(request)
    if key not in org.bodies:
        _ = translator(lang)
        return render(request, "error.html", {
            "title": _("Not found"), "detail": _("There is no body “%(key)s”.", key=key),
            "back": ("/bodies", _("All bodies"))}, status_code=404)
    day, error = _day(request, org)
    every = {b.key: b for b in orgs.bodies(org)}
    parent = org.bodies[key].parent
    return render(request, "body.html", {
        "day": day, "error": error, "body": every[key],
        "parent": every.get(parent) if parent else None,
        "children": [b for b in orgs.bodies(org, day) if b.parent == key] if day else [],
        "c": orgs.composition(org, key, day) if day else None,
        "terms": {p.key: terms.post_on(org, p.key, day) for p in org.posts.values()
                  if p.body == key and p.terms_from} if day else {},
        # an observer state by its name in the page's language (the composition names
        # observers as the dataset does, in English)
        "observer_names": {o.name: org.states[o.state].name.get(lang)
                           for o in org.bodies[key].observers if o.state in org.states},
        **_names(org, lang)}, status_code=_status(error))


@router.get("/agreements", response_class=HTMLResponse)
def agreements(request: Request, org: Org) -> HTMLResponse:
    day, error = _day(request, org)
    return render(request, "agreements.html", {
        "day": day, "error": error, "agreements": orgs.agreements(org, day) if day else [],
        "titles": org.agreements,  # an agreement another modifies or is modified by
        **_names(org, language(request))}, status_code=_status(error))


@router.get("/maps/land.geojson")
def land(request: Request) -> Response:
    """The base layer of the interactive maps: the countries' shapes (public data)."""
    gz = "gzip" in request.headers.get("accept-encoding", "")
    headers = {"cache-control": "public, max-age=86400", "vary": "Accept-Encoding"}
    if gz:
        headers["content-encoding"] = "gzip"
    return Response(cop.land_bytes(gz), media_type="application/geo+json", headers=headers)
