"""A request of assistance, an offer or a situation report sent a second time (a form sent
twice on a dropping link, a call retried without its `Idempotency-Key`) is refused (409
naming the first) and nothing is written: the need is not asked twice over, the offer does
not cover it twice, the record does not tell one report twice. Changed in anything, it is
another one and is kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

FLOOD = {"title": "Flood in the Almaty region", "category": "natural_disaster",
         "affected": ["KAZ"], "severity": "severe", "place": "Almaty"}


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _count(db: Database, table: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _crisis(client: TestClient, kaz: dict[str, str]) -> int:
    r = client.post("/api/v1/crises", json=FLOOD, headers=kaz)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_the_same_request_sent_twice_is_asked_once(
        client: TestClient, accounts_db: Database) -> None:
    kaz = bearer(accounts_db, "rep-kaz")
    cid = _crisis(client, kaz)
    need = {"resource": "tents", "quantity": 200, "unit": "units",
            "needed_by": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
    assert client.post(f"/api/v1/crises/{cid}/requests", json=need,
                       headers=kaz).status_code == 201
    first = _count(accounts_db, t.assistance_request)
    audit = _count(accounts_db, t.audit_log)
    r = client.post(f"/api/v1/crises/{cid}/requests", json=need, headers=kaz)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    rid = client.get(f"/api/v1/crises/{cid}", headers=kaz).json()["requests"][0]["id"]
    assert r.json()["detail"] == f"KAZ asks already for 200 units of tents (request {rid}, open)"
    r = client.post(f"/api/v1/crises/{cid}/requests", json=need,
                    headers={**kaz, "Accept-Language": "ru"})
    assert r.json()["detail"] == (f"KAZ уже просит 200 units ресурса «tents» "
                                  f"(запрос {rid}, открыт)")
    assert _count(accounts_db, t.assistance_request) == first
    assert _count(accounts_db, t.audit_log) == audit
    # more of it, or needed at another time: another need
    assert client.post(f"/api/v1/crises/{cid}/requests", json={**need, "quantity": 300},
                       headers=kaz).status_code == 201
    later = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    assert client.post(f"/api/v1/crises/{cid}/requests", json={**need, "needed_by": later},
                       headers=kaz).status_code == 201


def test_the_request_form_sent_twice_asks_once(
        client: TestClient, accounts_db: Database) -> None:
    cid = _crisis(client, bearer(accounts_db, "rep-kaz"))
    login(client, "rep-kaz", "demo-rep-kaz")
    room = client.get(f"/crises/{cid}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": token, "resource": "blankets", "quantity": "500", "unit": "units",
            "hours": "24"}
    r = client.post(f"/crises/{cid}/requests", data=form, follow_redirects=False)
    assert r.status_code == 303  # post, redirect, get
    again = client.post(f"/crises/{cid}/requests", data=form, follow_redirects=False)
    assert again.status_code == 409, again.text
    assert "asks already for 500 units of blankets" in again.text
    assert _count(accounts_db, t.assistance_request) == 1


def test_the_same_offer_sent_twice_covers_once(
        client: TestClient, accounts_db: Database) -> None:
    kaz = bearer(accounts_db, "rep-kaz")
    cid = _crisis(client, kaz)
    assert client.post(f"/api/v1/crises/{cid}/requests", json={
        "resource": "tents", "quantity": 200,
        "needed_by": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
        headers=kaz).status_code == 201
    rid = client.get(f"/api/v1/crises/{cid}", headers=kaz).json()["requests"][0]["id"]
    rus = bearer(accounts_db, "rep-rus")
    offer = {"kind": "supplies", "description": "tents from Orenburg", "quantity": 100}
    assert client.post(f"/api/v1/requests/{rid}/offers", json=offer,
                       headers=rus).status_code == 201
    audit = _count(accounts_db, t.audit_log)
    r = client.post(f"/api/v1/requests/{rid}/offers", json=offer, headers=rus)
    assert r.status_code == 409, r.text
    oid = client.get(f"/api/v1/crises/{cid}", headers=kaz).json()[
        "requests"][0]["offers"][0]["id"]
    assert r.json()["detail"] == f"RUS offers this already to request {rid} (offer {oid})"
    r = client.post(f"/api/v1/requests/{rid}/offers", json=offer,
                    headers={**rus, "Accept-Language": "ru"})
    assert r.json()["detail"] == (f"это предложение RUS по запросу {rid} уже сделано "
                                  f"(предложение {oid})")
    assert _count(accounts_db, t.assistance_offer) == 1
    assert _count(accounts_db, t.audit_log) == audit
    # accepted, it still stands: sent again, it does not cover the need twice
    assert client.post(f"/api/v1/offers/{oid}/decision", json={"accept": True},
                       headers=kaz).status_code == 200
    assert client.post(f"/api/v1/requests/{rid}/offers", json=offer,
                       headers=rus).status_code == 409
    # another quantity is another offer
    assert client.post(f"/api/v1/requests/{rid}/offers", json={**offer, "quantity": 50},
                       headers=rus).status_code == 201


def test_the_same_situation_report_sent_twice_is_filed_once(
        client: TestClient, accounts_db: Database) -> None:
    kaz = bearer(accounts_db, "rep-kaz")
    cid = _crisis(client, kaz)
    report = {"situation": "Water is rising in Almaty", "casualties": "none"}
    assert client.post(f"/api/v1/crises/{cid}/sitreps", json=report,
                       headers=kaz).status_code == 201
    audit = _count(accounts_db, t.audit_log)
    r = client.post(f"/api/v1/crises/{cid}/sitreps", json=report, headers=kaz)
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert re.fullmatch(r"this situation report is filed already \(report \d+, "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", detail), detail
    r = client.post(f"/api/v1/crises/{cid}/sitreps", json=report,
                    headers={**kaz, "Accept-Language": "ru"})
    assert r.json()["detail"].startswith("этот доклад об обстановке уже подан"), r.text
    assert _count(accounts_db, t.sitrep) == 1
    assert _count(accounts_db, t.audit_log) == audit
    # the next report, or the same words from someone else, is filed
    assert client.post(f"/api/v1/crises/{cid}/sitreps", json={
        **report, "situation": "The water recedes"}, headers=kaz).status_code == 201
    assert client.post(f"/api/v1/crises/{cid}/sitreps", json=report,
                       headers=bearer(accounts_db, "secretariat")).status_code == 201
    assert _count(accounts_db, t.sitrep) == 3



def test_the_same_situation_put_on_the_watch_list_twice_is_watched_once(
        client: TestClient, accounts_db: Database) -> None:
    sec = bearer(accounts_db, "secretariat")
    item = {"title": "Tension at a border post", "region": "Fergana valley",
            "category": "armed_attack"}
    first = client.post("/api/v1/watch", json=item, headers=sec)
    assert first.status_code == 201, first.text
    audit = _count(accounts_db, t.audit_log)
    r = client.post("/api/v1/watch", json=item, headers=sec)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (f"watch item {first.json()['id']} watches this already "
                                  "(the same title, region and category)")
    r = client.post("/api/v1/watch", json=item, headers={**sec, "Accept-Language": "ru"})
    assert r.json()["detail"] == (f"это уже отслеживается: пункт наблюдения "
                                  f"{first.json()['id']} (то же название, регион и "
                                  "категория)")
    assert _count(accounts_db, t.watch_item) == 1
    assert _count(accounts_db, t.audit_log) == audit
    # another region is another entry
    assert client.post("/api/v1/watch", json={**item, "region": "Batken"},
                       headers=sec).status_code == 201
