"""A national system sends a write again when it never saw the answer (a timeout): with
the same `Idempotency-Key` it gets the first answer and nothing is written twice."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises, idempotency, identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import raced
from tests.support.sessions import bearer

FLOOD = {"title": "Flood in the Almaty region", "category": "natural_disaster",
         "affected": ["KAZ"], "severity": "severe", "place": "Almaty"}


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def count(db: Database, table: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_retried_crisis_is_opened_once_and_answered_as_the_first_time(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    key = str(uuid.uuid4())
    first = api.post("/api/v1/crises", json=FLOOD, headers={**kaz, "Idempotency-Key": key})
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = api.post("/api/v1/crises", json=FLOOD, headers={**kaz, "Idempotency-Key": key})
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert count(db, t.crisis) == 1
    # the key is sealed into the write's audit entry
    with db.read() as conn:
        changes = [r.change for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == "crisis.open"))]
    assert [json.loads(c).get("idempotency_key") for c in changes] == [key]
    # without a key, a second request is a second crisis
    assert api.post("/api/v1/crises", json=FLOOD, headers=kaz).status_code == 201
    assert count(db, t.crisis) == 2


def test_a_key_used_for_another_request_is_refused_and_writes_nothing(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    key = "kaz-ncmc-0001"
    assert api.post("/api/v1/crises", json=FLOOD,
                    headers={**kaz, "Idempotency-Key": key}).status_code == 201
    r = api.post("/api/v1/crises", json={**FLOOD, "title": "Mudflow"},
                 headers={**kaz, "Idempotency-Key": key})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "for another request" in r.json()["detail"]
    assert count(db, t.crisis) == 1
    # keys are each user's own: another state's system may use the same one
    rus = bearer(db, "rep-rus")
    r = api.post("/api/v1/crises", json={**FLOOD, "affected": ["RUS"]},
                 headers={**rus, "Idempotency-Key": key})
    assert r.status_code == 201, r.text
    assert count(db, t.crisis) == 2


def test_a_refused_request_leaves_its_key_free_and_a_bad_key_is_refused(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    key = str(uuid.uuid4())
    r = api.post("/api/v1/crises", json={**FLOOD, "affected": ["RUS"]},
                 headers={**kaz, "Idempotency-Key": key})
    assert r.status_code == 403, r.text
    with db.read() as conn:
        assert conn.execute(select(t.idempotency_key)).first() is None
    r = api.post("/api/v1/crises", json=FLOOD, headers={**kaz, "Idempotency-Key": key})
    assert r.status_code == 201, r.text
    for bad in (b"", b"x" * 256, "cl\u00e9".encode(), b"two words"):
        r = api.post("/api/v1/crises", json=FLOOD, headers={**kaz, "Idempotency-Key": bad})
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["errors"][0]["where"] == "header Idempotency-Key"
    assert count(db, t.crisis) == 1


def test_a_retried_offer_and_sitrep_are_stored_once(api: TestClient, db: Database) -> None:
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    crisis = api.post("/api/v1/crises", json=FLOOD, headers=kaz).json()
    r = api.post(f"/api/v1/crises/{crisis['id']}/requests", headers=kaz, json={
        "resource": "pumps", "quantity": 10, "needed_by": "2030-01-01T00:00:00Z"})
    request_id = r.json()["requests"][0]["id"]
    for _ in range(2):
        r = api.post(f"/api/v1/requests/{request_id}/offers",
                     json={"kind": "supplies", "description": "10 pumps", "quantity": 10},
                     headers={**rus, "Idempotency-Key": "rus-offer-1"})
        assert r.status_code == 201, r.text
        r = api.post(f"/api/v1/crises/{crisis['id']}/sitreps", json={"situation": "rising"},
                     headers={**kaz, "Idempotency-Key": "kaz-sitrep-1"})
        assert r.status_code == 201, r.text
    assert count(db, t.assistance_offer) == 1
    assert count(db, t.sitrep) == 1


def test_two_requests_racing_with_one_key_write_once(db: Database) -> None:
    """Both found the key free; the database lets one of them take it."""
    with db.read() as conn:
        user = identity.user_row(conn, "rep-kaz")
    token = api_tokens.issue_token(db, "rep-kaz", actor=SYSTEM).token
    with db.read() as conn:
        principal = api_tokens.token_principal(conn, token)
    assert principal is not None
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        pending = idempotency.Pending(user.id, "race", "POST", "/api/v1/crises", "f" * 64)
        marker = idempotency.begin(pending)
        try:
            barrier.wait()
            crises.open_crisis(db, crises.CrisisIn(**FLOOD), actor=principal)
            outcomes.append("written")
        except Exception as exc:
            outcomes.append("raced" if raced(exc) else repr(exc))
        finally:
            idempotency.end(marker)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["raced", "written"]
    assert count(db, t.crisis) == 1
    assert count(db, t.idempotency_key) == 1


def test_a_key_taken_without_an_answer_kept_is_not_done_again(api: TestClient,
                                                              db: Database) -> None:
    """The first request is still being served (or its answer could not be kept): the
    retry is told so (409), and nothing is written."""
    kaz = bearer(db, "rep-kaz")
    with db.read() as conn:
        user = identity.user_row(conn, "rep-kaz")
    body = json.dumps(FLOOD).encode()
    print_ = idempotency.fingerprint("POST", "/api/v1/crises", b"", body)
    with db.engine.begin() as conn:
        conn.execute(t.idempotency_key.insert().values(
            user_id=user.id, key="k-1", method="POST", path="/api/v1/crises",
            fingerprint=print_, created_at=datetime.now(UTC)))
    r = api.post("/api/v1/crises", content=body,
                 headers={**kaz, "Idempotency-Key": "k-1", "content-type": "application/json"})
    assert r.status_code == 409, r.text
    assert "has no answer kept" in r.json()["detail"]
    assert count(db, t.crisis) == 0
