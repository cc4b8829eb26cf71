"""Forces in a real browser: the operational picture draws every unit, base and crisis
as its APP-6 symbol with milsymbol (each one valid, no Content-Security-Policy
violation), with the demo crisis's planned movements and its gap; a representative
answers for its state's units; the Joint Staff runs the planner from the crisis room
(its progress shown, the button disabled while it runs) and decides the plan; a phone
set to Russian reads the crisis room in Russian."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.services import forcesdemo
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import ARTIFACTS, CHROMIUM_ARGS, _chromium, serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _details(page: Any, map_id: str, popup: str = ".leaflet-popup") -> Any:
    """The details of the map's first crisis, opened by a click on its symbol. While a
    loaded machine still redraws the clusters (after a pan or the map's framing), they
    may swallow a click, so up to four clicks are allowed, 5 s each; then it fails."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    details = page.locator(f"{map_id} {popup}")
    for _ in range(4):
        page.locator(f"{map_id} .leaflet-marker-icon.sym.crises").first.click()
        try:
            details.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    details.wait_for()
    return details


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("forces")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    crisis = forcesdemo.run(db, time_limit=1)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, crisis
    db.dispose()


def until(page: Any, condition: str, timeout: float = 30.0) -> None:
    """Wait for a condition in the page (wait_for_function would evaluate it with eval,
    which the Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {condition}")
        page.wait_for_timeout(50)


@pytest.fixture(scope="module")
def own_browser(browser: Any) -> Any:
    """A browser of the map tests' own: after a long session of other pages, the shared
    one lets the map's zoom and pan animations lag behind."""
    b = browser.browser_type.launch(executable_path=_chromium(), headless=True,
                                    args=CHROMIUM_ARGS)
    yield b
    b.close()


def test_the_operational_picture_draws_valid_app6_symbols(own_browser: Any,
                                                          site: tuple[str, int]) -> None:
    """The interactive map (Leaflet): every unit, airfield and crisis as a valid APP-6
    symbol, the plan's movements, zoom and pan, layers that switch off, a legend, the
    details of a symbol on a click; nothing blocked by the Content-Security-Policy."""
    url, crisis = site
    # reduced motion: the map zooms and pans at once, whatever the machine's load
    ctx = own_browser.new_context(viewport={"width": 1400, "height": 1000},
                                  reduced_motion="reduce")
    page = ctx.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/forces/map?crisis={crisis}")
        cop = page.locator("#cop[data-ready='1']")
        cop.wait_for(timeout=15_000)
        page.locator("#cop[data-land-ready] path.land").first.wait_for(timeout=15_000)
        data = page.request.get(f"{url}/forces/map/data.json?crisis={crisis}").json()
        drawn = int(cop.get_attribute("data-symbols") or 0)
        assert drawn == len(data["symbols"]) >= 60 + 18 + 1  # units, airfields, the crisis
        assert cop.get_attribute("data-invalid") == "0"
        assert page.locator("#cop path.land").count() > 20  # the countries, no tiles
        assert page.locator("#cop img.leaflet-tile").count() == 0
        assert page.locator("#cop path.move.decided").count() >= 5
        # a unit flown to Batken, which has no airfield: its road from Osh drawn as a road
        away = [m for m in data["moves"] if m["status"] == "decided" and m["land"]]
        assert away and page.locator("#cop path.move.road.decided").count() >= len(away)
        assert page.locator("#cop-gap").inner_text().endswith("%")
        # overlapping symbols are clustered; the crisis carries its label
        assert page.locator("#cop .marker-cluster, #cop .cluster").count() >= 1
        assert "Batken" in page.locator("#cop .leaflet-tooltip.lbl.crises").inner_text()
        # the legend and the layers
        legend = page.locator("#cop .cop-legend").inner_text()
        assert "Units" in legend and "Airfields" in legend and "proposed movement" in legend
        zoom = page.evaluate("document.getElementById('cop').leafletMap.getZoom()")
        page.locator("#cop .leaflet-control-zoom-in").click()
        until(page, f"document.getElementById('cop').leafletMap.getZoom() > {zoom}")
        centre = page.evaluate("document.getElementById('cop').leafletMap.getCenter().lng")
        page.locator("#cop").focus()  # pan with the keyboard, as with a drag
        page.keyboard.press("ArrowRight")
        until(page, f"document.getElementById('cop').leafletMap.getCenter().lng > {centre}")
        popup = _details(page, "#cop", ".leaflet-popup .cop-details")
        assert "Stage" in popup.inner_text() and popup.locator(
            f"a[href='/crises/{crisis}']").count() == 1
        # switching off a layer removes its symbols
        airfields = page.locator("#cop .leaflet-marker-icon.sym.airfields, #cop .cluster.airfields")
        assert airfields.count() > 0
        page.locator("#cop .leaflet-control-layers label", has_text="Airfields").locator(
            "input").uncheck()
        assert airfields.count() == 0
        assert violations == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "operational-picture.png"), full_page=True)
        if os.environ.get("PHALANX_UPDATE_SCREENSHOT"):
            page.screenshot(path=str(DOCS / "operational-picture.png"))
    finally:
        ctx.close()


_OVERLAPS = """() => {
  const shown = [...document.querySelectorAll('#cop .leaflet-tooltip.lbl')]
    .filter(n => getComputedStyle(n).visibility !== 'hidden')
    .map(n => n.getBoundingClientRect()).filter(r => r.width && r.height);
  let n = 0;
  shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
  }));
  return [shown.length, n];
}"""


def test_the_operational_pictures_labels_never_cover_one_another(
        own_browser: Any, site: tuple[str, int]) -> None:
    """Zoomed in where units and airfields are thickest, every label shown stands clear of
    the others; those that would cover one are left out (and come back closer in), the
    crisis's label first of all."""
    url, crisis = site
    ctx = own_browser.new_context(viewport={"width": 1000, "height": 800},
                                  reduced_motion="reduce")
    page = ctx.new_page()
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/forces/map?crisis={crisis}")
        page.locator("#cop[data-ready='1']").wait_for(timeout=15_000)
        data = page.request.get(f"{url}/forces/map/data.json?crisis={crisis}").json()
        crisis_at = next(s for s in data["symbols"] if s["layer"] == "crises")
        covered_somewhere = 0
        for lat, lon in ((crisis_at["lat"], crisis_at["lon"]), (42.85, 74.6)):
            for zoom in (7, 8, 9):
                # (each call returns nothing: the map itself, returned, would be copied
                # out of the page whole, for seconds)
                page.evaluate("([lat, lon, z]) => { const cop = document.getElementById('cop');"
                              " cop.leafletMap.setView([lat, lon], z, {animate: false});"
                              " cop.removeAttribute('data-labels-shown');"
                              " cop.leafletMap.fire('moveend'); }", [lat, lon, zoom])
                until(page, "document.getElementById('cop').hasAttribute('data-labels-shown')")
                shown, overlaps = page.evaluate(_OVERLAPS)
                assert shown > 1 and overlaps == 0, (lat, lon, zoom, shown, overlaps)
                covered_somewhere += int(page.locator("#cop").get_attribute(
                    "data-labels-covered") or 0)
                label = page.locator("#cop .leaflet-tooltip.lbl.crises").first
                if label.count():
                    assert label.evaluate("n => getComputedStyle(n).visibility") == "visible"
        assert covered_somewhere > 0  # the dataset's garrisons do crowd at these zooms
    finally:
        ctx.close()


def swipe(page: Any, x: float, y: float, dy: float) -> None:
    """One finger drawn up the screen by `dy` px (a touch the browser handles as a real
    one: it scrolls what it would scroll)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y - dy * i / 10}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_crisis_board_map_is_framed_on_the_crises_and_fits_a_phone(
        browser: Any, site: tuple[str, int]) -> None:
    """On a phone in Russian the board's map fits the screen and is framed on the crises;
    its legend starts folded (it would hide half the map) and opens with a tap, its scale
    is in kilometres in Russian, its zoom buttons take a finger; one finger drawn over
    the map scrolls the page past it instead of being caught by the map (two fingers move
    the map), and a tap on the report form's map picks the place."""
    url, _crisis = site
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                              is_mobile=True, has_touch=True, locale="ru-RU")
    page = ctx.new_page()
    try:
        login(page, url, "secretariat", "demo-secretariat")
        page.goto(f"{url}/crises?lang=ru")
        page.locator("#crisis-map[data-ready='1']").wait_for(timeout=15_000)
        box = page.locator("#crisis-map").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 300
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        data = page.request.get(f"{url}/crises/map.json").json()
        where = [[s["lat"], s["lon"]] for s in data["symbols"] if s["layer"] == "crises"]
        assert where
        framed = page.evaluate(
            "(w) => { const m = document.getElementById('crisis-map').leafletMap;"
            " return [w.every(p => m.getBounds().contains(p)), m.getZoom()]; }", where)
        region = page.evaluate("(() => { const m = document.getElementById('crisis-map')"
                               ".leafletMap; return m.getBoundsZoom([[34, 22], [60, 90]]); })()")
        assert framed[0] and framed[1] > region, (framed, region)  # on the crisis, closer
        label = page.locator("#crisis-map .leaflet-tooltip.lbl.crises")
        assert label.count() >= 1
        legend = page.locator("#crisis-map .cop-legend")
        assert legend.get_attribute("open") is None
        assert "Подразделения" not in legend.inner_text()
        legend.locator("summary").tap()
        assert "Подразделения" in legend.inner_text() and "Кризисы" in legend.inner_text()
        assert page.locator("#crisis-map .leaflet-control-scale-line").inner_text().endswith(
            " км")
        for button in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out"):
            zoom = page.locator(f"#crisis-map {button}").bounding_box()
            assert zoom["width"] >= 44 and zoom["height"] >= 44
        assert "двумя пальцами" in page.locator("#crisis-map .cop-hint").inner_text().lower()
        # one finger over the map scrolls the page; the map stays where it was
        page.locator("#crisis-map").scroll_into_view_if_needed()
        box = page.locator("#crisis-map").bounding_box()
        centre = "JSON.stringify(document.getElementById('crisis-map').leafletMap.getCenter())"
        before, top = page.evaluate(centre), page.evaluate("scrollY")
        swipe(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, 200)
        until(page, f"scrollY > {top} + 100")
        assert page.evaluate(centre) == before
        assert page.evaluate("document.getElementById('crisis-map').leafletMap"
                             ".touchZoom.enabled()")
        assert "Этап" in _details(page, "#crisis-map").inner_text()
        # a tap on the report form's map fills in the place's coordinates
        pick = page.locator("#place-map[data-ready='1']")
        pick.scroll_into_view_if_needed()
        spot = pick.bounding_box()
        page.touchscreen.tap(spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2)
        until(page, "document.querySelector('#report-form input[name=lat]').value !== ''")
        assert page.locator("#place-map").get_attribute("data-picked")
    finally:
        ctx.close()


def test_consent_then_a_planner_run_decided_from_the_crisis_room(browser: Any,
                                                                 site: tuple[str, int]
                                                                 ) -> None:
    url, crisis = site
    rep_ctx, staff_ctx = browser.new_context(), browser.new_context()
    try:
        rep = rep_ctx.new_page()
        login(rep, url, "rep-arm", "demo-rep-arm")
        rep.goto(f"{url}/crises/{crisis}")
        assert rep.locator("#consents tr[data-state=ARM]").inner_text().count("none") == 1
        rep.select_option("#consent-form select[name=scope]", "some")
        rep.select_option("#consent-form select[name=units]", ["crrf-arm-er-1"])
        rep.fill("#consent-form input[name=conditions]", "rescue only")
        rep.click("#consent-form button[type=submit]")
        rep.wait_for_url(f"{url}/crises/{crisis}*")
        assert rep.locator("#saved").inner_text() == "Saved."
        row = rep.locator("#consents tr[data-state=ARM]").inner_text()
        assert "crrf-arm-er-1" not in row and "rescue only" in row  # the unit's name

        staff = staff_ctx.new_page()
        login(staff, url, "planner", "demo-planner-pass")
        staff.goto(f"{url}/crises/{crisis}")
        first = staff.locator("#plan-summary").get_attribute("data-plan")
        staff.fill("#plan-form input[name=time_limit]", "2")
        staff.click("#plan-form button[type=submit]")
        # while it runs: its progress, the run button disabled, a cancel button
        until(staff, "!!document.querySelector('#planner-progress')", 10)
        assert staff.locator("#planner-run-button").is_disabled()
        assert staff.locator("#planner-cancel").is_enabled()
        # then the page reloads on the new plan
        staff.wait_for_url(f"{url}/crises/{crisis}?saved=1*", timeout=60_000)
        # the decided plan stays in force, the new one is proposed beside it
        summary = staff.locator("#plan-summary")
        assert summary.get_attribute("data-plan") == first
        assert summary.get_attribute("data-status") == "decided"
        proposal = staff.locator("#proposal-summary")
        new = proposal.get_attribute("data-plan")
        assert new != first and proposal.get_attribute("data-status") == "proposed"
        assert staff.locator("#proposal-gap").inner_text().endswith("%")
        assert staff.locator("#proposal svg.gantt rect.bar").count() >= 5
        asked: list[str] = []
        staff.on("dialog", lambda d: asked.append(d.message))  # (login() accepts it)
        staff.click("#decide-plan")
        staff.wait_for_url(f"{url}/crises/{crisis}*")
        assert asked and "Decide plan" in asked[0]  # deciding asks first
        assert staff.locator("#saved").is_visible()  # and says it is done
        assert staff.locator("#plan-summary").get_attribute("data-status") == "decided"
        assert staff.locator("#plan-summary").get_attribute("data-plan") == new
        assert staff.locator("#proposal").count() == 0
        assert staff.locator("#progress tr").count() >= 5
        ARTIFACTS.mkdir(exist_ok=True)
        staff.screenshot(path=str(ARTIFACTS / "crisis-deployment.png"), full_page=True)
    finally:
        rep_ctx.close()
        staff_ctx.close()


def test_a_lift_asset_is_edited_on_the_registry_page_by_its_own_state_only(
        browser: Any, site: tuple[str, int]) -> None:
    url, _crisis = site
    kaz_ctx, rus_ctx = browser.new_context(), browser.new_context()
    try:
        kaz = kaz_ctx.new_page()
        login(kaz, url, "rep-kaz", "demo-rep-kaz")
        kaz.goto(f"{url}/forces")
        assert kaz.locator("#aircraft-kant-mi8-5").count() == 1
        assert kaz.locator("#aircraft-kant-mi8-5 form").count() == 0  # Russia's helicopter

        rus = rus_ctx.new_page()
        login(rus, url, "rep-rus", "demo-rep-rus")
        rus.goto(f"{url}/forces")
        row = rus.locator("#aircraft-kant-mi8-5")
        row.locator("summary").click()
        row.locator("select[name=base]").select_option("dushanbe")
        row.locator("input[name=turnaround_h]").fill("1.5")
        row.locator("button[type=submit]").click()
        rus.wait_for_url(f"{url}/forces*")
        cells = rus.locator("#aircraft-kant-mi8-5 > :is(th, td)").all_inner_texts()
        assert cells[2] == "Dushanbe" and cells[6] == "1.5 h"  # the base by its name
    finally:
        kaz_ctx.close()
        rus_ctx.close()


def test_the_crisis_rooms_place_map_is_interactive(own_browser: Any,
                                                   site: tuple[str, int]) -> None:
    """The crisis room's small map is the Leaflet one, framed on the crisis: its symbol
    and movements drawn, zoom buttons that zoom, usable at 390 px."""
    url, crisis = site
    ctx = own_browser.new_context(viewport={"width": 390, "height": 844},
                                  reduced_motion="reduce")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/crises/{crisis}")
        until(page, "document.querySelector('#place-map')?.getAttribute('data-ready') == '1'")
        assert page.locator("#place-map .leaflet-marker-icon.crises").count() == 1
        assert int(page.locator("#place-map").get_attribute("data-moves") or 0) >= 1
        assert page.evaluate("document.querySelector('#place-map').getBoundingClientRect()"
                             ".right") <= 390
        before = page.evaluate("document.querySelector('#place-map').leafletMap.getZoom()")
        page.locator("#place-map .leaflet-control-zoom-in").click()
        until(page, f"document.querySelector('#place-map').leafletMap.getZoom() > {before}")
        assert before >= 4  # framed on the crisis, not on the region
        assert errors == []
    finally:
        ctx.close()


def test_a_russian_phone_reads_the_crisis_room(own_browser: Any,
                                               site: tuple[str, int]) -> None:
    """A phone set to Russian opens the crisis room in Russian on its first visit: the
    plan's figures and why each unit moves, and the timeline, in Russian, on 390 px, its
    moments day first; the deployment's progress shows as cards; the room's list of
    sections takes the reader to one of them with two taps."""
    url, crisis = site
    ctx = own_browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU",
                                  is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/crises/{crisis}")
        assert page.locator("html").get_attribute("lang") == "ru"
        summary = page.locator("#plan-summary").inner_text()
        assert "нижняя оценка" in summary and "отрыв от нижней оценки" in summary, summary
        assert "lower bound" not in summary and "at the bound" not in summary
        why = page.locator("#movements td.small").all_inner_texts()
        assert why and all(w.startswith("закрывает потребность") for w in why), why
        timeline = page.locator("#timeline").inner_text()
        assert "утверждён план развёртывания" in timeline and "units move" not in timeline
        moments = page.locator("#timeline li > span.muted:first-child").all_inner_texts()
        assert moments and all(re.fullmatch(r"\d\d\.\d\d \d\d:\d\d", m) for m in moments)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        progress = page.locator("#progress")
        assert "reflow" in (progress.get_attribute("class") or "")
        assert progress.locator("td[data-label='Прибытие (UTC)']").count() >= 1
        assert progress.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
        jump = page.locator("details.jump")
        jump.locator("summary").tap()
        jump.locator("a", has_text="Силы").tap()
        until(page, "Math.abs(document.getElementById('forces').getBoundingClientRect().top)"
                    " < 2")
        assert jump.get_attribute("open") is None
    finally:
        ctx.close()
