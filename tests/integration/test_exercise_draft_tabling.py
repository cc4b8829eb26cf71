"""A draft tabled outside an exercise's sessions and named for the exercise's crisis (the
API's `crisis_id`) is refused, with nothing stored: the refusal names no draft number (the
draft was never made; its number goes to the next one) and says where such a draft is
tabled, in English and in Russian."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer

SEC = Principal("secretariat", Role.SECRETARIAT)


def test_a_real_draft_named_for_an_exercise_s_crisis_is_refused_by_no_number(
        accounts_db: Database, settings: Settings) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="CPX Southern Shield", category="armed_attack", affected=["TJK"],
        place="Isfara", lat=40.12, lon=70.63, exercise=True), actor=SEC)
    with accounts_db.read() as conn:
        before = conn.execute(select(func.count()).select_from(t.draft)).scalar_one()
    body = {"body": "csc", "title": "On assistance to Tajikistan",
            "text_en": "To send the CRRF.", "crisis_id": c.id, "procedure": "written",
            "deadline": "2030-01-10T12:00:00Z"}
    with TestClient(create_app(settings, accounts_db)) as client:
        headers = bearer(accounts_db, "secretariat")
        r = client.post("/api/v1/drafts", json=body, headers=headers)
        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        said = r.json()["detail"]
        assert "tabled in one of the exercise's sessions" in said, said
        assert not re.search(r"draft \d", said), said
        ru = client.post("/api/v1/drafts", json=body,
                         headers=headers | {"Accept-Language": "ru"}).json()["detail"]
        assert not re.search(r"[A-Za-z]{4,}", ru), ru
    with accounts_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.draft)).scalar_one() == before
