"""The crisis room's map follows the crisis's place live: a CAP Update that moves the
crisis (its area, and so its place) moves the map's marker and area in open rooms at
once, without a reload, as it changes the room's head; a crisis that had no place gets
its map when an Update gives it one. A reader who zoomed in keeps the view across an
update that leaves the place in it; one that moves the place out of it shows the new
place, and the room says so."""

from __future__ import annotations

from collections.abc import Callable
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


# the room's map's view, once the map is drawn; `old` an element it must no longer be
VIEW = """(old) => {
  const el = document.getElementById('place-map');
  const map = el && el.leafletMap;
  if (!map || el === old || el.getAttribute('data-ready') !== '1') { return null; }
  const c = map.getCenter();
  return {zoom: map.getZoom(), lat: c.lat, lon: c.lng};
}"""


def _view_after_update(page: Any, update: Callable[[], None]) -> dict[str, float]:
    """The view of the map that `update` makes the room build (not the one on the page
    before it: taken first, since the new map may be drawn before `update` returns)."""
    old = page.evaluate_handle("document.getElementById('place-map')")
    update()
    page.wait_for_function(VIEW, arg=old, timeout=10_000)
    return page.evaluate(VIEW, None)  # type: ignore[no-any-return]


def test_a_zoomed_map_keeps_its_view_until_the_place_moves_out_of_it(
        site: tuple[str, Database], page: Any) -> None:  # noqa: F811
    base_url, db = site
    opened = alerts.receive(db, alert(info("Earthquake near Bishkek", polygons=(CHUY,),
                                           area="Chuy region")), KGZ, actor=SYSTEM).crisis
    assert opened is not None
    login(page, base_url, "rep-kaz", "demo-rep-kaz")
    page.goto(f"{base_url}/crises/{opened.id}")
    page.wait_for_function(LIVE)
    _drawn(page)
    page.wait_for_function("() => !document.getElementById('place-map').leafletMap"
                           "._animatingZoom")
    framed = page.evaluate(VIEW, None)
    # the reader zooms in twice with the map's button, and moves a little east
    zoom_in = page.locator("#place-map .leaflet-control-zoom-in")
    for step in (1, 2):
        zoom_in.click()
        page.wait_for_function("""(z) => {
          const map = document.getElementById('place-map').leafletMap;
          return map.getZoom() === z && !map._animatingZoom;  // (a click while it zooms is lost)
        }""", arg=framed["zoom"] + step)
    page.evaluate("() => { document.getElementById('place-map').leafletMap.panBy([60, 0], "
                  "{animate: false}); }")  # (the map itself, returned, would be copied out)
    chosen = page.evaluate(VIEW, None)
    assert chosen["zoom"] == framed["zoom"] + 2, (framed, chosen)
    assert page.evaluate("""() => document.getElementById('place-map').leafletMap
      .getBounds().contains([42.5, 74.5])""")  # the place still in view

    # an update that leaves the place where it was (a new headline, the same area)
    kept = _view_after_update(page, lambda: _update(
        db, "KG-2026-0002", "2026-11-20T07:00:00+06:00",
        "mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00",
        polygons=(CHUY,), area="Chuy region, Bishkek", headline="Aftershocks near Bishkek"))
    page.locator("#crisis-head", has_text="Bishkek").wait_for(timeout=5000)
    assert kept["zoom"] == chosen["zoom"], (chosen, kept)
    assert abs(kept["lat"] - chosen["lat"]) < 1e-6 and abs(kept["lon"] - chosen["lon"]) < 1e-6
    assert page.locator("#place-news").inner_text() == ""

    # an update that moves the place out of the view: the map shows the new place
    moved = _view_after_update(page, lambda: _update(
        db, "KG-2026-0003", "2026-11-20T08:00:00+06:00",
        "mchs@gov.kg,KG-2026-0002,2026-11-20T07:00:00+06:00",
        polygons=(OSH,), area="Osh region", headline="Earthquake near Osh"))
    (lat, lon), = _drawn(page)["markers"]
    assert 40.3 < lat < 40.8 and 72.5 < lon < 73.1
    assert page.evaluate("""() => document.getElementById('place-map').leafletMap
      .getBounds().contains([40.55, 72.8])""")
    assert moved["zoom"] < chosen["zoom"]  # framed on the new place and its area
    news = page.locator("#place-news")
    news.filter(has_text="moved").wait_for(timeout=3000)
    assert news.inner_text() == "The crisis has moved: the map shows its new place."
    assert news.get_attribute("role") == "status"
