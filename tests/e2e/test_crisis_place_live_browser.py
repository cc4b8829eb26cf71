"""The crisis room's map follows the crisis's place live: a CAP Update that moves the
crisis (its area, and so its place) moves the map's marker and area in open rooms at
once, without a reload, as it changes the room's head; a crisis that had no place gets
its map when an Update gives it one."""

from __future__ import annotations

from typing import Any

import pytest

from phalanx.domain.access.principal import SYSTEM
from phalanx.services import alerts
from phalanx.services.db import Database
from tests.e2e.test_browser import login
from tests.e2e.test_live_hold_browser import LIVE, site  # noqa: F401 (fixture)
from tests.support.capfiles import alert, info

pytestmark = pytest.mark.browser

KGZ = alerts.Route(("KGZ",))
CHUY = "43.0,74.0 43.0,75.0 42.0,75.0 42.0,74.0 43.0,74.0"  # near Bishkek
OSH = "40.8,72.5 40.8,73.1 40.3,73.1 40.3,72.5 40.8,72.5"  # around Osh
# what the room's map draws: its crisis markers and the bounds of its CAP areas
DRAWN = """() => {
  const el = document.getElementById('place-map');
  const map = el && el.leafletMap;
  if (!map || el.getAttribute('data-ready') !== '1') { return null; }
  const markers = [], areas = [];
  map.eachLayer(l => {
    const cls = l.options && l.options.icon && l.options.icon.options.className || '';
    if (l.getLatLng && / crises/.test(' ' + cls)) {
      markers.push([l.getLatLng().lat, l.getLatLng().lng]);
    }
    if (l.feature && l.feature.properties && 'alert' in l.feature.properties) {
      const b = l.getBounds();
      areas.push([b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]);
    }
  });
  return {markers: markers, areas: areas};
}"""


def _update(db: Database, identifier: str, sent: str, references: str, *,
            polygons: tuple[str, ...], area: str, headline: str) -> None:
    alerts.receive(db, alert(info(headline, polygons=polygons, area=area),
                             identifier=identifier, sent=sent, msg_type="Update",
                             references=references), KGZ, actor=SYSTEM)


def _drawn(page: Any) -> dict[str, Any]:
    page.wait_for_function(f"() => ({DRAWN})() !== null", timeout=15_000)
    return page.evaluate(DRAWN)  # type: ignore[no-any-return]


def test_a_cap_update_moves_the_room_s_map_without_a_reload(
        site: tuple[str, Database], page: Any) -> None:  # noqa: F811
    base_url, db = site
    opened = alerts.receive(db, alert(info("Earthquake near Bishkek", polygons=(CHUY,),
                                           area="Chuy region")), KGZ, actor=SYSTEM).crisis
    assert opened is not None and opened.lat is not None
    assert 42 < opened.lat < 43 and 74 < opened.lon < 75  # type: ignore[operator]
    login(page, base_url, "rep-kaz", "demo-rep-kaz")
    page.goto(f"{base_url}/crises/{opened.id}")
    page.wait_for_function(LIVE)
    before = _drawn(page)
    (lat, lon), = before["markers"]
    assert 42 < lat < 43 and 74 < lon < 75
    assert before["areas"] == [[42.0, 74.0, 43.0, 75.0]]
    page.evaluate("window.__stay = 1")

    _update(db, "KG-2026-0002", "2026-11-20T07:00:00+06:00",
            "mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00",
            polygons=(OSH,), area="Osh region", headline="Earthquake near Osh")
    page.locator("#crisis-head", has_text="Osh region").wait_for(timeout=5000)
    page.wait_for_function(f"""() => {{
      const d = ({DRAWN})();
      return d !== null && d.markers.length === 1 && d.markers[0][0] < 41;
    }}""", timeout=10_000)
    after = _drawn(page)
    (lat, lon), = after["markers"]
    assert 40.3 < lat < 40.8 and 72.5 < lon < 73.1, after
    assert after["areas"] == [[40.3, 72.5, 40.8, 73.1]], after
    # the map shows the new place: its frame holds the marker, not the old place
    assert page.evaluate("""() => {
      const b = document.getElementById('place-map').leafletMap.getBounds();
      return b.contains([40.55, 72.8]) && !b.contains([42.5, 74.5]);
    }""")
    assert page.locator("#place-map").count() == 1
    assert page.evaluate("window.__stay") == 1  # not reloaded


def test_a_crisis_without_a_place_gets_its_map_from_an_update(
        site: tuple[str, Database], page: Any) -> None:  # noqa: F811
    base_url, db = site
    opened = alerts.receive(db, alert(info("Earthquake in Kyrgyzstan", polygons=(),
                                           area="Kyrgyzstan")), KGZ, actor=SYSTEM).crisis
    assert opened is not None and opened.lat is None
    login(page, base_url, "rep-kaz", "demo-rep-kaz")
    page.goto(f"{base_url}/crises/{opened.id}")
    page.wait_for_function(LIVE)
    assert page.locator("#place-map").count() == 0
    page.evaluate("window.__stay = 1")

    _update(db, "KG-2026-0002", "2026-11-20T07:00:00+06:00",
            "mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00",
            polygons=(OSH,), area="Osh region", headline="Earthquake near Osh")
    drawn = _drawn(page)
    (lat, lon), = drawn["markers"]
    assert 40.3 < lat < 40.8 and 72.5 < lon < 73.1, drawn
    assert page.evaluate("window.__stay") == 1
