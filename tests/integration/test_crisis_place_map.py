"""The crisis room's place map is the interactive one (Leaflet, as the operational
picture): the page holds the map, its data frames the crisis's place and the areas of
its CAP alert (those split at the antimeridian kept together east of it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from phalanx.services import alerts
from phalanx.services.db import Database
from tests.integration.test_alert_pages import received  # noqa: F401 (fixture)
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    no_inline_code,
    page_settings,
)


def test_the_room_holds_the_interactive_map_framed_on_the_place(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    crisis = client.get("/api/v1/crises/1").json()
    assert crisis["lat"] is not None
    room = client.get("/crises/1").text
    assert 'id="place-map"' in room and 'data-src="/crises/1/map.json"' in room
    assert "/static/cop.js" in room and "<svg" not in room.split('id="place-map"')[1][:300]
    no_inline_code(room)
    data = client.get("/crises/1/map.json").json()
    (south, west), (north, east) = data["frame"]
    assert south < crisis["lat"] < north and west < crisis["lon"] < east
    assert north - south < 10 and east - west < 20  # the place, not the region
    crises_shown = [s for s in data["symbols"] if s["layer"] == "crises"]
    assert [s["href"] for s in crises_shown] == ["/crises/1"]
    assert data["areas"]["features"] == []


def test_the_map_frames_the_cap_areas(client: TestClient,  # noqa: F811
                                      received: alerts.IntakeOut) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    assert received.crisis is not None
    crisis_id = received.crisis.id
    assert f'data-src="/crises/{crisis_id}/map.json"' in client.get(f"/crises/{crisis_id}").text
    data = client.get(f"/crises/{crisis_id}/map.json").json()
    assert data["areas"]["features"]
    (south, west), (north, east) = data["frame"]
    assert south <= 64 and north >= 66
    assert west > 170 and east < 190  # Chukotka across 180°, not the whole world
    assert client.get(f"/crises/{crisis_id}/map.json", params={"lang": "ru"}).json()[
        "layers"]["crises"] != data["layers"]["crises"]


def test_a_reader_who_may_not_see_the_crisis_gets_no_map(client: TestClient,  # noqa: F811
                                                          demo_db: Database) -> None:  # noqa: F811
    login(client, "observer", "demo-observer-pass")
    assert client.get("/crises/1/map.json").status_code in (403, 404)
