"""CAP messages and feeds as pages: the messages received (each in the reader's
language, the others one click away, with warnings and signature), the feeds with their
status, and the crisis room's card of its messages with its areas drawn."""

from __future__ import annotations

from typing import Annotated, Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.services import alert_standing, alerts, feeds
from phalanx.services import watch as watchlist
from phalanx.services.errors import Conflict, Invalid
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id
from phalanx.web.i18n import N_, errors
from phalanx.web.pages import refusals
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]


def _shown(a: alerts.AlertOut, lang: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The info in the reader's language and the others."""
    if not a.infos:
        return None, []
    n = alerts.pick_info(a.infos, lang)
    return a.infos[n], [i for k, i in enumerate(a.infos) if k != n]


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    lang = language(request)
    items = [(a, _shown(a, lang)[0]) for a in alerts.listing(conn, actor=actor)]
    return render(request, "alerts.html", {"items": items})


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: Id, actor: Reader, conn: Conn) -> HTMLResponse:
    a = alerts.get(conn, alert_id, actor=actor)
    shown, others = _shown(a, language(request))
    return render(request, "alert.html", {"a": a, "shown": shown, "others": others})


@router.get("/crises/{crisis_id}/alerts-card", response_class=HTMLResponse)
def crisis_card(request: Request, crisis_id: Id, actor: Reader, conn: Conn) -> HTMLResponse:
    """The crisis room's card: its CAP messages and its areas drawn."""
    areas = alert_standing.crisis_areas(conn, crisis_id, actor=actor)
    chain = alerts.listing(conn, actor=actor, crisis_id=crisis_id)
    lang = language(request)
    return render(request, "_crisis_alerts.html", {
        "chain": [(a, _shown(a, lang)[0]) for a in chain],
        "cancelled": any(a.action == "cancelled" for a in chain),
        "areas_svg": areas_svg(areas)})


SEVERITIES = ["Extreme", "Severe", "Moderate", "Minor"]
# the label of each field of the form a refusal names (the form's own texts)
FIELDS = {"url": N_("Address (URL)"), "country": N_("State"), "interval_s": N_("Every (s)"),
          "min_severity": N_("Least severity"), "member_area": N_("any area")}


def _feeds_page(request: Request, conn: Any, status_code: int = 200,
                refusal: str = "", kept: dict[str, Any] | None = None) -> HTMLResponse:
    """The feeds, each one's last error in the reader's language, and the form to add
    one (with a refusal beside it and what was typed kept)."""
    lang = language(request)
    listed = feeds.listing(conn)
    shown = {f.id: errors.translate(f.last_error, lang, labelled=True) for f in listed}
    return render(request, "feeds.html", {"feeds": listed, "last_errors": shown,
                                          "severities": SEVERITIES, "refusal": refusal,
                                          "kept": kept or {}}, status_code=status_code)


@router.get("/feeds", response_class=HTMLResponse)
def feed_page(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    watchlist.may_keep(actor)
    return _feeds_page(request, conn)


def _refusal(exc: Exception, lang: str) -> str:
    """What a refused form here says, in `lang`, each field by its label."""
    return refusals.by_field(exc, lang, FIELDS)


@router.post("/feeds")
def feed_add(request: Request, actor: Writer, db: DB,
             url: Annotated[str, Form(max_length=2000)],
             country: Annotated[str, Form(max_length=3)],
             interval_s: Annotated[int, Form()] = 300,
             min_severity: Annotated[str, Form(max_length=16)] = "Severe",
             any_area: Annotated[bool, Form()] = False) -> Response:
    """Register a feed; refused (an address the poll would not fetch, a state that is no
    member's, a feed registered already), the page again with the refusal beside the
    form in the reader's language and what was typed kept: 422, or 409 for a feed
    registered already."""
    watchlist.may_keep(actor)
    try:
        feeds.add(db, feeds.FeedIn(url=url, country=country, interval_s=interval_s,
                                   min_severity=min_severity, member_area=not any_area),
                  actor=actor, policy=feeds.reach(request.app.state.settings))
    except (ValidationError, Invalid, Conflict) as exc:
        kept = {"url": url, "country": country, "interval_s": interval_s,
                "min_severity": min_severity, "any_area": any_area}
        with db.read() as conn:
            return _feeds_page(request, conn, 409 if isinstance(exc, Conflict) else 422,
                               _refusal(exc, language(request)), kept)
    return RedirectResponse("/feeds", status_code=303)


@router.post("/feeds/{feed_id}/active")
def feed_active(feed_id: Id, actor: Writer, db: DB,
                active: Annotated[bool, Form()]) -> Response:
    feeds.set_active(db, feed_id, active, actor=actor)
    return RedirectResponse("/feeds", status_code=303)


@router.post("/feeds/{feed_id}/poll")
def feed_poll(request: Request, feed_id: Id, actor: Writer, db: DB) -> Response:
    watchlist.may_keep(actor)
    feeds.poll(db, feed_id, actor=actor, **feeds.poll_settings(request.app.state.settings))
    return RedirectResponse("/feeds", status_code=303)


def areas_svg(collection: dict[str, Any], width: int = 480, height: int = 300) -> str:
    """The areas (GeoJSON, split at the meridian) drawn in their own frame, east of the
    meridian continued past 180° when they cross it."""
    rings: list[tuple[str, list[tuple[float, float]]]] = []
    for f in collection.get("features", []):
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else (
            g["coordinates"] if g["type"] == "MultiPolygon" else [])
        label = f["properties"].get("area", "")
        for poly in polys:
            for ring in poly[:1]:
                rings.append((label, [(x, y) for x, y in ring]))
    if not rings:
        return ""
    xs = [x for _, r in rings for x, _ in r]
    crosses = max(xs) > 170 and min(xs) < -170
    if crosses:
        rings = [(lbl, [(x + 360 if x < 0 else x, y) for x, y in r]) for lbl, r in rings]
        xs = [x for _, r in rings for x, _ in r]
    ys = [y for _, r in rings for _, y in r]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    pad = max(east - west, north - south, 0.05) * 0.1
    west, east, south, north = west - pad, east + pad, south - pad, north + pad
    scale = min(width / (east - west), height / (north - south))

    def pt(x: float, y: float) -> str:
        return f"{(x - west) * scale:.1f},{(north - y) * scale:.1f}"

    shapes = "".join(
        f'<polygon class="cap-area" fill="#c82828" fill-opacity="0.25" stroke="#b22222" '
        f'stroke-width="1" points="{" ".join(pt(x, y) for x, y in r)}">'
        f"<title>{escape(lbl)}</title></polygon>" for lbl, r in rings)
    w, h = (east - west) * scale, (north - south) * scale
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" '
            f'role="img" aria-label="alert areas" class="cap-areas">'
            f"{shapes}</svg>")
