"""Signing in from a test (a page's login, an API bearer token) and ending a user's web
sessions, as the passing of their time does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database


def login(client: TestClient, user: str, password: str) -> None:
    """Sign in through the login page, as a browser does (its CSRF cookie included)."""
    client.get("/login")
    r = client.post("/login", data={"username": user, "password": password,
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def bearer(db: Database, user: str) -> dict[str, str]:
    """The headers of an API request with a new token of `user`."""
    return {"Authorization": f"Bearer {api_tokens.issue_token(db, user, actor=SYSTEM).token}"}


def end_sessions(db: Database, username: str) -> None:
    """The user's sessions end (their time is over, as after a long working day)."""
    with db.engine.begin() as conn:
        uid = conn.execute(select(t.app_user.c.id)
                           .where(t.app_user.c.username == username)).scalar_one()
        conn.execute(update(t.web_session).where(t.web_session.c.user_id == uid)
                     .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
