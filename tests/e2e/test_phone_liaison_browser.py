"""The affected state's liaison officer on a phone, in Russian (390 × 844): the crisis
room's request for assistance names each of its fields, to the eye and to a screen
reader; the audit trail's pages are turned by links a finger takes and a screen reader
reads; a register offers no form whose choice is empty; a tap anywhere on a plan's bar
gives its figures. (Every page of the roles the layout test visits:
test_layout_browser.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.support.axe import audit

pytestmark = pytest.mark.browser
FINGER = 43.5
KGZ = ("rep-kgz", "demo-rep-kgz")
# the name a screen reader gives each field of a form (its label's words, or its own)
NAMES = """(form) => Array.from(form.querySelectorAll(
  "input:not([type=hidden]), select, textarea")).map((f) => [f.name, (f.labels && f.labels[0]
  ? f.labels[0].innerText.replace(f.innerText || "", "") : "").trim()
  || f.getAttribute("aria-label") || ""])"""


def _crisis_of(page: Any, base_url: str, state: str) -> str:  # noqa: F811
    page.goto(f"{base_url}/crises?lang=ru")
    rows = page.locator("#crisis-board a[href^='/crises/']")
    for i in range(rows.count()):
        href = str(rows.nth(i).get_attribute("href"))
        if page.request.get(f"{base_url}/api/v1{href}").json()["affected"] == [state]:
            return href
    raise AssertionError(f"no crisis of {state} on the board")


@contextmanager
def _kgz_room(browser: Any, base_url: str) -> Iterator[Any]:  # noqa: F811
    """Kyrgyzstan's representative on a phone, in the crisis room of its crisis, in Russian."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, KGZ)
        page.goto(f"{base_url}{_crisis_of(page, base_url, 'KGZ')}?lang=ru")
        yield page
    finally:
        ctx.close()


def test_the_affected_states_request_form_names_its_measure(
        browser: Any, base_url: str, axe_source: str) -> None:  # noqa: F811
    """Kyrgyzstan's representative asks for assistance in its crisis room: the form's
    measure (humanitarian, military, ...) had no name at all, neither shown beside it nor
    read out (axe: select-name, critical); it is "Мера" now, like the form's other
    fields."""
    with _kgz_room(browser, base_url) as page:
        form = page.locator("#request-form")
        names = dict(form.evaluate(NAMES))
        assert names == {"resource": "Что требуется", "quantity": "Количество",
                         "measure": "Мера"}, names
        assert form.locator("label", has_text="Мера").is_visible()
        assert audit(page, axe_source) == []


def test_the_audit_trails_pages_are_turned_by_a_finger(browser: Any,
                                                      base_url: str) -> None:  # noqa: F811
    """The auditor turns the trail's pages on a phone: the links were a bare "←" and "→"
    of 13 × 18 px beside the page's number (read out as arrows); they are the lists' own
    pager now, "Предыдущая страница" and "Следующая страница" after which rows of how
    many, each a finger's height, and they keep the filter."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("auditor", "demo-auditor-pass"))
        page.goto(f"{base_url}/audit?lang=ru&exercise=false&page=2")
        pager = page.locator("#audit-pager")
        assert pager.is_visible()
        text = pager.inner_text()
        assert text.startswith("101–200 из "), text
        links = pager.locator("a")
        assert links.all_inner_texts() == ["Предыдущая страница", "Следующая страница"]
        for i in range(links.count()):
            assert links.nth(i).bounding_box()["height"] >= FINGER
            assert "exercise=false" in str(links.nth(i).get_attribute("href"))
        links.first.tap()
        page.wait_for_url("**/audit?*page=1*")
        assert page.locator("#audit-pager").inner_text().startswith("1–100 из ")
    finally:
        ctx.close()


def test_a_register_offers_no_delivery_form_without_a_supply_to_deliver(
        browser: Any, base_url: str) -> None:  # noqa: F811
    """Kyrgyzstan's supplies are delivered in full: the register offered it the form to
    record a delivery all the same, its supply's choice an empty box of 38 px; the form
    is there only while a supply the reader may record is not delivered in full."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, KGZ)
        page.goto(f"{base_url}/mtc?lang=ru")
        assert page.locator("#supplies tbody tr").count() >= 1
        form = page.locator("#delivery-form")
        assert form.count() == 0 or form.locator("select[name=supply] option").count() > 0
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/mtc?lang=ru")
        assert page.locator("#delivery-form select[name=supply] option").count() > 0
    finally:
        ctx.close()


def test_a_tap_on_a_flown_bars_ground_leg_gives_the_bars_figures(
        browser: Any, base_url: str) -> None:  # noqa: F811
    """A unit flown goes by road to where it boards and from where it lands: its bar in
    the plan's chart draws those legs in green over it. A finger on the green part (most
    of the bar for a battalion landing far from its place) got nothing, and a mouse over
    it no tooltip: the leg, drawn over the bar, took the tap and has no figures of its
    own. The tap now reaches the bar: its figures are written under the chart."""
    with _kgz_room(browser, base_url) as page:
        legs = page.locator("svg.gantt rect.leg")
        assert legs.count() > 0
        widest = max(range(legs.count()),
                     key=lambda i: float(legs.nth(i).get_attribute("width") or 0))
        leg = legs.nth(widest)
        # the leg's middle, brought into the chart's box (it scrolls sideways)
        leg.evaluate("l => { const c = l.closest('.chart'); const r = l.getBoundingClientRect();"
                     " c.scrollLeft += r.left + r.width / 2 - c.getBoundingClientRect().left"
                     " - c.clientWidth / 2; l.scrollIntoView({block: 'center'}); }")
        box = leg.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator("div.chart:has(svg.gantt) + p.chart-tip")
        tip.wait_for(timeout=5_000)
        bar = leg.evaluate("l => Array.from(l.parentNode.querySelectorAll('rect.bar'))"
                           ".filter(b => b.getAttribute('y') === l.getAttribute('y'))[0]"
                           ".getAttribute('aria-label')")
        assert tip.inner_text() == bar and "по воздуху" in bar, (tip.inner_text(), bar)


def test_a_bars_figures_are_in_sight_when_the_chart_is_scrolled(
        browser: Any, base_url: str) -> None:  # noqa: F811
    """The plan's chart is wider than a phone and scrolls sideways in its box: a bar at
    its end, tapped, wrote its figures in a line inside that box, scrolled with the
    chart, its start ("Инженерный батальон ...") cut off at the box's left edge. The line
    is under the box now, whole in sight."""
    with _kgz_room(browser, base_url) as page:
        box = page.locator("div.chart:has(svg.gantt)")
        box.evaluate("c => { c.scrollLeft = c.scrollWidth; c.scrollIntoView(); }")
        assert box.evaluate("c => c.scrollLeft") > 100
        last = max(range(page.locator("svg.gantt rect.bar").count()), key=lambda i: float(
            page.locator("svg.gantt rect.bar").nth(i).get_attribute("x") or 0))
        bar = page.locator("svg.gantt rect.bar").nth(last)
        spot = bar.bounding_box()
        page.touchscreen.tap(spot["x"] + min(spot["width"] / 2, 10), spot["y"] + 6)
        tip = page.locator("p.chart-tip")
        tip.wait_for(timeout=5_000)
        assert tip.inner_text() == bar.get_attribute("aria-label")
        seen, frame = tip.bounding_box(), box.bounding_box()
        assert seen["x"] >= frame["x"] - 0.5 and seen["x"] + seen["width"] <= 390, (seen, frame)
