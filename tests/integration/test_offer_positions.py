"""A member's offer of assistance (what it offers, its units and their strength, and the
requesting state's acceptance of it) and its answer under the obligation to assist are
its position, as its answer on its units is: the observers of a crisis released to them
read that offers were made and how many, not who offered what, in the room, the API, the
timeline, the report and the live events; the member states and the staff still do. Nor
do they read which member's answer an escalation says is awaited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_derived_views import collect, pdf_text
from tests.integration.test_response_chain import request
from tests.support.sessions import bearer, login

OFFER = "two field hospitals from the Tashkent depot"
ANSWER = "a battalion of mountain infantry, ready in 48 hours"
SEC = Principal("secretariat", Role.SECRETARIAT)
READERS = {"observer": Principal("observer", Role.OBSERVER, observer_of="OSCE"),
           "rep-arm": Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")}


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _crisis(client: TestClient, db: Database, **extra: object) -> int:
    got = client.post("/api/v1/crises", headers=bearer(db, "rep-kgz"), json={
        "title": "Armed attack in the Batken region", "category": "armed_attack",
        "affected": ["KGZ"], "place": "Batken", "lat": 40.06, "lon": 70.82,
        "observers": True, **extra})
    assert got.status_code == 201, got.text
    return int(got.json()["id"])


def test_observers_read_that_offers_were_made_not_who_offered_what(
        accounts_db: Database, client: TestClient) -> None:
    cid = _crisis(client, accounts_db)
    req = client.post(f"/api/v1/crises/{cid}/requests", headers=bearer(accounts_db, "rep-kgz"),
                      json={"resource": "field hospitals", "quantity": 2, "unit": "each",
                            "measure": "humanitarian",
                            "needed_by": "2030-01-01T00:00:00Z"})
    assert req.status_code == 201, req.text
    rid = req.json()["requests"][0]["id"]

    def offer() -> None:
        crises.offer_assistance(accounts_db, rid, crises.OfferIn(
            kind="supplies", quantity=2, description=OFFER),
            actor=Principal("rep-uzb", Role.REPRESENTATIVE, state="UZB"))

    events = collect(accounts_db, READERS, {f"crisis:{cid}"}, offer)
    assert [e.kind for e in events["rep-arm"]] == ["offer"]
    assert events["observer"] == []
    observer = bearer(accounts_db, "observer")
    got = client.get(f"/api/v1/crises/{cid}", headers=observer)
    assert got.status_code == 200, got.text
    request = got.json()["requests"][0]
    assert request["offers"] == [] and request["offers_made"] == 1
    for path in (f"/api/v1/crises/{cid}", f"/api/v1/crises/{cid}/cap.xml"):
        assert OFFER not in client.get(path, headers=observer).text
    assert [e for e in got.json()["timeline"] if e["kind"] == "offer"] == []
    report = client.get(f"/api/v1/crises/{cid}/report.pdf?lang=en", headers=observer)
    assert report.status_code == 200 and OFFER not in pdf_text(report.content)
    login(client, "observer", "demo-observer-pass")
    for lang, said in (("en", "1 offer made"), ("ru", "Сделано предложений: 1")):
        room = client.get(f"/crises/{cid}?lang={lang}").text
        assert OFFER not in room and f'data-offers-withheld="{rid}"' in room
        assert said in room, lang
    # a member state and the staff read it
    arm = client.get(f"/api/v1/crises/{cid}", headers=bearer(accounts_db, "rep-arm")).json()
    assert [o["description"] for o in arm["requests"][0]["offers"]] == [OFFER]
    assert OFFER in client.get(f"/api/v1/crises/{cid}",
                               headers=bearer(accounts_db, "planner")).text


def test_observers_read_no_members_answer_under_art_4(
        accounts_db: Database, client: TestClient) -> None:
    cid = _crisis(client, accounts_db)
    url = f"/api/v1/crises/{cid}/obligations/KAZ"
    kaz = bearer(accounts_db, "rep-kaz")

    def answer() -> None:
        got = client.put(url, headers={**kaz, "If-None-Match": "*"},
                         json={"answer": "forces", "detail": ANSWER})
        assert got.status_code == 200, got.text

    events = collect(accounts_db, READERS, {f"crisis:{cid}"}, answer)
    assert [e.kind for e in events["rep-arm"]] == ["obligation"]
    assert events["observer"] == []
    observer = bearer(accounts_db, "observer")
    got = client.get(f"/api/v1/crises/{cid}", headers=observer)
    assert got.status_code == 200 and got.json()["obligations"] == []
    for path in (f"/api/v1/crises/{cid}", f"/api/v1/crises/{cid}/cap.xml"):
        assert ANSWER not in client.get(path, headers=observer).text
    report = client.get(f"/api/v1/crises/{cid}/report.pdf?lang=en", headers=observer)
    assert report.status_code == 200 and ANSWER not in pdf_text(report.content)
    login(client, "observer", "demo-observer-pass")
    assert ANSWER not in client.get(f"/crises/{cid}").text
    lines = client.get(f"/api/v1/crises/{cid}", headers=bearer(accounts_db, "rep-arm")
                       ).json()["obligations"]
    assert [x["detail"] for x in lines if x["state"] == "KAZ"] == [ANSWER]


def test_observers_read_no_escalation_naming_a_member_whose_answer_is_awaited(
        accounts_db: Database, client: TestClient) -> None:
    """An answer under art. 4 overdue is escalated on the crisis's timeline, naming the
    member that has not answered: that is its position too (it has not yet answered), so
    the observers read the other escalations, not that one."""
    cid = _crisis(client, accounts_db)
    request(accounts_db, cid, now())  # the obligation arises with the official request
    with accounts_db.read() as conn:
        due = [x.due_at for x in crises.get(conn, cid, actor=SEC).obligations
               if x.due_at is not None]
    assert due
    assert cid in crises.escalate_overdue(accounts_db, at=max(due) + timedelta(minutes=5))

    def escalations(who: str) -> list[str]:
        got = client.get(f"/api/v1/crises/{cid}", headers=bearer(accounts_db, who))
        assert got.status_code == 200, got.text
        return [e["text"] for e in got.json()["timeline"] if e["kind"] == "escalation"]

    named = [x for x in escalations("rep-arm") if "the answer of KAZ" in x]
    assert named, escalations("rep-arm")  # a member reads whose answer is awaited
    seen = escalations("observer")
    assert not any("the answer of" in x for x in seen), seen
    report = client.get(f"/api/v1/crises/{cid}/report.pdf?lang=en",
                        headers=bearer(accounts_db, "observer"))
    assert report.status_code == 200 and "the answer of KAZ" not in pdf_text(report.content)
    login(client, "observer", "demo-observer-pass")
    for lang in ("en", "ru"):
        room = client.get(f"/crises/{cid}?lang={lang}").text
        assert "the answer of KAZ" not in room and "KAZ" not in room.split("timeline", 1)[-1]
