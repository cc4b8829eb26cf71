"""A crisis reported through the web form can be planned, entirely by clicking in
Chromium: the Secretariat reports it (the place by a click on the form's map, then by a
search of the dataset's places), adds a force requirement, Russia's representative
consents, the planner runs, and the crisis and its movements are on the operational
picture. A report without a place comes back with the message and the input kept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser import base_url, login  # noqa: F401  (the shared demo site)

pytestmark = pytest.mark.browser
TITLE = "Flooding on the Kara-Darya near Osh"


def test_a_reported_crisis_is_placed_planned_and_mapped(browser: Any,
                                                        base_url: str) -> None:  # noqa: F811
    sec_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    rep_ctx = browser.new_context(viewport={"width": 390, "height": 800})
    problems: list[str] = []
    try:
        sec = sec_ctx.new_page()
        sec.on("pageerror", lambda e: problems.append(str(e)))
        sec.on("console", lambda m: problems.append(m.text) if m.type == "error" and
               "400 (Bad Request)" not in m.text else None)
        login(sec, base_url, "secretariat", "demo-secretariat")
        sec.goto(f"{base_url}/crises")
        form = sec.locator("#report-form")
        # without a place: the board comes back, the message beside the form, input kept
        form.locator("input[name=title]").fill(TITLE)
        form.locator("select[name=affected]").select_option(["KGZ"])
        form.locator("button[type=submit]").click()
        sec.locator("#report-error").wait_for()
        assert "place" in sec.locator("#report-error").inner_text().lower()
        assert form.locator("input[name=title]").input_value() == TITLE
        assert form.locator("select[name=affected]").evaluate(
            "s => Array.from(s.selectedOptions).map(o => o.value)") == ["KGZ"]

        # a click on the map gives coordinates
        pick = sec.locator("#place-map[data-ready='1']")
        pick.wait_for(timeout=10_000)
        pick.scroll_into_view_if_needed()
        box = pick.bounding_box()
        point = [box["width"] * 0.7, box["height"] * 0.6]
        sec.mouse.click(box["x"] + point[0], box["y"] + point[1])
        lat = float(form.locator("input[name=lat]").input_value())
        lon = float(form.locator("input[name=lon]").input_value())
        there = sec.evaluate("p => { const ll = document.getElementById('place-map')"
                             ".leafletMap.containerPointToLatLng(p); return [ll.lat, ll.lng]; }",
                             point)
        assert abs(lat - there[0]) < 0.5 and abs(lon - there[1]) < 0.5  # (a pixel or two)
        assert pick.get_attribute("data-picked")
        # a place of the dataset, found by its name, gives its own
        form.locator("input[name=place]").fill("Osh")
        form.locator("input[name=place]").dispatch_event("change")
        assert form.locator("input[name=lat]").input_value().startswith("40.6")
        form.locator("select[name=severity]").select_option("extreme")
        form.locator("button[type=submit]").click()
        sec.wait_for_url(f"{base_url}/crises/*")
        crisis = sec.url.rsplit("/", 1)[1].split("?")[0]

        # the Joint Staff's requirement, at the crisis's place
        req = sec.locator("form[action$='/requirements']")
        req.locator("select[name=capability]").select_option("motorized_rifle")
        req.locator("input[name=strength]").fill("150")
        assert req.locator("input[name=place]").input_value() == "Osh"
        req.locator("button[type=submit]").click()
        sec.wait_for_url(f"{base_url}/crises/{crisis}*")
        assert sec.locator("#requirements tbody tr").count() == 1

        # Russia's representative answers for its units, on a phone
        rep = rep_ctx.new_page()
        login(rep, base_url, "rep-rus", "demo-rep-rus")
        consent = rep.locator("#inbox-list li[data-kind=consent]", has_text=TITLE)
        consent.wait_for()
        consent.locator("a.title").click()
        rep.wait_for_url(f"{base_url}/crises/{crisis}*")
        rep.select_option("#consent-form select[name=scope]", "all")
        rep.click("#consent-form button[type=submit]")
        rep.wait_for_url(f"{base_url}/crises/{crisis}*")
        assert rep.locator("#consents tr[data-state=RUS]").count() == 1

        # the planner runs from the room
        sec.goto(f"{base_url}/crises/{crisis}")
        sec.fill("#plan-form input[name=time_limit]", "1")
        sec.click("#plan-form button[type=submit]")
        sec.wait_for_url(f"{base_url}/crises/{crisis}*", timeout=60_000)
        assert sec.locator("#plan-summary").get_attribute("data-status") == "proposed"
        assert sec.locator("svg.gantt rect.bar").count() >= 1

        # and the crisis, with its movements, is on the operational picture
        sec.goto(f"{base_url}/forces/map?crisis={crisis}")
        cop = sec.locator("#cop[data-ready='1']")
        cop.wait_for(timeout=15_000)
        assert int(cop.get_attribute("data-moves") or 0) >= 1
        assert sec.locator("#cop path.move.proposed").count() >= 1
        assert sec.locator("#cop .leaflet-tooltip.lbl.crises", has_text=TITLE).count() == 1
        assert problems == []
    finally:
        sec_ctx.close()
        rep_ctx.close()
