"""The inbox: the landing page after login, what awaits the user (see
`phalanx.services.inbox`). The list follows the live events of what it shows (htmx's
server-sent-events extension) and fetches itself again when one arrives; a notification
is acknowledged from it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.services import inbox as ib
from phalanx.services import outbox
from phalanx.services.clock import now
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id
from phalanx.web.pages.render import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]


def _context(conn: Conn, actor: Principal) -> dict[str, object]:
    at = now()
    items = ib.inbox(conn, actor=actor, at=at)
    shown = [int(i.href.rsplit("-", 1)[1]) for i in items if i.kind == "notification"]
    return {"items": items, "topics": ib.topics(conn, items, actor=actor), "now": at,
            "unread": outbox.unread_count(conn, actor=actor) if shown else 0,
            "shown": len(shown), "newest": max(shown, default=0)}


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    return render(request, "inbox.html", _context(conn, actor))


@router.get("/inbox/items", response_class=HTMLResponse)
def inbox_items(request: Request, actor: Reader, conn: Conn) -> HTMLResponse:
    return render(request, "_inbox_items.html", _context(conn, actor))


@router.post("/inbox/notifications/done", response_model=None)
def acknowledge_all(actor: Reader, db: DB,
                    up_to: Annotated[int, Form(ge=1, le=2**63 - 1)]) -> Response:
    """Mark as read every notification up to the newest the page showed."""
    outbox.acknowledge_all(db, actor=actor, up_to=up_to)
    return RedirectResponse("/inbox", status_code=303)


@router.post("/inbox/notifications/{notification_id}/done", response_model=None)
def acknowledge(notification_id: Id, actor: Reader, db: DB) -> Response:
    outbox.acknowledge(db, notification_id, actor=actor)
    return RedirectResponse("/inbox", status_code=303)
