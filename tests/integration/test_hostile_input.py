"""Input that once caused a server error answers 4xx, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app

HUGE = "99999999999999999999"


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    identity.add_user(db, identity.NewUser("staff", "Kettle-Harbour-Violet-42",
                                           Role.SECRETARIAT), actor=SYSTEM)
    token = api_tokens.issue_token(db, "staff", actor=SYSTEM).token
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


@pytest.mark.parametrize("body", [
    b'{"title": "x", "owner_kind": "state", "owner": "KAZ", "marking": "\\ud800"}',
    b'{"title": "\\udfff", "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL"}',
    b'{"\\ud800": 1}',
])
def test_a_lone_surrogate_is_refused_not_a_server_error(client: TestClient,
                                                        body: bytes) -> None:
    r = client.post("/api/v1/documents", content=body,
                    headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    if r.status_code != 201:
        assert r.headers["content-type"].startswith("application/problem+json")
        json.loads(r.content.decode("utf-8"))  # valid UTF-8 and JSON


@pytest.mark.parametrize("path", [
    f"/sessions/{HUGE}", f"/crises/{HUGE}", f"/crises/{HUGE}/live", f"/drafts/{HUGE}",
    f"/forces/map?crisis={HUGE}", f"/api/v1/events?topic=crisis:{HUGE}",
    f"/api/v1/events?topic=session:{HUGE}", f"/api/v1/events?topic=draft:{HUGE}",
    "/api/v1/events?topic=crisis:%D9%A3", f"/api/v1/events?topic=crisis:{'9' * 5000}",
    f"/secretariat/annual-report/{HUGE}.pdf", f"/sessions/{'9' * 5000}",
    f"/secretariat/annual-report.pdf?year={HUGE}",
])
def test_huge_and_odd_ids_are_refused_not_a_server_error(client: TestClient,
                                                         path: str) -> None:
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)


def test_huge_form_numbers_are_refused_not_a_server_error(client: TestClient) -> None:
    r = client.post("/crises/1/decision", data={"decision_id": HUGE})
    assert 400 <= r.status_code < 500, r.status_code


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/sessions", {"body": "csc", "opens_at": "9999-12-31T23:00:00Z"}, "opens_at"),
    ("/api/v1/sessions", {"body": "csc", "opens_at": "0001-01-01T01:00:00+05:00"},
     "opens_at"),
    ("/api/v1/drafts", {"body": "csc", "procedure": "written", "title": "On the plan",
                        "text_en": "To approve.", "deadline": "9999-12-31T23:30:00Z"},
     "deadline"),
])
def test_a_moment_at_the_ends_of_the_calendar_is_refused_naming_its_field(
        client: TestClient, path: str, body: dict[str, str], field: str) -> None:
    """A moment with no day where the Secretariat sits (Moscow is at +3: 9999-12-31 23:00
    UTC is past the calendar's end there) is a 422 naming the field, in both languages."""
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in r.text and "1900 to 2199" in r.text
    ru = client.post(path, json=body, headers={"Accept-Language": "ru"})
    assert ru.status_code == 422 and "1900–2199" in ru.text, ru.text
