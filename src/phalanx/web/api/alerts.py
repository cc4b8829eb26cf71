"""CAP messages under /api/v1/alerts: receive one (whatever it does), list them, read
one with its warnings; a crisis's alerts and its areas as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from phalanx.services import alert_standing, alerts, distributions, feeds
from phalanx.services import watch as watchlist
from phalanx.web.auth import Reader, Writer
from phalanx.web.deps import DB, Conn, Id

router = APIRouter(tags=["alerts"])


@router.post("/alerts", response_model=alerts.IntakeOut | distributions.DistributionOut,
             status_code=201,
             openapi_extra={"requestBody": {"content": {"application/xml": {}}}})
async def receive(request: Request, actor: Writer, db: DB,
                  affected: Annotated[list[str], Query(min_length=1, max_length=20)],
                  category: Annotated[str | None, Query(max_length=64)] = None,
                  watch: bool = False) -> alerts.IntakeOut | distributions.DistributionOut:
    """Receive a CAP 1.2/1.1/1.0 message sent as the body: an alert opens a crisis (or a
    watch entry with `watch=true`), an update or cancellation changes what it
    references, the rest is stored. Warnings come back with the record. An EDXL-DE 1.0
    distribution's embedded alerts are received in one transaction (all or none), each
    result in `received`, the contentObjects without an alert in `warnings`."""
    data = await request.body()
    route = alerts.Route(tuple(a.upper() for a in affected), category,
                         to_crisis=(lambda *_: False) if watch else None)
    return await run_in_threadpool(distributions.receive, db, data, route, actor=actor,
                                   **alerts.trust_settings(request.app.state.settings))


@router.get("/alerts", response_model=list[alerts.AlertOut])
def listing(actor: Reader, conn: Conn,
            limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[alerts.AlertOut]:
    """Messages received, newest first."""
    return alerts.listing(conn, actor=actor, limit=limit)


@router.get("/alerts/{alert_id}", response_model=alerts.AlertOut)
def get_alert(alert_id: Id, actor: Reader, conn: Conn) -> alerts.AlertOut:
    return alerts.get(conn, alert_id, actor=actor)


@router.get("/crises/{crisis_id}/alerts", response_model=list[alerts.AlertOut])
def crisis_alerts(crisis_id: Id, actor: Reader, conn: Conn) -> list[alerts.AlertOut]:
    """The CAP messages of a crisis (alert, updates, cancellation), newest first."""
    alert_standing.crisis_areas(conn, crisis_id, actor=actor)  # 404 for a crisis one may not see
    return alerts.listing(conn, actor=actor, crisis_id=crisis_id)


@router.get("/crises/{crisis_id}/areas", responses={200: {
    "content": {"application/geo+json": {}}}})
def crisis_areas(crisis_id: Id, actor: Reader, conn: Conn) -> dict[str, Any]:
    """Every area of the crisis's CAP alert or update applied last (one only stored,
    such as an Update from another sender, never counts), as a GeoJSON
    FeatureCollection (split at the 180th meridian)."""
    return alert_standing.crisis_areas(conn, crisis_id, actor=actor)


@router.get("/feeds", response_model=list[feeds.FeedOut])
def feed_list(actor: Reader, conn: Conn) -> list[feeds.FeedOut]:
    """The CAP feeds polled for alerts, with their status and last error."""
    watchlist.may_keep(actor)
    return feeds.listing(conn)


@router.post("/feeds", response_model=feeds.FeedOut, status_code=201)
def feed_add(data: feeds.FeedIn, request: Request, actor: Writer, db: DB) -> feeds.FeedOut:
    """Register a feed (the Secretariat); the rule decides crisis or watch entry. An
    address a poll would refuse (loopback, private, link-local, a port or scheme not
    fetched) is refused (422 naming `url`); a name that resolves to nothing now is
    registered, the warning its last error."""
    return feeds.add(db, data, actor=actor, policy=feeds.reach(request.app.state.settings))


class FeedState(BaseModel):
    active: bool


@router.patch("/feeds/{feed_id}", response_model=feeds.FeedOut)
def feed_state(feed_id: Id, data: FeedState, actor: Writer, db: DB) -> feeds.FeedOut:
    """Pause or resume a feed."""
    return feeds.set_active(db, feed_id, data.active, actor=actor)


@router.post("/feeds/{feed_id}/poll", response_model=feeds.FeedOut)
async def feed_poll(feed_id: Id, request: Request, actor: Writer, db: DB) -> feeds.FeedOut:
    """Poll a feed now; its status says how it went."""
    watchlist.may_keep(actor)
    settings = feeds.poll_settings(request.app.state.settings)
    await run_in_threadpool(feeds.poll, db, feed_id, actor=actor, **settings)
    with db.read() as conn:
        return feeds.get(conn, feed_id)
