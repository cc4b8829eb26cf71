"""A member state's answer on its units for a crisis, and its conditions, are that
state's position: the observers of a crisis released to them read each state's consent
and its conditions in the room, the API, the timeline, the report and the live events.
They read none of it now; the member states and the staff still do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_derived_views import collect, pdf_text
from tests.support.sessions import bearer, login

CONDITIONS = "only within the Fergana valley, under national command"


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_observers_read_no_states_consent_nor_its_conditions(
        accounts_db: Database, client: TestClient) -> None:
    kaz = bearer(accounts_db, "rep-kaz")
    crisis = client.post("/api/v1/crises", headers=kaz, json={
        "title": "Floods", "category": "natural_disaster", "affected": ["KAZ"],
        "place": "Almaty", "lat": 43.24, "lon": 76.89, "observers": True})
    assert crisis.status_code == 201, crisis.text
    cid = crisis.json()["id"]
    readers = {"observer": Principal("observer", Role.OBSERVER, observer_of="OSCE"),
               "rep-rus": Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")}

    def answer() -> None:
        forces.give_consent(accounts_db, cid, "KAZ", forces.ConsentIn(
            scope="all", conditions=CONDITIONS), actor=Principal(
                "rep-kaz", Role.REPRESENTATIVE, state="KAZ"))

    events = collect(accounts_db, readers, {f"crisis:{cid}"}, answer)
    assert [e.kind for e in events["rep-rus"]] == ["consent"]
    assert events["observer"] == []
    observer = bearer(accounts_db, "observer")
    assert client.get(f"/api/v1/crises/{cid}", headers=observer).status_code == 200
    assert client.get(f"/api/v1/crises/{cid}/consents", headers=observer).json() == []
    for path in (f"/api/v1/crises/{cid}", f"/api/v1/crises/{cid}/cap.xml"):
        assert CONDITIONS not in client.get(path, headers=observer).text
    report = client.get(f"/api/v1/crises/{cid}/report.pdf?lang=en", headers=observer)
    assert report.status_code == 200 and CONDITIONS not in pdf_text(report.content)
    login(client, "observer", "demo-observer-pass")
    room = client.get(f"/crises/{cid}").text
    assert CONDITIONS not in room and 'id="consents-withheld"' in room
    assert 'No member has answered yet' not in room
    # a member state and the staff read it
    rus = bearer(accounts_db, "rep-rus")
    assert [c["conditions"] for c in client.get(
        f"/api/v1/crises/{cid}/consents", headers=rus).json()] == [CONDITIONS]
    assert CONDITIONS in client.get(f"/api/v1/crises/{cid}",
                                    headers=bearer(accounts_db, "planner")).text
