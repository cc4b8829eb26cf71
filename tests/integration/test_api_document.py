"""What the OpenAPI document tells a national system's integrator beyond the shapes: the
scope each operation needs, the idempotency key of every write, the precondition headers
of the answers that replace one; and a token refused for its scopes is told so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app


@pytest.fixture
def api(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_every_operation_says_its_scope_and_every_write_takes_a_key(api: TestClient) -> None:
    doc = api.get("/api/v1/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Idempotency-Key" in doc["info"]["description"]
    # every schema by a name of its own (a generated client's class), none by its module
    assert [n for n in doc["components"]["schemas"] if n.startswith("phalanx__")] == []
    scopes: dict[str, set[str]] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not path.startswith("/api/v1/"):
                continue
            bearer = [s["bearer"] for s in op["security"] if "bearer" in s]
            assert len(bearer) == 1, (method, path)
            scopes.setdefault(method, set()).update(bearer[0])
            headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            if method in ("post", "put", "patch", "delete"):
                assert "Idempotency-Key" in headers, (method, path)
                assert {"400", "409", "422"} <= set(op["responses"]), (method, path)
            else:
                assert "Idempotency-Key" not in headers, (method, path)
    assert "records.write" in scopes["post"] and "records.write" not in scopes["get"]
    crises = doc["paths"]["/api/v1/crises"]
    assert crises["post"]["x-scope"] == "records.write" and crises["get"]["x-scope"] == "read"
    assert doc["paths"]["/api/v1/organization"]["get"]["security"][0] == {}
    consent = doc["paths"]["/api/v1/crises/{crisis_id}/consents/{state}"]["put"]
    assert {"If-Match", "If-None-Match"} <= {p["name"] for p in consent["parameters"]}
    assert "412" in consent["responses"]


def test_a_token_refused_for_its_scopes_is_told_so(api: TestClient,
                                                  accounts_db: Database) -> None:
    token = tokens.issue_token(accounts_db, "rep-kaz", scopes=["read"], actor=SYSTEM).token
    auth = {"Authorization": f"Bearer {token}"}
    crisis = {"title": "Flood", "category": "natural_disaster", "affected": ["KAZ"]}
    r = api.post("/api/v1/crises", json=crisis, headers=auth)
    assert r.status_code == 403
    assert r.json()["detail"] == "this API token's scopes (read) do not include records.write"
    r = api.post("/api/v1/crises", json=crisis, headers={**auth, "Accept-Language": "ru"})
    assert "API-токена (read)" in r.json()["detail"]
    observer = tokens.issue_token(accounts_db, "observer", actor=SYSTEM).token
    r = api.post("/api/v1/crises", json=crisis, headers={"Authorization": f"Bearer {observer}"})
    assert r.status_code == 403 and r.json()["detail"].startswith("your role (observer)")


def test_the_crisis_categories_a_report_names_are_listed(api: TestClient,
                                                         accounts_db: Database) -> None:
    categories = {c["key"]: c for c in api.get("/api/v1/crisis-categories").json()}
    assert categories["armed_attack"]["obliged"] == "all_members"
    assert "humanitarian" in categories["natural_disaster"]["measures"]
    token = tokens.issue_token(accounts_db, "rep-kaz", actor=SYSTEM).token
    for key in categories:
        r = api.post("/api/v1/crises", headers={"Authorization": f"Bearer {token}"},
                     json={"title": key, "category": key, "affected": ["KAZ"]})
        assert r.status_code == 201, (key, r.text)
        assert r.json()["category"] == key
