"""The crisis board and the crisis room."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import ORDER, Measure, Stage
from phalanx.domain.decisions import consultation as consult
from phalanx.domain.organization import Text
from phalanx.services import (
    alert_standing,
    crises,
    documents,
    forces,
    watch,
)
from phalanx.services import decisions as dec
from phalanx.services.errors import Conflict, Invalid
from phalanx.web import cop
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, FormYear, Id, Org
from phalanx.web.i18n import translator
from phalanx.web.pages import crisis_forces
from phalanx.web.pages import drafts as draft_pages
from phalanx.web.pages.render import language, language_links, pager, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]


BOARD_PAGE = 50  # crises on a page of the board (setting)
STAGES = "|".join(s.value for s in Stage)


@dataclass(frozen=True)
class BoardQuery:
    """The board's filter and page, as its form and links give them (empty: any)."""

    where: crises.BoardFilter = field(default_factory=crises.BoardFilter)
    page: int = 1

    def link(self, exercise: bool, closed: bool, page: int | None = None) -> str:
        w = self.where
        return "?" + urlencode({k: v for k, v in {
            "exercise": str(exercise).lower(), "closed": str(closed).lower(),
            "state": w.state, "year": w.year, "stage": w.stage.value if w.stage else None,
            "page": page}.items() if v})


def board_query(state: Annotated[str, Query(pattern=r"^([A-Z]{3})?$")] = "",
                year: FormYear = None,
                stage: Annotated[str, Query(pattern=rf"^({STAGES})?$")] = "",
                page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> BoardQuery:
    return BoardQuery(crises.BoardFilter(state=state or None, year=year,
                                         stage=Stage(stage) if stage else None), page)


Board = Annotated[BoardQuery, Depends(board_query)]


def _board_page(request: Request, actor: Principal, conn: Conn, org: Org,
                exercise: bool = False, closed: bool = False,
                form: dict[str, object] | None = None, error: str = "",
                status_code: int = 200, query: BoardQuery | None = None) -> HTMLResponse:
    q = query or BoardQuery()
    offset = (q.page - 1) * BOARD_PAGE
    items = crises.board(conn, actor=actor, include_closed=closed, exercise=exercise,
                         where=q.where, limit=BOARD_PAGE, offset=offset)
    total = crises.board_total(conn, actor=actor, include_closed=closed, exercise=exercise,
                               where=q.where)
    return render(request, "crises.html", {
        "crises": items, "exercise": exercise, "closed": closed,
        "map_data": "/crises/map.json" + q.link(exercise, closed, q.page),
        "board_link": "/crises" + q.link(exercise, closed, q.page),
        "where": q.where,
        **pager(lambda n: "/crises" + q.link(exercise, closed, n), q.page, BOARD_PAGE,
                len(items), total),
        "stages": [s.value for s in Stage],
        "tile_url": request.app.state.settings.map_tile_url,
        "places": crisis_forces.places(conn), "form": form or {}, "form_error": error,
        "categories": list(org.crisis_categories.values()),
        "states": sorted(org.states.values(), key=lambda s: s.code)},
        status_code=status_code)


@router.get("/crises", response_class=HTMLResponse)
def board(request: Request, actor: Reader, conn: Conn, org: Org, query: Board,
          exercise: bool = False, closed: bool = False) -> HTMLResponse:
    return _board_page(request, actor, conn, org, exercise, closed, query=query)


@router.get("/crises/map.json")
def board_map(request: Request, actor: Reader, conn: Conn, org: Org, query: Board,
              exercise: bool = False, closed: bool = False) -> JSONResponse:
    """The crisis board's map: the board's crises (framed on them), with the forces."""
    items = crises.board(conn, actor=actor, include_closed=closed, exercise=exercise,
                         where=query.where, limit=BOARD_PAGE,
                         offset=(query.page - 1) * BOARD_PAGE)
    return JSONResponse(cop.picture_data(forces.picture(conn, actor=actor), language(request),
                                         board=items, org=org),
                        headers={"cache-control": "no-store"})


def _coordinate(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if low <= value <= high else None


@router.post("/crises", response_model=None)
def open_crisis(request: Request, actor: Writer, db: DB, conn: Conn, org: Org,
                title: Annotated[str, Form(max_length=300)],
                category: Annotated[str, Form(max_length=64)],
                affected: Annotated[list[str] | None, Form()] = None,
                other_parties: Annotated[list[str] | None, Form()] = None,
                severity: Annotated[str, Form(max_length=32)] = "severe",
                place: Annotated[str, Form(max_length=300)] = "",
                lat: Annotated[str, Form(max_length=32)] = "",
                lon: Annotated[str, Form(max_length=32)] = "",
                description: Annotated[str, Form(max_length=20_000)] = "",
                exercise: Annotated[bool, Form()] = False,
                taking_part: Annotated[list[str] | None, Form()] = None) -> Response:
    """Report a crisis. Its place is a point: the coordinates the form's map or search
    filled in, or those of the dataset's place of that name. Without one, or with bad
    input, the board comes back with the message beside the form and the input kept.
    The exercises' board starts an exercise's crisis (`exercise`), read by the states
    taking part in it and the staff where some are named (the affected ones with
    them), by every member otherwise."""
    _ = translator(language(request))
    form = {"title": title, "category": category, "affected": affected or [],
            "other_parties": other_parties or [], "severity": severity, "place": place,
            "lat": lat, "lon": lon, "description": description,
            "taking_part": taking_part or []}
    board = partial(_board_page, request, actor, conn, org, exercise)
    y, x = _coordinate(lat, -90, 90), _coordinate(lon, -180, 180)
    if (lat or lon) and (y is None or x is None):
        return board(form=form, status_code=400,
                     error=_("The coordinates are not valid: latitude between -90 and 90, "
                             "longitude between -180 and 180, in degrees (e.g. "
                             "40.06 and 70.82)."))
    if y is None or x is None:
        known = {str(n).casefold(): p for p in crisis_forces.places(conn)
                 for n in (p["name"], p["name_ru"]) if n}
        found = known.get(place.strip().casefold())
        if found is None:
            return board(form=form, status_code=400,
                         error=_("Give the place: choose one of the list, click the map, "
                                 "or enter its latitude and longitude."))
        y, x = float(found["lat"]), float(found["lon"])  # type: ignore[arg-type]
    if not affected:
        return board(form=form, status_code=400,
                     error=_("Choose at least one affected state."))
    try:
        c = crises.open_crisis(db, crises.CrisisIn.model_validate({
            "title": title, "category": category, "affected": affected,
            "other_parties": [s for s in other_parties or [] if s], "severity": severity,
            "place": place.strip(), "lat": y, "lon": x,
            "description": description, "exercise": exercise,
            **({"marking": "PARTICIPANTS", "participants": sorted({*taking_part, *affected})}
               if exercise and taking_part else {})}), actor=actor)
    except (Invalid, ValidationError) as exc:
        message, _status = draft_pages.refusal(exc, language(request), org)
        return board(form=form, status_code=400, error=message)
    return RedirectResponse(f"/crises/{c.id}", status_code=303)


@router.get("/crises/{crisis_id}", response_class=HTMLResponse)
def room(request: Request, crisis_id: Id, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    return room_page(request, conn, crisis_id, actor, org)


def room_page(request: Request, conn: Conn, crisis_id: int, actor: Principal, org: Org,
              refusal: dict[str, object] | None = None, status_code: int = 200
              ) -> HTMLResponse:
    """The crisis room; with a `refusal` (a form of the room that was refused: which one,
    the message, what was typed) the room again at the address of the form's post, the
    message beside that form and its input kept (`crisis_forms`)."""
    room = _room(conn, crisis_id, actor, org, language(request))
    c: crises.CrisisOut = room["c"]  # type: ignore[assignment]
    room["place_map"] = _place_map(conn, c, actor)
    here = f"/crises/{crisis_id}"
    page = {"path": here, "languages": language_links(request, here)} if refusal else {}
    return render(request, "crisis.html", {
        **room, "tile_url": request.app.state.settings.map_tile_url, **page,
        **(refusal or {})}, status_code=status_code)


@router.get("/crises/{crisis_id}/live", response_class=HTMLResponse)
def room_live(request: Request, crisis_id: Id, actor: Reader, conn: Conn,
              org: Org) -> HTMLResponse:
    return render(request, "_crisis_live.html",
                  _room(conn, crisis_id, actor, org, language(request)))


@router.get("/crises/{crisis_id}/head", response_class=HTMLResponse)
def room_head(request: Request, crisis_id: Id, actor: Reader, conn: Conn) -> HTMLResponse:
    """The room's head (title, severity, place), replaced when a CAP Update changes them."""
    return render(request, "_crisis_head.html",
                  {"c": crises.get(conn, crisis_id, actor=actor), "live": True})


@router.get("/crises/{crisis_id}/place", response_class=HTMLResponse)
def room_place(request: Request, crisis_id: Id, actor: Reader, conn: Conn) -> HTMLResponse:
    """The room's place map, replaced when a CAP Update moves the place or its areas."""
    c = crises.get(conn, crisis_id, actor=actor)
    return render(request, "_crisis_place.html", {
        "c": c, "place_map": _place_map(conn, c, actor),
        "tile_url": request.app.state.settings.map_tile_url})


def _place_map(conn: Conn, c: crises.CrisisOut, actor: Principal) -> str:
    """The data of the place's interactive map (static/cop.js), framed on the place and
    its CAP areas; none without a place or an area."""
    if (c.lat is not None and c.lon is not None) or \
            alert_standing.crisis_areas(conn, c.id, actor=actor)["features"]:
        return f"/crises/{c.id}/map.json"
    return ""


def _room(conn: Conn, crisis_id: int, actor: Principal, org: Org, lang: str
          ) -> dict[str, object]:
    c = crises.get(conn, crisis_id, actor=actor)
    return {"c": c, "flow": ORDER, "measures": list(Measure),
            "stage_options": crises.stage_options(conn, crisis_id, actor=actor),
            "military_problems": crises.military_check(conn, crisis_id, actor=actor),
            "decisions": dec.list_decisions(conn, actor=actor, exercise=c.exercise),
            "documents": documents.search(conn, actor=actor, limit=100)[0],
            "now": datetime.now(UTC),
            # the bodies that may consult on it (the first by default)
            "convening_bodies": [org.bodies[k] for k in
                                 crises.convening_bodies(org, c.category)],
            **crisis_forces.room_context(conn, crisis_id, actor, org, lang),
            **_consultation_context(org)}


def _consultation_context(org: Org) -> dict[str, object]:
    """What the form for a decision by consultation offers: the bodies that decide so
    (dataset), their questions, the formations and the member states."""
    bodies = [b for b in org.bodies.values() if consult.questions(b.rules)]
    return {"consulting_bodies": bodies,
            "consultation_questions": sorted({q for b in bodies
                                              for q in consult.questions(b.rules)}),
            "formation_options": [
                {"key": f["key"], "name": Text((f.get("name") or {}).get("en") or f["key"],
                                               (f.get("name") or {}).get("ru", ""))}
                for f in org.forces.get("formations", [])],
            "state_names": {k: s.name for k, s in org.states.items()}}


@router.post("/crises/{crisis_id}/consultations")
def consultations(crisis_id: Id, actor: Writer, db: DB,
                  body: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Convene the consultations: of the body the Secretariat chose among those the
    crisis's category names, else the first of them."""
    crises.convene_consultations(db, crisis_id, actor=actor, body=body or None)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/consultation")
def consultation_draft(request: Request, crisis_id: Id, actor: Writer, db: DB, conn: Conn,
                       org: Org,
                       body: Annotated[str, Form(max_length=64)],
                       title: Annotated[str, Form(max_length=300)],
                       title_ru: Annotated[str, Form(max_length=300)] = "",
                       text_en: Annotated[str, Form(max_length=200_000)] = "",
                       text_ru: Annotated[str, Form(max_length=200_000)] = "",
                       question: Annotated[str, Form(max_length=32)] = "default",
                       measures: Annotated[list[Measure] | None, Form()] = None,
                       formations: Annotated[list[str] | None, Form()] = None,
                       contributing_states: Annotated[list[str] | None, Form()] = None,
                       period_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
                       period_limited: Annotated[bool, Form()] = False
                       ) -> Response:
    """Put a draft to the heads of state by consultation (its text in English, in
    Russian or in both); the chair records the answers and announces on the draft's
    page. Refused, the room comes back with the message beside the form and the input
    kept."""
    # within the frame of the crisis's session of that body (an exercise's always: its
    # decision is then the exercise's), with the crisis's marking
    form = {"body": body, "question": question, "title": title, "title_ru": title_ru,
            "text_en": text_en,
            "text_ru": text_ru, "measures": measures or [], "formations": formations or [],
            "contributing_states": contributing_states or [], "period_days": period_days,
            "period_limited": period_limited}
    try:
        d = crises.consultation_draft(db, crisis_id, dec.DraftIn(
            procedure="consultation", **form), actor=actor)
    except (Invalid, Conflict, ValidationError) as exc:
        message, status = draft_pages.refusal(exc, language(request), org)
        return room_page(request, conn, crisis_id, actor, org, {
            "consultation_form": {**form, "no_text": draft_pages.no_text(exc)},
            "consultation_error": message}, status)
    return RedirectResponse(f"/drafts/{d.id}", status_code=303)


@router.post("/crises/{crisis_id}/requests")
def request_assistance(crisis_id: Id, actor: Writer, db: DB,
                       resource: Annotated[str, Form(max_length=300)],
                       quantity: Annotated[int, Form(ge=1)],
                       unit: Annotated[str, Form(max_length=32)] = "units",
                       measure: Annotated[Measure, Form()] = Measure.HUMANITARIAN,
                       hours: Annotated[int, Form(ge=1, le=2160)] = 24) -> Response:
    crises.request_assistance(db, crisis_id, crises.RequestIn(
        resource=resource, quantity=quantity, unit=unit, measure=measure,
        needed_by=datetime.now(UTC) + timedelta(hours=hours)), actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/requests/{request_id}/offers")
def offer(request_id: Id, actor: Writer, db: DB,
          description: Annotated[str, Form(max_length=2000)],
          quantity: Annotated[int | None, Form(ge=1)] = None,
          kind: Annotated[str, Form(max_length=32)] = "units",
          units: Annotated[list[str] | None, Form()] = None,
          capability: Annotated[str, Form(max_length=32)] = "",
          strength: Annotated[int | None, Form(ge=1, le=100_000)] = None) -> Response:
    by_strength = kind == "units" and not units and capability and strength
    try:
        data = crises.OfferIn.model_validate(
            {"kind": kind, "description": description, "quantity": quantity,
             "units": (units or []) if kind == "units" else [],
             "capability": capability if by_strength else None,
             "strength": strength if by_strength else None})
    except ValidationError as exc:  # said as the API says it
        first = exc.errors()[0]
        raise Invalid(".".join(str(p) for p in first["loc"]) or "offer",
                      first["msg"].removeprefix("Value error, ")) from None
    c = crises.offer_assistance(db, request_id, data, actor=actor)
    return RedirectResponse(f"/crises/{c.id}", status_code=303)


@router.post("/offers/{offer_id}/decision")
def decide_offer(offer_id: Id, actor: Writer, db: DB,
                 accept: Annotated[bool, Form()]) -> Response:
    c = crises.decide_offer(db, offer_id, accept, actor=actor)
    return RedirectResponse(f"/crises/{c.id}", status_code=303)


@router.post("/crises/{crisis_id}/sitreps")
def sitrep(crisis_id: Id, actor: Writer, db: DB,
           situation: Annotated[str, Form(max_length=20_000)],
           casualties: Annotated[str, Form(max_length=5000)] = "",
           needs: Annotated[str, Form(max_length=5000)] = "",
           document_ids: Annotated[list[int] | None, Form()] = None) -> Response:
    crises.add_sitrep(db, crisis_id, crises.SitrepIn(
        situation=situation, casualties=casualties, needs=needs,
        document_ids=document_ids or []), actor=actor)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    return render(request, "watch.html", {
        "items": watch.listing(conn, actor=actor),
        "categories": list(org.crisis_categories.values()),
        "states": sorted(org.states.values(), key=lambda s: s.code)})


@router.post("/watch")
def add_watch(actor: Writer, db: DB, title: Annotated[str, Form(max_length=300)],
              region: Annotated[str, Form(max_length=300)],
              category: Annotated[str, Form(max_length=64)],
              risk: Annotated[str, Form(max_length=32)] = "elevated") -> Response:
    watch.add(db, watch.WatchIn.model_validate({"title": title, "region": region,
                                                "category": category, "risk": risk}),
              actor=actor)
    return RedirectResponse("/watch", status_code=303)


@router.post("/watch/{watch_id}/escalate")
def escalate_watch(watch_id: Id, actor: Writer, db: DB,
                   affected: Annotated[list[str], Form()]) -> Response:
    c = watch.escalate(db, watch_id, affected, actor=actor)
    return RedirectResponse(f"/crises/{c.id}", status_code=303)
