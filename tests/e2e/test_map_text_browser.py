"""The maps put what people typed in as text: a crisis titled with markup shows its
title, tags and all, in the map's label, and the page gets no element from it; the
report form's place picker still fills the coordinates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser
TITLE = 'Flood <a href="//evil.example/">click</a><b>bold</b><img src=/static/favicon.svg>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("maptext")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    crises.open_crisis(db, crises.CrisisIn(title=TITLE, category="armed_attack",
                                           affected=["KAZ"], lat=43.2, lon=76.9),
                       actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"))
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url
    db.dispose()


@pytest.mark.parametrize(("path", "map_id"), [("/crises", "#crisis-map"),
                                          ("/forces/map", "#cop")])
def test_a_title_with_markup_is_shown_as_text_on_the_maps(
        browser: Any, site: str, path: str, map_id: str) -> None:
    page = browser.new_page()
    try:
        login(page, site, "rep-arm", "demo-rep-arm")
        page.goto(site + path)
        page.locator(f"{map_id}[data-ready='1']").wait_for(timeout=15_000)
        label = page.locator(f"{map_id} .leaflet-tooltip.lbl.crises").filter(
            has_text="Flood")
        label.first.wait_for(timeout=10_000)
        assert 'Flood <a href="//evil.example/">click</a><b>' in label.first.inner_text()
        assert page.locator(f"{map_id} .leaflet-tooltip a, {map_id} .leaflet-tooltip b, "
                            f"{map_id} .leaflet-tooltip img").count() == 0
    finally:
        page.close()


def test_the_report_forms_place_picker_fills_the_coordinates(browser: Any, site: str) -> None:
    """Reporting a crisis: a place of the list, or a click on the small map, fills the
    latitude and longitude; the map draws the places without a script error."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        login(page, site, "rep-kaz", "demo-rep-kaz")
        page.goto(site + "/crises")
        page.locator("#place-map[data-ready='1']").wait_for(timeout=15_000)
        assert page.locator("#place-map .leaflet-interactive.place").count() > 5
        page.fill("input[name=place]", "Dushanbe")
        lat = page.input_value("input[name=lat]")
        assert lat and abs(float(lat) - 38.5) < 0.5, lat
        page.locator("#place-map").scroll_into_view_if_needed()
        box = page.locator("#place-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.input_value("input[name=lat]") != lat
        # a Russian page offers the places by their Russian names
        page.goto(site + "/crises?lang=ru")
        page.locator("#place-map[data-ready='1']").wait_for(timeout=15_000)
        page.fill("input[name=place]", "Душанбе")
        ru = page.input_value("input[name=lat]")
        assert ru and abs(float(ru) - 38.5) < 0.5, ru
        assert errors == []
    finally:
        page.close()


def test_the_maps_buttons_speak_the_pages_language(browser: Any, site: str) -> None:
    """Leaflet's zoom buttons and the layers button are titled in English by Leaflet; the
    maps give them the page's words (the template's data attributes)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})  # the layers folded
    try:
        login(page, site, "rep-kaz", "demo-rep-kaz")
        page.goto(site + "/crises?lang=ru")
        for map_id in ("#crisis-map", "#place-map"):
            page.locator(f"{map_id}[data-ready='1']").wait_for(timeout=15_000)
            assert page.get_attribute(f"{map_id} .leaflet-control-zoom-in", "title") == \
                "Приблизить"
            assert page.get_attribute(f"{map_id} .leaflet-control-zoom-out", "title") == \
                "Отдалить"
        assert page.get_attribute("#crisis-map .leaflet-control-layers-toggle", "title") == \
            "Слои"
        page.goto(site + "/crises?lang=en")
        page.locator("#crisis-map[data-ready='1']").wait_for(timeout=15_000)
        assert page.get_attribute("#crisis-map .leaflet-control-zoom-in", "title") == "Zoom in"
        assert page.get_attribute("#crisis-map .leaflet-control-layers-toggle", "title") == \
            "Layers"
    finally:
        page.close()
