"""A session's link is opened from every member's page: only a web address is taken
(http:// or https://), never a script (`javascript:`) or a file's address; refused
where it is typed, in the API and on the sessions page, and nothing is convened."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

HOSTILE = ["javascript:alert(document.cookie)", "JavaScript://%0aalert(1)",
           "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
           "//evil.example/join", "https:// spaced.example", "vbscript:msgbox(1)"]


def _sessions(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.meeting)).scalar_one())


def _video(link: str) -> dict[str, str]:
    return {"body": "csc", "kind": "extraordinary", "mode": "video_conference",
            "opens_at": "2026-12-20T10:00:00Z", "link": link}


@pytest.mark.parametrize("link", HOSTILE)
def test_a_link_that_is_no_web_address_is_refused_naming_the_link(
        accounts_db: Database, settings: Settings, link: str) -> None:
    client = TestClient(create_app(settings, accounts_db))
    before = _sessions(accounts_db)
    r = client.post("/api/v1/sessions", json=_video(link),
                    headers=bearer(accounts_db, "secretariat"))
    assert r.status_code == 422, r.text
    assert [e["where"] for e in r.json()["errors"]] == ["body.link"]
    assert "https:// or http://" in r.json()["detail"]
    assert _sessions(accounts_db) == before


def test_the_sessions_page_refuses_it_beside_the_form_and_takes_a_web_address(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    login(client, "secretariat", "demo-secretariat")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/sessions").text).group(1)  # type: ignore[union-attr]
    before = _sessions(accounts_db)
    r = client.post("/sessions", data={**_video(HOSTILE[0]), "opens_at": "2026-12-20T10:00",
                                       "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 422
    assert "https:// or http://" in r.text and 'href="javascript:' not in r.text
    assert _sessions(accounts_db) == before
    r = client.post("/sessions", data={**_video("https://vc.example.org/csc?room=7"),
                                       "opens_at": "2026-12-20T10:00", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert 'href="https://vc.example.org/csc?room=7"' in page
