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


def test_the_place_is_a_live_part_of_the_room(client: TestClient,  # noqa: F811
                                              demo_db: Database,  # noqa: F811
                                              received: alerts.IntakeOut) -> None:  # noqa: F811
    """The place's map is inside the room's live connection, replaced on the crisis's
    `updated` event by its partial, which frames the place an Update moved it to."""
    from lxml import html

    from phalanx.domain.access.principal import SYSTEM
    from tests.support.capfiles import alert, info

    assert received.crisis is not None
    cid = received.crisis.id
    login(client, "secretariat", "demo-secretariat")
    room = html.fromstring(client.get(f"/crises/{cid}").text)
    (live,) = room.xpath("//*[@sse-connect]")
    (part,) = live.xpath(".//*[@id='crisis-place']")
    assert "sse:updated" in part.get("hx-trigger") and part.get("hx-get") == \
        f"/crises/{cid}/place"
    assert part.xpath(".//*[@id='place-map']")[0].get("data-src") == f"/crises/{cid}/map.json"
    assert room.xpath("//script[starts-with(@src, '/static/cop.js?v=')]")
    alerts.receive(demo_db, alert(
        info("Storm over Osh", category="Met", event="Storm", area="Osh region",
             polygons=("40.8,72.5 40.8,73.1 40.3,73.1 40.3,72.5 40.8,72.5",)),
        identifier="PAGE-2", sender="dvmeteo@example.ru", msg_type="Update",
        sent="2026-11-20T07:00:00+06:00",
        references="dvmeteo@example.ru,PAGE-1,2026-11-20T06:00:00+06:00"),
        alerts.Route(("RUS",)), actor=SYSTEM)
    fresh = client.get(f"/crises/{cid}/place").text
    assert 'id="place-map"' in fresh and f'data-src="/crises/{cid}/map.json"' in fresh
    no_inline_code(fresh)
    data = client.get(f"/crises/{cid}/map.json").json()
    (south, west), (north, east) = data["frame"]
    assert south < 40.55 < north and west < 72.8 < east and east < 100  # Osh, not Chukotka
    (crisis,) = [s for s in data["symbols"] if s["layer"] == "crises"]
    assert (round(crisis["lat"], 2), round(crisis["lon"], 2)) == (40.55, 72.8)
    login(client, "observer", "demo-observer-pass")
    assert client.get(f"/crises/{cid}/place").status_code in (403, 404)


def test_a_room_without_a_place_has_an_empty_live_place(client: TestClient,  # noqa: F811
                                                        demo_db: Database) -> None:  # noqa: F811
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises

    c = crises.open_crisis(demo_db, crises.CrisisIn(
        title="Unrest", category="terrorist_act", affected=["KAZ"]),
        actor=Principal("secretariat", Role.SECRETARIAT))
    login(client, "secretariat", "demo-secretariat")
    room = client.get(f"/crises/{c.id}").text
    assert 'id="crisis-place"' in room and 'id="place-map"' not in room
    assert client.get(f"/crises/{c.id}/place").text.strip() == ""
