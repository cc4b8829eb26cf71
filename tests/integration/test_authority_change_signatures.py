"""A head of state removed by a change of his state's authorities outside the
constitution no longer signs for it: the state's answers under the written procedure are
then given in the name of whom its representative, confirmed by the authorities in power,
names, never by default in that of the head of state the dataset names from before the
change."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.days import working_deadline
from tests.support.sessions import bearer

COUP = {"authorities": "a provisional council", "source": "its decree",
        "constitutional": False}


def _signatures(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.signature)).scalar_one())


def test_a_signature_after_a_coup_is_not_given_in_the_removed_head_of_states_name(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec, admin = bearer(accounts_db, "secretariat"), bearer(accounts_db, "admin")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "written", "title": "On the statement",
        "text_en": "To adopt the statement.", "deadline": working_deadline().isoformat()})
    assert r.status_code == 201, r.text
    draft = r.json()["id"]
    assert r.json()["signing_order"][:2] == ["BLR", "KAZ"]
    blr = client.post(f"/api/v1/drafts/{draft}/signatures",
                      headers=bearer(accounts_db, "rep-blr"), json={"answer": "sign"})
    assert blr.status_code == 200, blr.text
    removed = blr.json()["answers"][0]["given_by"]
    assert removed  # the dataset's head of state, before any change
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec,
                    json={**COUP, "since": str(today)})
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/users/rep-kaz/confirm", headers=admin,
                       json={}).status_code == 200
    kaz = bearer(accounts_db, "rep-kaz")
    before = _signatures(accounts_db)

    r = client.post(f"/api/v1/drafts/{draft}/signatures", headers=kaz,
                    json={"answer": "sign"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["where"] == "given_by"
    assert r.json()["detail"] == (
        f"given_by: KAZ's authorities changed outside the constitution on {today}: the "
        "holder of its seat in csc the dataset names no longer speaks for it; name in whose "
        "name the answer is given")
    ru = client.post(f"/api/v1/drafts/{draft}/signatures", json={"answer": "sign"},
                     headers={**kaz, "Accept-Language": "ru"})
    assert ru.status_code == 422
    assert "сменилась неконституционным путём" in ru.json()["detail"], ru.json()
    assert "укажите, от чьего имени дан ответ" in ru.json()["detail"]
    assert _signatures(accounts_db) == before  # nothing written

    # the draft's page asks the representative whom it signs for
    page = client.get(f"/drafts/{draft}", headers=kaz)
    assert page.status_code == 200
    assert 'name="given_by" maxlength="200" value="" placeholder="" required' in page.text

    r = client.post(f"/api/v1/drafts/{draft}/signatures", headers=kaz,
                    json={"answer": "sign", "given_by": "the chair of the provisional council"})
    assert r.status_code == 200, r.text
    assert [(a["state"], a["given_by"]) for a in r.json()["answers"]] == [
        ("BLR", removed), ("KAZ", "the chair of the provisional council")]
    with accounts_db.read() as conn:
        entry = json.loads(conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "draft.sign").order_by(t.audit_log.c.id.desc())
            .limit(1)).scalar_one())
    assert entry["given_by"] == "the chair of the provisional council"


def test_a_constitutional_change_leaves_the_head_of_state_the_dataset_names(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec = bearer(accounts_db, "secretariat")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "written", "title": "On the statement",
        "text_en": "To adopt the statement.", "deadline": working_deadline().isoformat()})
    draft = r.json()["id"]
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    assert client.post("/api/v1/states/BLR/authorities", headers=sec, json={
        **COUP, "constitutional": True, "since": str(today)}).status_code == 201
    r = client.post(f"/api/v1/drafts/{draft}/signatures",
                    headers=bearer(accounts_db, "rep-blr"), json={"answer": "sign"})
    assert r.status_code == 200, r.text
    assert r.json()["answers"][0]["given_by"]
