"""The database going away (not reachable, its file read-only) while the server runs:
the API answers 503 problem+json with Retry-After, a page the error page saying so in
its language, and the log one line naming the error, not a traceback a request."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app

GONE = "the database is not available at the moment"


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _swap(client: TestClient, url: str) -> Database:
    """The server's database replaced, as if the one it had went away."""
    gone = Database(sa.create_engine(url, poolclass=sa.pool.NullPool))
    client.app.state.db = gone  # type: ignore[attr-defined]
    return gone


def test_an_unreachable_database_is_a_503_not_a_traceback(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    gone = _swap(client, "sqlite:////proc/no-such-dir/phalanx.db")
    with caplog.at_level(logging.INFO):
        api = client.get("/api/v1/members")
        page = client.get("/members", headers={"Accept-Language": "ru"})
    gone.dispose()
    assert api.status_code == 503, api.text
    assert api.headers["content-type"] == "application/problem+json"
    assert api.headers["retry-after"] == "5"
    assert GONE in api.json()["detail"]
    assert page.status_code == 503, page.text
    assert "База данных сейчас недоступна" in page.text
    said = [r for r in caplog.records if r.getMessage() == "database unavailable"]
    assert len(said) == 2 and "unable to open database file" in said[0].fields["error"]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_read_only_database_refuses_a_write_with_a_503(
        client: TestClient, accounts_db: Database) -> None:
    token = tokens.issue_token(accounts_db, "secretariat", actor=SYSTEM).token
    path = accounts_db.engine.url.database
    _swap(client, f"sqlite:///file:{path}?mode=ro&uri=true")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.patch("/api/v1/me", json={"language": "ru"}, headers=auth)
    assert r.status_code == 503, r.text
    assert GONE in r.json()["detail"]
    assert client.get("/api/v1/me", headers=auth).json()["language"] is None
    assert client.get("/api/v1/members").status_code == 200  # what only reads still works
