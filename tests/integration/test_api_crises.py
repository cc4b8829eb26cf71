"""The crisis API as a national system would use it: CAP upload with a token, the board,
refusals as problem+json with every reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.conftest import shared_file
from tests.support.capfiles import XXE


@pytest.fixture
def api(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    identity.add_user(loaded_db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "sec", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_cap_upload_opens_a_crisis_and_refusals_say_why(
        api: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = api
    data = shared_file("fixtures", "cap", "google-cap-library", "earthquake.cap").read_bytes()
    r = c.post("/api/v1/crises/cap", params={"affected": "KGZ"}, content=data,
               headers={**auth, "content-type": "application/xml"})
    assert r.status_code == 201, r.text
    crisis = r.json()
    assert crisis["category"] == "natural_disaster" and crisis["stage"] == "reported"
    assert [x["id"] for x in c.get("/api/v1/crises", headers=auth).json()] == [crisis["id"]]
    r = c.post(f"/api/v1/crises/{crisis['id']}/transition", json={"to": "decision"},
               headers=auth)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "cannot go from reported to decision" in r.json()["detail"]
    r = c.post(f"/api/v1/crises/{crisis['id']}/consultations", headers=auth)
    assert r.status_code == 200 and r.json()["stage"] == "consultations"
    assert c.get(f"/api/v1/crises/{crisis['id']}/cap.xml", headers=auth).content.startswith(
        b"<?xml")


def test_a_hostile_cap_upload_stores_nothing(api: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = api
    not_cap = b'<?xml version="1.0"?><alert xmlns="urn:example:not-cap"><identifier>1' \
              b'</identifier></alert>'
    for data in (XXE, not_cap):
        r = c.post("/api/v1/crises/cap", params={"affected": "KGZ"}, content=data,
                   headers={**auth, "content-type": "application/xml"})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["where"].startswith("/")
    assert c.get("/api/v1/crises", headers=auth).json() == []


def test_observers_cannot_see_the_board(api: tuple[TestClient, dict[str, str]],
                                        loaded_db: Database) -> None:
    c, _ = api
    identity.add_user(loaded_db, identity.NewUser("osce", "a-long-password", Role.OBSERVER,
                                                  observer_of="OSCE"), actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "osce", actor=SYSTEM).token
    assert c.get("/api/v1/crises", headers={"Authorization": f"Bearer {token}"}).json() == []


def test_the_cap_export_links_to_the_crisis_at_the_public_address(
        loaded_db: Database, settings: Settings) -> None:
    identity.add_user(loaded_db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    auth = {"Authorization": "Bearer " + api_tokens.issue_token(loaded_db, "sec",
                                                                actor=SYSTEM).token}
    app = create_app(settings.model_copy(update={"public_url": "https://phalanx.test"}),
                     loaded_db)
    with TestClient(app) as c:
        r = c.post("/api/v1/crises", headers=auth, json={
            "title": "Border incident", "category": "armed_attack", "affected": ["KAZ"]})
        assert r.status_code == 201, r.text
        xml = c.get(f"/api/v1/crises/{r.json()['id']}/cap.xml", headers=auth).content
    assert f"<web>https://phalanx.test/crises/{r.json()['id']}</web>".encode() in xml


def test_half_a_place_is_refused_and_nothing_is_stored(
        api: tuple[TestClient, dict[str, str]]) -> None:
    """A latitude without its longitude is no place: whose territory a place lies on
    decides whether art. 4 applies, so the report is refused (422, problem+json, in the
    reader's language) and no crisis is stored."""
    client, headers = api
    before = client.get("/api/v1/crises", headers=headers).json()
    body = {"title": "Shelling near Vardenis", "category": "aggression",
            "affected": ["ARM"], "place": "Vardenis", "lat": 40.18}
    r = client.post("/api/v1/crises", json=body, headers=headers)
    assert r.status_code == 422 and r.headers["content-type"].startswith(
        "application/problem+json")
    assert "give the place's latitude and longitude both, or neither" in r.text
    ru = client.post("/api/v1/crises", json=body, headers={**headers, "Accept-Language": "ru"})
    assert ru.status_code == 422 and "укажите и широту, и долготу места" in ru.text, ru.text
    assert client.get("/api/v1/crises", headers=headers).json() == before
