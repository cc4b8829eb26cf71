"""The notification outbox: what `open_crisis`, decisions and escalations queue, one
record per recipient, delivered by email (SMTP) and acknowledged by the recipient."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from pydantic import BaseModel
from sqlalchemy import Connection, select, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from phalanx.services.types import UtcDateTime

MAX_ATTEMPTS = 5


class NotificationOut(BaseModel):
    id: int
    created_at: UtcDateTime
    subject: str
    body: str
    topic: str
    delivered: bool
    acknowledged: bool


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    no_address: int


def deliver(db: Database, host: str, port: int, sender: str, batch: int = 200) -> Delivery:
    """Send what is pending; a failure is counted and retried later, up to 5 times."""
    with db.read() as conn:
        rows = list(conn.execute(
            select(t.notification, t.app_user.c.email)
            .join(t.app_user, t.app_user.c.username == t.notification.c.recipient)
            .where(t.notification.c.delivered_at.is_(None),
                   t.notification.c.attempts < MAX_ATTEMPTS)
            .order_by(t.notification.c.id).limit(batch)))
    if not rows:
        return Delivery(0, 0, 0)
    outcome: dict[int, str | None] = {}
    no_address = 0
    try:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            for r in rows:
                if not r.email:
                    outcome[r.id] = "the user has no email address"
                    no_address += 1
                    continue
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = sender, r.email, r.subject
                msg["X-Phalanx-Topic"] = r.topic
                msg.set_content(r.body)
                try:
                    smtp.send_message(msg)
                    outcome[r.id] = None
                except smtplib.SMTPException as exc:
                    outcome[r.id] = str(exc)
    except (OSError, smtplib.SMTPException) as exc:
        outcome = {r.id: f"SMTP {host}:{port}: {exc}" for r in rows}
    at = datetime.now(UTC)
    with db.write(SYSTEM) as w:
        for r in rows:
            error = outcome[r.id]
            w.conn.execute(update(t.notification).where(t.notification.c.id == r.id).values(
                attempts=r.attempts + 1, delivered_at=at if error is None else None,
                last_error=error))
        sent = sum(1 for e in outcome.values() if e is None)
        w.audit("outbox.deliver", "notification", f"{rows[0].id}-{rows[-1].id}",
                {"sent": sent, "failed": len(rows) - sent})
    return Delivery(sent, len(rows) - sent - no_address, no_address)


def mine(conn: Connection, *, actor: Principal, limit: int = 100) -> list[NotificationOut]:
    return [NotificationOut(id=r.id, created_at=r.created_at, subject=r.subject, body=r.body,
                            topic=r.topic, delivered=r.delivered_at is not None,
                            acknowledged=r.acknowledged_at is not None)
            for r in conn.execute(select(t.notification).where(
                t.notification.c.recipient == actor.username)
                .order_by(t.notification.c.id.desc()).limit(limit))]


def acknowledge(db: Database, notification_id: int, *, actor: Principal) -> None:
    with db.write(actor) as w:
        done = w.conn.execute(update(t.notification).where(
            t.notification.c.id == notification_id,
            t.notification.c.recipient == actor.username,
            t.notification.c.acknowledged_at.is_(None)).values(acknowledged_at=datetime.now(UTC)))
        if done.rowcount != 1:
            mine_ = w.conn.execute(select(t.notification.c.id).where(
                t.notification.c.id == notification_id,
                t.notification.c.recipient == actor.username)).first()
            if mine_ is None:
                raise NotFound("notification", notification_id)
        w.audit("notification.acknowledge", "notification", notification_id, {})
