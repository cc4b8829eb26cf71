"""Ending a user's web sessions from a test, as the passing of their time does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from phalanx.adapters.db import tables as t
from phalanx.services.db import Database


def end_sessions(db: Database, username: str) -> None:
    """The user's sessions end (their time is over, as after a long working day)."""
    with db.engine.begin() as conn:
        uid = conn.execute(select(t.app_user.c.id)
                           .where(t.app_user.c.username == username)).scalar_one()
        conn.execute(update(t.web_session).where(t.web_session.c.user_id == uid)
                     .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
