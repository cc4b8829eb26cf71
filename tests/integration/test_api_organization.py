"""The organization API: the same answers as the CLI, and errors as problem+json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app

NINE = ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
SIX = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


@pytest.fixture
def client(loaded_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c


@pytest.mark.parametrize(("day", "codes"), [("1995-01-01", NINE), ("2000-01-01", SIX)])
def test_members_on_a_date(client: TestClient, day: str, codes: list[str]) -> None:
    r = client.get("/api/v1/members", params={"on": day})
    assert r.status_code == 200
    body = r.json()
    assert [m["code"] for m in body] == codes
    assert all(m["name"] and m["status"] == "member" for m in body)


def test_a_bad_date_is_a_problem(client: TestClient) -> None:
    r = client.get("/api/v1/members", params={"on": "bogus"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    p = r.json()
    assert p["status"] == 422 and "query.on" in p["detail"]
    assert p["errors"][0]["value"] == "bogus"


def test_an_unknown_body_is_404_problem(client: TestClient) -> None:
    r = client.get("/api/v1/bodies/nope/composition")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_agreement_parties_bound_on_a_date(client: TestClient) -> None:
    r = client.get("/api/v1/agreements/crrf-2009", params={"on": "2012-01-01"})
    assert r.status_code == 200
    a = r.json()
    assert a["bound_on"] == SIX
    assert {p["state"]: p["status"] for p in a["parties"]}["UZB"] == "abstained"


def test_composition_and_chair(client: TestClient) -> None:
    r = client.get("/api/v1/bodies/csc/composition", params={"on": "2014-06-01"})
    c = r.json()
    assert c["chair"]["state"] == "RUS"
    assert [s["state"] for s in c["seats"]] == [*SIX, "UZB"]
    assert [s["suspended"] for s in c["seats"]][-1] is True
    assert client.get("/api/v1/bodies/csc/chair", params={"year": 2015}).json()["state"] == "TJK"


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/members" in doc["paths"]
