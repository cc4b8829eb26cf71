"""The interactive map's data: the countries as GeoJSON (public, compressed when the
browser takes it), the symbols and movements by what the user may see, in the page's
language, framed as asked; the tile-server setting opens the Content-Security-Policy to
that server only."""

from __future__ import annotations

import gzip

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services import forcesdemo
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.middleware import CSP, csp


def _login(client: TestClient, user: str, password: str) -> None:
    client.cookies.clear()
    client.get("/login")
    client.post("/login", data={"username": user, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")},
                follow_redirects=False)


def test_the_map_data(accounts_db: Database, settings: Settings) -> None:
    crisis = forcesdemo.run(accounts_db, time_limit=1)
    with TestClient(create_app(settings, accounts_db)) as client:
        plain = client.get("/maps/land.geojson", headers={"accept-encoding": "identity"})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        land = plain.json()
        names = {f["properties"]["name"] for f in land["features"]}
        assert {"Kyrgyzstan", "Russia", "Belarus", "Armenia"} <= names
        assert "Brazil" not in names  # outside the region the maps show
        for f in land["features"]:  # no ring streaks across the antimeridian
            for poly in f["geometry"]["coordinates"]:
                lons = [p[0] for p in poly[0]]
                assert max(lons) - min(lons) < 180 or min(lons) >= 0
        packed = client.get("/maps/land.geojson", headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"  # (the client unpacks it)
        assert packed.json() == land and len(gzip.compress(plain.content)) < 300_000

        _login(client, "planner", "demo-planner-pass")
        client.cookies.set("lang", "ru")
        data = client.get("/forces/map/data.json", params={"crisis": crisis}).json()
        layers = {s["layer"] for s in data["symbols"]}
        assert layers == {"units", "airfields", "crises"}
        assert data["layers"]["units"] == "Подразделения" and data["moves"]
        c = next(s for s in data["symbols"] if s["layer"] == "crises")
        assert c["href"] == f"/crises/{crisis}"
        assert any(d[0] == "Этап" for d in c["details"])
        unit = next(s for s in data["symbols"] if s["layer"] == "units")
        assert not unit["label"].startswith(("crrf-", "crdf-"))  # a name, not a key
        kant = next(s for s in data["symbols"] if s["layer"] == "units"
                    and ["Пункт дислокации", "Авиабаза Кант"] in s["details"])  # its garrison
        assert kant["label"]
        south, west = data["frame"][0]
        north, east = data["frame"][1]
        assert south <= c["lat"] <= north and west <= c["lon"] <= east

        board = client.get("/crises/map.json").json()
        assert [s["href"] for s in board["symbols"] if s["layer"] == "crises"] == [
            f"/crises/{crisis}"]
        _login(client, "observer", "demo-observer-pass")
        seen = client.get("/crises/map.json").json()
        assert [s for s in seen["symbols"] if s["layer"] in ("units", "crises")] == []
        assert seen["moves"] == []


def test_a_tile_server_is_allowed_by_the_policy_only_when_set() -> None:
    assert csp("") == CSP
    policy = csp("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy


def test_a_crisis_report_needs_a_place_and_keeps_the_input(accounts_db: Database,
                                                           settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "rep-kgz", "demo-rep-kgz")
        client.cookies.set("lang", "ru")
        token = client.get("/crises").text.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"csrf_token": token, "title": "Сель у Оша", "category": "natural_disaster",
                "affected": ["KGZ"], "severity": "extreme", "place": "somewhere"}
        r = client.post("/crises", data=form, follow_redirects=False)
        assert r.status_code == 400 and 'id="report-error"' in r.text
        assert "Укажите место" in r.text and 'value="Сель у Оша"' in r.text
        assert '<option value="extreme" selected>' in r.text and 'value="somewhere"' in r.text
        r = client.post("/crises", data={**form, "lat": "91", "lon": "70"},
                        follow_redirects=False)
        assert r.status_code == 400 and "Координаты неверны" in r.text
        # what the services refuse reads in the page's language, naming the field
        r = client.post("/crises", data={**form, "place": "osh", "severity": "apocalyptic"},
                        follow_redirects=False)
        assert r.status_code == 400 and 'id="report-error"' in r.text
        error = r.text.split('id="report-error"')[1].split("</")[0]
        assert error == ">Severity: недопустимое значение", error  # not pydantic's dump
        r = client.post("/crises", data={**form, "place": "osh"}, follow_redirects=False)
        assert r.status_code == 303  # a place of the dataset, by its name
        room = client.get(r.headers["location"]).text
        assert "Сель у Оша" in room
        r = client.post("/crises", data={**form, "place": "Душанбе"}, follow_redirects=False)
        assert r.status_code == 303  # or by its Russian name
        assert '<option value="Душанбе"' in client.get("/crises").text
        r = client.post("/crises", data={**form, "lat": "40,5", "lon": "72.8"},
                        follow_redirects=False)
        assert r.status_code == 303  # coordinates typed (a decimal comma is fine)
