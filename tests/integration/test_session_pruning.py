"""Browser sessions whose time is over do not pile up: a user's login removes its own
ended ones (and nobody else's); the table holds the living sessions only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import end_sessions, login


def _sessions(db: Database, username: str) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.web_session).join(
            t.app_user, t.app_user.c.id == t.web_session.c.user_id).where(
            t.app_user.c.username == username)).scalar_one()


def test_a_login_removes_the_users_ended_sessions_only(loaded_db: Database,
                                                        settings: Settings) -> None:
    for name in ("alice", "bob"):
        identity.add_user(loaded_db, identity.NewUser(name, "a-long-password",
                                                      Role.SECRETARIAT), actor=SYSTEM)
    with TestClient(create_app(settings, loaded_db), base_url="https://testserver") as c:
        for _ in range(3):  # three working days
            login(c, "alice", "a-long-password")
            login(c, "bob", "a-long-password")
            end_sessions(loaded_db, "alice")
            end_sessions(loaded_db, "bob")
        assert _sessions(loaded_db, "alice") == 1  # the ended ones of the days before gone
        login(c, "alice", "a-long-password")
        assert _sessions(loaded_db, "alice") == 1  # the living one only
        assert _sessions(loaded_db, "bob") == 1  # bob's ended one waits for bob's login
        assert c.get("/inbox").status_code == 200  # the new session works
