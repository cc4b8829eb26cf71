"""The caller's own notifications under /api/v1/notifications."""

from __future__ import annotations

from fastapi import APIRouter

from phalanx.services import outbox
from phalanx.web.auth import Reader
from phalanx.web.deps import DB, Conn, Id

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=list[outbox.NotificationOut])
def my_notifications(actor: Reader, conn: Conn) -> list[outbox.NotificationOut]:
    return outbox.mine(conn, actor=actor)


@router.post("/notifications/{notification_id}/ack", status_code=204)
def acknowledge(notification_id: Id, actor: Reader, db: DB) -> None:
    """Acknowledge a notification (recorded, so the Secretariat sees who has seen it)."""
    outbox.acknowledge(db, notification_id, actor=actor)
