"""CAP messages through the API as a national system sends them: the record with its
warnings, refusals as problem+json naming elements, updates changing the crisis, the
crisis's areas as GeoJSON, feeds registered and listed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Role
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.capfiles import alert, info

XML = {"content-type": "application/xml"}


@pytest.fixture
def api(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    identity.add_user(loaded_db, identity.NewUser("sec", "quartz-ledger-41", Role.SECRETARIAT),
                      actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "sec", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_an_alert_and_its_update_through_the_api(api: tuple[TestClient, dict[str, str]]
                                                 ) -> None:
    c, auth = api
    first = alert(info(polygons=("43.0,74.0 43.0,75.0 42.0,75.0 42.0,74.0",)), identifier="A1",
                  extra="<references/>")
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=first,
               headers={**auth, **XML})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["crisis"]["severity"] == "severe" and body["alert"]["signature"] == "unsigned"
    wheres = {w["where"] for w in body["alert"]["warnings"]}
    assert {"/alert/references", "/alert/info[1]/area[1]/polygon"} <= wheres
    crisis_id = body["crisis"]["id"]
    update = alert(info(severity="Extreme"), identifier="A2", msg_type="Update",
                   references="mchs@gov.kg,A1,2026-11-20T06:00:00+06:00")
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=update,
               headers={**auth, **XML})
    assert r.status_code == 201 and r.json()["crisis"]["id"] == crisis_id
    assert r.json()["crisis"]["severity"] == "extreme"
    chain = c.get(f"/api/v1/crises/{crisis_id}/alerts", headers=auth).json()
    assert [a["msg_type"] for a in chain] == ["Update", "Alert"]
    areas = c.get(f"/api/v1/crises/{crisis_id}/areas", headers=auth).json()
    assert areas["type"] == "FeatureCollection" and areas["features"]
    assert areas["features"][0]["geometry"]["type"] == "Polygon"
    assert c.get("/api/v1/crises/999/areas", headers=auth).status_code == 404
    xml = c.get(f"/api/v1/crises/{crisis_id}/cap.xml", headers=auth).content
    assert b"<polygon>" in xml and b"<language>en-US</language>" in xml


def test_a_refusal_names_the_elements(api: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = api
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"},
               content=alert(identifier="", status="Bogus"), headers={**auth, **XML})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    wheres = [e["where"] for e in r.json()["errors"]]
    assert "/alert/identifier" in wheres and "/alert/status" in wheres
    assert c.get("/api/v1/alerts", headers=auth).json() == []
    draft = c.post("/api/v1/crises/cap", params={"affected": "KGZ"},
                   content=alert(status="Draft"), headers={**auth, **XML})
    assert draft.status_code == 422 and "opens no crisis" in draft.json()["detail"]
    assert c.get("/api/v1/alerts", headers=auth).json() == []  # nothing half-written


def test_feeds_are_registered_and_listed(api: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = api
    r = c.post("/api/v1/feeds", json={"url": "http://alerts.kz.invalid/feed.atom",
                                      "country": "KAZ"}, headers=auth)
    assert r.status_code == 201 and r.json()["status"] == "new"
    assert c.post("/api/v1/feeds", json={"url": "ftp://x/y", "country": "KAZ"},
                  headers=auth).status_code == 422
    r = c.patch(f"/api/v1/feeds/{r.json()['id']}", json={"active": False}, headers=auth)
    assert r.status_code == 200 and r.json()["active"] is False
    assert [f["country"] for f in c.get("/api/v1/feeds", headers=auth).json()] == ["KAZ"]


def test_observers_see_no_alerts(api: tuple[TestClient, dict[str, str]],
                                 loaded_db: Database) -> None:
    c, auth = api
    c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=alert(),
           headers={**auth, **XML})
    identity.add_user(loaded_db, identity.NewUser("osce", "quartz-ledger-41", Role.OBSERVER,
                                                  observer_of="OSCE"), actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "osce", actor=SYSTEM).token
    other = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/alerts", headers=other).json() == []
    assert c.get("/api/v1/crises/1/areas", headers=other).status_code == 404
    assert c.get("/api/v1/feeds", headers=other).status_code == 403


def test_another_states_representative_cannot_stand_a_crisis_down_by_a_message(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:
    c, auth = api
    opened = c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=alert(
        identifier="A1"), headers={**auth, **XML}).json()["crisis"]
    identity.add_user(loaded_db, identity.NewUser("rep-arm", "quartz-ledger-41",
                                                  Role.REPRESENTATIVE, "ARM"), actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "rep-arm", actor=SYSTEM).token
    arm = {"Authorization": f"Bearer {token}"}
    hijack = alert(info("Stand down", severity="Minor"), identifier="H1", msg_type="Update",
                   references="mchs@gov.kg,A1,2026-11-20T06:00:00+06:00")
    r = c.post("/api/v1/alerts", params={"affected": "KGZ"}, content=hijack,
               headers={**arm, **XML})
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    after = c.get(f"/api/v1/crises/{opened['id']}", headers=auth).json()
    assert (after["title"], after["severity"]) == (opened["title"], "severe")
    assert [a["identifier"] for a in c.get(f"/api/v1/crises/{opened['id']}/alerts",
                                           headers=auth).json()] == ["A1"]


def bearer(db: Database, user: identity.NewUser) -> dict[str, str]:
    identity.add_user(db, user, actor=SYSTEM)
    token = api_tokens.issue_token(db, user.username, actor=SYSTEM).token
    return {"Authorization": f"Bearer {token}"}


ALMATY = "43.4,76.7 43.4,77.1 43.1,77.1 43.1,76.7 43.4,76.7"
TASHKENT = "41.4,69.1 41.4,69.4 41.2,69.4 41.2,69.1 41.4,69.1"
KZ1 = "ews@kaz.example,KZ-1,2026-11-20T06:00:00+06:00"


def test_an_update_another_sender_sends_changes_no_area_of_the_crisis(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:
    """As the tester sent it: an Update of the crisis's alert from another sender is
    stored and said to change nothing, and its areas are not the crisis's (GeoJSON,
    CAP export); an Update of the alert's sender replaces them."""
    c, auth = api
    kaz = bearer(loaded_db, identity.NewUser("rep-kaz", "quartz-ledger-41",
                                             Role.REPRESENTATIVE, "KAZ"))
    opened = c.post("/api/v1/alerts", params={"affected": "KAZ"}, headers={**auth, **XML},
                    content=alert(info(area="Almaty", polygons=(ALMATY,)), identifier="KZ-1",
                                  sender="ews@kaz.example")).json()["crisis"]
    spoof = c.post("/api/v1/alerts", params={"affected": "KAZ"}, headers={**kaz, **XML},
                   content=alert(info(area="Spoofed area Tashkent", polygons=(TASHKENT,)),
                                 identifier="KZ-UPD-2", sender="someone-else@x",
                                 msg_type="Update", sent="2026-11-20T07:00:00+06:00",
                                 references=KZ1))
    assert spoof.status_code == 201 and spoof.json()["alert"]["action"] == "stored"

    def areas() -> list[str]:
        got = c.get(f"/api/v1/crises/{opened['id']}/areas", headers=auth).json()
        xml = c.get(f"/api/v1/crises/{opened['id']}/cap.xml", headers=auth).text
        return [f["properties"]["area"] for f in got["features"]] + \
            re.findall(r"<areaDesc>([^<]*)</areaDesc>", xml)

    assert areas() == ["Almaty", "Almaty"]
    up = c.post("/api/v1/alerts", params={"affected": "KAZ"}, headers={**kaz, **XML},
                content=alert(info(area="Almaty region", polygons=(ALMATY,)),
                              identifier="KZ-UPD-3", sender="ews@kaz.example",
                              msg_type="Update", sent="2026-11-20T08:00:00+06:00",
                              references=KZ1))
    assert up.status_code == 201 and up.json()["alert"]["action"] == "updated"
    assert areas() == ["Almaty region", "Almaty region"]


def test_only_the_staff_and_an_affected_state_send_messages_for_it(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:
    """A customs agency's reporter of the affected state and another state's
    representative are refused any message (403, nothing stored), an Ack, an Update
    another sender's message stores or a Test as much as an alert; the affected
    state's representative and the Secretariat send them."""
    c, auth = api
    opened = c.post("/api/v1/alerts", params={"affected": "KAZ"}, headers={**auth, **XML},
                    content=alert(identifier="KZ-1", sender="ews@kaz.example")).json()
    sent = [alert(identifier="B1", sender="ews@kaz.example", msg_type="Ack",
                  references=KZ1),
            alert(identifier="B2", sender="someone-else@x", msg_type="Update",
                  references=KZ1),
            alert(identifier="B3", status="Test")]
    for user in (identity.NewUser("reporter-kaz", "quartz-ledger-41", Role.REPORTER, "KAZ",
                                  agency=Agency.CUSTOMS),
                 identity.NewUser("rep-arm", "quartz-ledger-41", Role.REPRESENTATIVE,
                                  "ARM")):
        who = bearer(loaded_db, user)
        for data in sent:
            for path in ("/api/v1/alerts", "/api/v1/crises/cap"):
                r = c.post(path, params={"affected": "KAZ"}, content=data,
                           headers={**who, **XML})
                assert r.status_code == 403, (user.username, path, r.text)
                assert r.headers["content-type"] == "application/problem+json"
    assert [a["identifier"] for a in c.get("/api/v1/alerts", headers=auth).json()] == \
        ["KZ-1"]
    kaz = bearer(loaded_db, identity.NewUser("rep-kaz", "quartz-ledger-41",
                                             Role.REPRESENTATIVE, "KAZ"))
    for who, data in zip((kaz, kaz, auth), sent, strict=True):
        r = c.post("/api/v1/alerts", params={"affected": "KAZ"}, content=data,
                   headers={**who, **XML})
        assert r.status_code == 201 and r.json()["alert"]["action"] == "stored", r.text
    chain = c.get(f"/api/v1/crises/{opened['crisis']['id']}/alerts", headers=auth).json()
    assert [a["identifier"] for a in chain] == ["B2", "B1", "KZ-1"]
